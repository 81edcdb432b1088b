/**
 * Noninterference for incremental image decryption, as Komodo states it: two worlds that differ
 * only in the owner's secrets (plaintext, header key, image key, CCK, SCF, IV and customer key),
 * with the same sizes, PCF, host keys, component layout and tweaks, driven by the same hypervisor
 * schedule (moves by index), give the hypervisor equal outcomes and equal views after every step,
 * once the bytes it supplied itself are masked (a header or page shown back is named by the call
 * that handed it in, not by its bytes).
 * @module
 */
import fc from 'fast-check';
import { bytesToHex } from '../../model/core/bytes.js';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { arbSecrets, arbShape, imageOf, type TestImage } from './fixtures.js';
import { suppliedBy } from './confidentiality.js';
import { arbSchedule, runSchedule, type Move } from './schedules.js';

/** A value rendered as text, each byte string the hypervisor supplied replaced by the name of the call that supplied it. */
function masked(value: unknown, supplied: ReadonlyMap<string, string>): string {
  const render = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const hex = bytesToHex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return supplied.get(hex) ?? hex;
    }
    if (typeof v === 'string') return supplied.get(v.toLowerCase().replace(/^0x/, '')) ?? v;
    if (typeof v === 'bigint') return `${v}n`;
    if (Array.isArray(v)) return v.map(render);
    if (v instanceof Map) return [...v.entries()].map(([k, x]) => [render(k), render(x)]);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x)]));
    return v;
  };
  return JSON.stringify(render(value));
}

/** What the hypervisor sees in one world: after each step, the outcome and its view, masked. */
function* hypervisorSees(image: TestImage, foreign: TestImage, schedule: readonly Move[]): Calls<string[]> {
  const supplied = new Map<string, string>();
  const seen: string[] = [];
  const remember = (action: Action, step: number) => {
    for (const [i, b] of suppliedBy(action).entries()) {
      const hex = bytesToHex(b);
      if (!supplied.has(hex)) supplied.set(hex, `<supplied at step ${step}, field ${i}>`);
    }
  };
  let step = 0;
  const run = yield* runSchedule(image, foreign, schedule, function* (t) {
    remember(t.action, step);
    seen.push(`step ${step} (${t.action.kind}): ${masked(t.outcome, supplied)} | ${masked(yield* sut.observe({ kind: 'hypervisor' }), supplied)}`);
    step++;
  });
  seen.unshift(`create-guest: ${masked(run.created, supplied)}`);
  return seen;
}

/** Two images of one shape with independent secrets. */
const arbTwins = fc.tuple(arbShape(), arbSecrets, arbSecrets).map(([shape, a, b]) => [imageOf(shape, a), imageOf(shape, b)] as const);

/** REQ-UNPACK-14 as noninterference: the hypervisor cannot tell two owners' secrets apart. */
export const noninterference = defineProperty({
  mechanism: 'image-unpack',
  name: 'noninterference',
  requirements: ['REQ-UNPACK-14'],
  statement:
    'Two worlds whose images differ only in plaintext and keys (same sizes, PCF, host keys, layout and tweaks), driven by the same schedule, give the hypervisor equal outcomes and equal views after every step, apart from the bytes it supplied itself.',
  arbitrary: fc
    .tuple(arbTwins, arbTwins)
    .chain(([own, foreign]) => arbSchedule(own[0].pages.length, foreign[0].pages.length).map((schedule) => ({ own, foreign, schedule }))),
  *run({ own, foreign, schedule }) {
    const a = yield* hypervisorSees(own[0], foreign[0], schedule);
    const b = yield* hypervisorSees(own[1], foreign[1], schedule);
    const at = a.findIndex((x, i) => x !== b[i]);
    const first = at < 0 ? '' : `world A: ${(a[at] ?? '').slice(0, 600)}\nworld B: ${(b[at] ?? '').slice(0, 600)}`;
    yield* holds('REQ-UNPACK-14', at < 0 && a.length === b.length, `the hypervisor tells the worlds apart at ${at}:\n${first}`);
  },
});
