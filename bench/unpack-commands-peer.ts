/**
 * The in-repo peer of the campaign: fast-check's model-based runner (`fc.commands` and
 * `fc.modelRun`) over the abstract unpack workload the issue measured Quint and fast-check on:
 * one guest of 64 pages, an image of 32 pages, and adversarial calls (headers, honest, tampered,
 * replayed and out-of-range pages, verify, start). The "system" is an abstract implementation of
 * the same rules without crypto (phases, a page set, a running digest as a number), checked
 * against an abstract model after every command: what a peer's model-based test costs per step.
 * @module
 */
import fc from 'fast-check';

/** Guest memory in pages. */
export const PEER_MEMORY_PAGES = 64;
/** Pages of the image. */
export const PEER_IMAGE_PAGES = 32;

type Phase = 'created' | 'unpacking' | 'verified' | 'verify-failed' | 'running';

/** The abstract state: the same in the model and the system. */
interface State {
  phase: Phase;
  pages: Set<number>;
  /** A running digest of the pages and their order (the image's honest value is known). */
  digest: number;
  count: number;
}

const fresh = (): State => ({ phase: 'created', pages: new Set(), digest: 0, count: 0 });
const mix = (d: number, page: number, tampered: boolean) => (Math.imul(d ^ (page + (tampered ? 0x9e3779b9 : 0)), 0x01000193) >>> 0);
/** The digest an honest unpack of every page in order gives. */
const HONEST = Array.from({ length: PEER_IMAGE_PAGES }, (_, i) => i).reduce((d, p) => mix(d, p, false), 0);

/** One call, applied to a state: the outcome code. Both sides run it; they must agree. */
type Call = (s: State) => string;

const setHeader: Call = (s) => (s.phase !== 'created' ? 'INVALID_STATE' : ((s.phase = 'unpacking'), 'accepted'));
const unpack = (page: number, tampered: boolean): Call => (s) => {
  if (s.phase !== 'unpacking') return 'INVALID_STATE';
  if (page >= PEER_MEMORY_PAGES) return 'ADDRESS_OUT_OF_RANGE';
  if (s.count >= PEER_IMAGE_PAGES) return 'TOO_MANY_PAGES';
  if (s.pages.has(page)) return 'ADDRESS_ALREADY_UNPACKED';
  s.pages.add(page);
  s.count++;
  s.digest = mix(s.digest, page, tampered);
  return 'accepted';
};
const verify: Call = (s) => {
  if (s.phase !== 'unpacking') return 'INVALID_STATE';
  const ok = s.digest === HONEST && s.count === PEER_IMAGE_PAGES;
  s.phase = ok ? 'verified' : 'verify-failed';
  return ok ? 'accepted' : 'PLD_MISMATCH';
};
const start: Call = (s) => (s.phase === 'running' ? 'INVALID_STATE' : s.phase !== 'verified' ? 'NOT_VERIFIED' : ((s.phase = 'running'), 'accepted'));

/** Commands executed (the peer's steps). */
let executed = 0;

class CallCommand implements fc.Command<State, State> {
  constructor(
    readonly name: string,
    readonly call: Call,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: State, real: State): void {
    executed++;
    const expected = this.call(model);
    const got = this.call(real);
    if (expected !== got || model.phase !== real.phase) throw new Error(`${this.name}: model ${expected}, system ${got}`);
  }
  toString(): string {
    return this.name;
  }
}

/** Honest pages in order most of the time, else tampered, replayed or out of range, and the other calls. */
const arbCommand: fc.Arbitrary<fc.Command<State, State>>[] = [
  fc.constant(new CallCommand('set-header', setHeader)),
  fc.nat(PEER_IMAGE_PAGES - 1).map((p) => new CallCommand(`unpack ${p}`, unpack(p, false))),
  fc.nat(PEER_IMAGE_PAGES - 1).map((p) => new CallCommand(`unpack ${p} tampered`, unpack(p, true))),
  fc.integer({ min: PEER_IMAGE_PAGES, max: PEER_MEMORY_PAGES + 8 }).map((p) => new CallCommand(`unpack ${p}`, unpack(p, false))),
  fc.constant(new CallCommand('verify', verify)),
  fc.constant(new CallCommand('start', start)),
];

/**
 * Runs `runs` model-based runs of up to `maxCommands` commands; returns the commands executed and
 * the milliseconds taken (generation included, as fast-check's runner does it).
 */
export function runCommandsPeer(runs: number, maxCommands: number, seed: number, now: () => number): { steps: number; ms: number } {
  executed = 0;
  const t0 = now();
  fc.assert(
    fc.property(fc.commands(arbCommand, { maxCommands, size: 'max' }), (cmds) => {
      fc.modelRun(() => ({ model: fresh(), real: fresh() }), cmds);
    }),
    { numRuns: runs, seed },
  );
  return { steps: executed, ms: now() - t0 };
}
