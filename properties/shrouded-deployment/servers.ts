/**
 * Servers (REQ-SHROUD-4, REQ-SHROUD-5): over any order of clients deploying on both machines,
 * with images re-released between deployments, every server identifier is new, the server runs
 * the image the client released last for the host it verified, and the host manager lists each
 * server, immutable, on its machine.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { AT, CLIENTS, CONFIG, HONEST, imageFor, MACHINE, OTHER_MACHINE, tagOf } from './fixtures.js';

/** Host keys per machine: 0 and 1 on machine 0, 2 on machine 1. */
const HOSTS: Readonly<Record<number, readonly number[]>> = { [MACHINE]: [0, 1], [OTHER_MACHINE]: [2] };

const arbStep = fc.record({ client: fc.constantFrom(...CLIENTS), machine: fc.constantFrom(MACHINE, OTHER_MACHINE), pick: fc.nat(1), release: fc.boolean() });

export const uniqueServers = defineProperty({
  mechanism: 'shrouded-deployment',
  name: 'servers-unique-and-as-built',
  requirements: ['REQ-SHROUD-4', 'REQ-SHROUD-5'],
  statement:
    'Every shrouded deployment returns a server identifier no earlier deployment returned, the server runs the image the client released last for the host it verified, and the host manager lists every server, immutable, on its machine.',
  arbitrary: fc.array(arbStep, { minLength: 1, maxLength: 10 }),
  *run(steps) {
    yield* sut.reset(CONFIG);
    const verified = new Set<string>();
    const lastImage = new Map<string, string>();
    const servers = new Map<number, number>();
    for (const s of steps) {
      const key = `${s.client}:${s.machine}`;
      if (!verified.has(key)) {
        yield* expectAccepted('REQ-SHROUD-5', 'shroud-verify-host', yield* sut.apply({ kind: 'shroud-verify-host', client: s.client, machine: s.machine, hkd: HONEST.hkd, certificates: [...HONEST.certificates], crls: [...HONEST.crls], at: AT } satisfies Action));
        verified.add(key);
      }
      if (s.release || !lastImage.has(key)) {
        const hosts = HOSTS[s.machine] ?? [0];
        const image = imageFor(hosts[s.pick % hosts.length] ?? 0);
        yield* expectAccepted('REQ-SHROUD-4', 'shroud-release', yield* sut.apply({ kind: 'shroud-release', client: s.client, machine: s.machine, what: 'image', payload: image.header } satisfies Action));
        lastImage.set(key, bytesToHex(tagOf(image)));
      }
      const out = yield* sut.apply({ kind: 'shroud-deploy', client: s.client, machine: s.machine } satisfies Action);
      yield* expectAccepted('REQ-SHROUD-5', 'shroud-deploy', out, `deploy on ${key}`);
      const r = out.kind === 'accepted' ? (out.response as { server: number; image: Uint8Array }) : undefined;
      if (r === undefined) continue;
      yield* holds('REQ-SHROUD-5', !servers.has(r.server), `server ${r.server} returned twice`);
      yield* holds('REQ-SHROUD-4', bytesToHex(r.image) === lastImage.get(key), `server ${r.server} runs ${bytesToHex(r.image)}, not the image released last for ${key}`);
      servers.set(r.server, s.machine);
    }
    const view = yield* sut.observe({ kind: 'host-manager' });
    const listed = view !== null && 'deployments' in view ? (view.deployments as readonly { id: number; machine: number; immutable: boolean }[]) : [];
    const expected = [...servers].sort(([a], [b]) => a - b).map(([id, machine]) => ({ id, machine, immutable: true }));
    yield* holds('REQ-SHROUD-5', JSON.stringify(listed) === JSON.stringify(expected), `the host manager lists ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`);
  },
});
