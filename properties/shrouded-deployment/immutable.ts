/**
 * Immutable mode (REQ-SHROUD-6): before a shrouded deployment the machine's hypervisor takes
 * setting changes; after it, every request that would change a security setting is refused,
 * whoever asks, in any order and number, interleaved with other clients' requests and further
 * deployments, while the other machine's hypervisor stays open.
 * @module
 */
import fc from 'fast-check';
import type { Action } from '../../model/platform/index.js';
import { SECURITY_SETTINGS, SETTING_REQUESTERS } from '../../model/shrouded-deployment/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds, sut } from '../sut-calls.js';
import { CONFIG, honestPath, MACHINE, OTHER_MACHINE } from './fixtures.js';

const arbSetting = fc.record({
  by: fc.constantFrom(...SETTING_REQUESTERS),
  setting: fc.constantFrom(...SECURITY_SETTINGS),
  value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  machine: fc.constantFrom(MACHINE, MACHINE, OTHER_MACHINE),
});

/** A request after the deployment: a setting change, or another client's deployment on machine 0. */
const arbLater = fc.oneof({ weight: 4, arbitrary: arbSetting.map((s) => ({ op: 'set' as const, ...s })) }, { weight: 1, arbitrary: fc.constant({ op: 'redeploy' as const }) });

export const immutableSettings = defineProperty({
  mechanism: 'shrouded-deployment',
  name: 'immutable-after-deploy',
  requirements: ['REQ-SHROUD-5', 'REQ-SHROUD-6'],
  statement:
    "Before a shrouded deployment a machine's hypervisor takes setting changes; after it, every request to change a security setting of that machine's hypervisor is refused with SETTINGS_IMMUTABLE, whoever asks and in whatever order and number, and the deployment is listed as immutable.",
  arbitrary: fc.record({ before: fc.array(arbSetting, { maxLength: 4 }), after: fc.array(arbLater, { minLength: 1, maxLength: 12 }) }),
  *run({ before, after }) {
    yield* sut.reset(CONFIG);
    for (const s of before) {
      yield* expectAccepted('REQ-SHROUD-6', 'shroud-set-setting', yield* sut.apply({ kind: 'shroud-set-setting', ...s } satisfies Action), 'before immutable mode');
    }
    for (const a of honestPath(1, MACHINE, 0)) yield* expectAccepted('REQ-SHROUD-5', a.kind, yield* sut.apply(a), 'the honest path');
    let client = 2;
    for (const l of after) {
      if (l.op === 'redeploy') {
        for (const a of honestPath(client++, MACHINE, 1)) yield* expectAccepted('REQ-SHROUD-5', a.kind, yield* sut.apply(a), 'a further deployment');
        continue;
      }
      const out = yield* sut.apply({ kind: 'shroud-set-setting', by: l.by, setting: l.setting, value: l.value, machine: l.machine } satisfies Action);
      if (l.machine === MACHINE) yield* expectCode('shroud-set-setting', out, 'SETTINGS_IMMUTABLE', `${l.by} sets ${l.setting} after immutable mode`);
      else yield* expectAccepted('REQ-SHROUD-6', 'shroud-set-setting', out, 'the other machine is not immutable');
    }
    const view = yield* sut.observe({ kind: 'host-manager' });
    const deployments = view !== null && 'deployments' in view ? (view.deployments as readonly { machine: number; immutable: boolean }[]) : [];
    yield* holds('REQ-SHROUD-5', deployments.length > 0 && deployments.every((d) => d.machine === MACHINE && d.immutable), `deployments not all immutable on machine 0: ${JSON.stringify(deployments)}`);
  },
});
