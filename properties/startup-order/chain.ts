/**
 * The real chain (REQ-START-10): the volume key from the secret store (95sel-ebc) or the
 * encrypted initrd, open, check, mount, start what needs the mount, listed in any order; and
 * without the key's source, stuck with the workload never started.
 * @module
 */
import fc from 'fast-check';
import { CHAIN_SOURCES, realChain } from '../../model/startup-order/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { loadedGuest, startupOf } from './fixtures.js';

/** The resources without which the volume key cannot be had, by source. */
const KEY_SOURCE = { 'secret-store': '/dev/disk/by-label/boot', initrd: '/etc/luks/keyfile' } as const;

/** The pairs (earlier, later) the chain must start in that order. */
const BEFORE: readonly (readonly [string, string])[] = [
  ['volume-key', '/dev/mapper/cryptroot_mapper'],
  ['/dev/mapper/cryptroot_mapper', 'cipher:paes-xts-plain64'],
  ['cipher:paes-xts-plain64', '/sysroot'],
  ['/sysroot', 'workload'],
];

/** REQ-START-10: the real chain completes in requirement order, or sticks without its key source. */
export const realChainOrder = defineProperty({
  mechanism: 'startup-order',
  name: 'real-chain',
  requirements: ['REQ-START-10'],
  statement:
    'The real chain, from the secret store or the encrypted initrd, listed in any order, completes with the volume key before the volume opens, the cipher checked before the mount and the workload last; without the source of the key it ends stuck, the workload not started, the entry that needs the source no-provider and every entry behind it after-stuck.',
  arbitrary: fc.record({
    source: fc.constantFrom(...CHAIN_SOURCES),
    order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 8, maxLength: 8 }),
    withoutSource: fc.boolean(),
  }),
  *run({ source, order, withoutSource }) {
    const chain = realChain(source);
    const entries = order.filter((i) => i < chain.entries.length).map((i) => chain.entries[i]).filter((e) => e !== undefined);
    const provided = withoutSource ? chain.provided.filter((p) => p !== KEY_SOURCE[source]) : chain.provided;
    const guest = yield* loadedGuest({ entries, provided });
    yield* expectAccepted('REQ-START-10', 'startup-run', yield* sut.apply({ kind: 'startup-run', guest }), 'run the chain');
    const v = yield* startupOf(guest);
    const started = v?.started ?? [];
    const at = (resource: string) => started.indexOf(chain.entries.find((e) => e.defines === resource)?.name ?? '');
    if (!withoutSource) {
      yield* holds('REQ-START-10', v?.status === 'complete' && started.length === chain.entries.length, `the chain from ${source} ended ${String(v?.status)} with ${started.length} of ${chain.entries.length} started`);
      for (const [a, b] of BEFORE) yield* holds('REQ-START-10', at(a) >= 0 && at(a) < at(b), `${b} came before ${a}`);
      yield* holds('REQ-START-10', started.at(-1) === 'workload.service', `the workload did not start last: ${JSON.stringify(started)}`);
      return;
    }
    yield* holds('REQ-START-10', v?.status === 'stuck' && at('workload') < 0, `without its key source the chain ended ${String(v?.status)}, workload at ${at('workload')}`);
    const needs = chain.entries.find((e) => e.requires.includes(KEY_SOURCE[source]))?.name;
    const reasons = new Map((v?.stuck ?? []).map((s) => [s.name, s.reason]));
    yield* holds('REQ-START-10', reasons.get(needs ?? '') === 'no-provider', `${String(needs)} is reported ${String(reasons.get(needs ?? ''))}`);
    yield* holds('REQ-START-10', [...reasons].every(([name, r]) => name === needs || r === 'after-stuck'), `the entries behind it: ${JSON.stringify([...reasons])}`);
  },
});
