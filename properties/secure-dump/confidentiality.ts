/**
 * Nothing of the guest reaches the hypervisor in the clear (REQ-DUMP-8): over dumps in both
 * modes with any interleaving of the calls, no 16-byte run of the guest's kernel (its secure
 * memory), of its PSW, of the CCK, of any dump key, page key or tweak nonce appears in any
 * response or in the hypervisor's view after any step, in any encoding, except where the
 * hypervisor supplied it itself (the image it unpacked). The keys are the ones the owner recovers
 * from each dump with its own key.
 * @module
 */
import fc from 'fast-check';
import { openRealCompletion } from '../../model/se-format/dump-real.js';
import { openSeedCompletion } from '../../model/se-format/dump-seed.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { collectBytes, suppliedBy, type Leak, type Observed, type Secret } from '../image-unpack/confidentiality.js';
import { SUITE } from '../image-unpack/fixtures.js';
import { arbDumpMoves, type DumpMove } from './owner-opens.js';
import { chunkCount, collect, collection, DUMP_CONFIG, dumpImage, finishDump, OWNER_KEY, runningGuest } from './fixtures.js';

/** The keys a completion data protects, as the owner recovers them. */
export function keysOf(completion: Uint8Array, cck: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const real = openRealCompletion(SUITE, cck, completion);
  if (real !== undefined) return [{ name: 'a real dump key', bytes: real.dumpKey }, { name: 'a page key', bytes: real.xtsKey }, { name: 'a tweak nonce', bytes: real.nonce }];
  const seed = openSeedCompletion(SUITE, OWNER_KEY, completion);
  return seed === undefined ? [] : [{ name: 'a seed-mode dump key', bytes: seed.dumpKey }];
}

/**
 * The first window of a secret that occurs in an observed byte string (numbers read as u64s
 * included) and in no supplied one, or undefined. The secrets' windows are indexed by their first
 * four bytes, and each distinct observed string is scanned once: dumps are large, their windows many.
 */
export function scanLeak(secrets: readonly Secret[], observed: readonly Observed[], supplied: readonly Uint8Array[]): Leak | undefined {
  const index = new Map<number, { secret: Secret; offset: number }[]>();
  for (const secret of secrets) {
    const b = Buffer.from(secret.bytes.buffer, secret.bytes.byteOffset, secret.bytes.byteLength);
    for (let i = 0; i + secret.window <= b.length; i++) {
      const k = b.readUInt32BE(i);
      const l = index.get(k) ?? [];
      l.push({ secret, offset: i });
      index.set(k, l);
    }
  }
  const suppliedBufs = supplied.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const distinct: { b: Buffer; where: string }[] = [];
  for (const o of observed) {
    const b = Buffer.from(o.bytes.buffer, o.bytes.byteOffset, o.bytes.byteLength);
    if (!distinct.some((d) => d.b.length === b.length && d.b.equals(b))) distinct.push({ b, where: o.where });
  }
  for (const { b, where } of distinct) {
    for (let j = 0; j + 4 <= b.length; j++) {
      const hits = index.get(b.readUInt32BE(j));
      if (hits === undefined) continue;
      for (const h of hits) {
        const w = h.secret.window;
        const window = h.secret.bytes.subarray(h.offset, h.offset + w);
        if (j + w > b.length || !b.subarray(j, j + w).equals(window)) continue;
        if (suppliedBufs.some((s) => s.indexOf(window) >= 0)) continue;
        return { secret: h.secret.name, offset: h.offset, where: `${where}[${j}]` };
      }
    }
  }
  return undefined;
}

/**
 * Collects the hypervisor's view into `observed`: everything but the dump blobs it had at the last
 * look (`known` of them, which it keeps: they were collected then), so that each blob is scanned once.
 */
function* observeHypervisor(where: string, observed: Observed[], known: { count: number }): Calls<void> {
  const v = yield* sut.observe({ kind: 'hypervisor' });
  if (v === null || v.party !== 'hypervisor') {
    collectBytes(v, `hypervisor view ${where}`, observed);
    return;
  }
  const kept = v.dumps.length >= known.count ? v.dumps.slice(known.count) : v.dumps;
  collectBytes({ ...v, dumps: kept }, `hypervisor view ${where}`, observed);
  known.count = v.dumps.length;
}

/** REQ-DUMP-8: no plaintext of the guest and no key in what the hypervisor gets. */
export const dumpConfidential = defineProperty({
  mechanism: 'secure-dump',
  name: 'dump-confidential',
  requirements: ['REQ-DUMP-8'],
  statement:
    "Over a real-mode and a seed-mode dump of a running guest with any interleaving of the dump calls, no 16-byte run of the guest's secure memory (its kernel), of its PSW, of the CCK, or of any dump key, page key or tweak nonce the owner recovers from the dumps appears in any response or in the hypervisor's view after any step, except where the hypervisor supplied it itself.",
  arbitrary: fc.record({ variant: fc.nat(3), extra: fc.nat(4), moves: fc.tuple(arbDumpMoves, arbDumpMoves), order: fc.boolean() }),
  *run({ variant, extra, moves, order }) {
    yield* sut.reset(DUMP_CONFIG);
    const image = dumpImage(true, variant);
    const memoryPages = image.minPages + extra;
    const guest = yield* runningGuest(image, memoryPages);
    const supplied = honestCalls(guest, image).flatMap(suppliedBy);
    const observed: Observed[] = [];
    const known = { count: 0 };
    const completions: Uint8Array[] = [];
    const modes: ('real' | 'seed')[] = order ? ['real', 'seed'] : ['seed', 'real'];
    for (const [k, mode] of modes.entries()) {
      const o = yield* sut.apply({ kind: 'dump-init', guest, mode });
      collectBytes(o, `response to dump-init (${mode})`, observed);
      const c = collection();
      for (const m of moves[k] as DumpMove[]) {
        const action =
          m.op === 'state'
            ? { kind: 'dump-storage-state', guest, address: BigInt(Math.min(m.chunk, chunkCount(memoryPages) - 1)) * 256n * 4096n }
            : m.op === 'cpu'
              ? { kind: 'dump-cpu', guest, cpu: m.cpu }
              : { kind: 'dump-init', guest, mode };
        const r = yield* sut.apply(action);
        collectBytes(r, `response to ${action.kind} (${mode})`, observed);
        collect(c, action.kind, 'address' in action ? action.address : 0n, r);
        yield* observeHypervisor(`after ${action.kind} (${mode})`, observed, known);
      }
      // The file is the hypervisor's own assembly of the pieces collected here (and in its view).
      yield* finishDump(guest, memoryPages, c);
      if (c.completion !== undefined) completions.push(c.completion);
      yield* observeHypervisor(`after the ${mode}-mode dump`, observed, known);
    }
    const secrets: Secret[] = [
      { name: 'the CCK', bytes: image.cck, window: 16 },
      { name: 'the PSW', bytes: image.psw, window: 16, number: true },
      ...Array.from({ length: Math.floor(image.kernel.length / 16) }, (_, i) => ({ name: `kernel bytes ${16 * i}`, bytes: image.kernel.subarray(16 * i, 16 * i + 16), window: 16 })),
      ...completions.flatMap((c) => keysOf(c, image.cck).map((k) => ({ ...k, window: 16 }))),
    ];
    yield* holds('REQ-DUMP-8', completions.length === 2 && secrets.length > 2 + completions.length, `the owner did not recover the keys of both dumps (${completions.length} completions)`);
    const leak = scanLeak(secrets, observed, supplied);
    yield* holds('REQ-DUMP-8', leak === undefined, leak === undefined ? '' : `${leak.secret} (bytes ${leak.offset}..${leak.offset + 16}) was seen: ${leak.where}`);
  },
});
