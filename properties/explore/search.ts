/**
 * Small-scope exhaustive exploration: breadth-first over every sequence of the alphabet's actions
 * up to a depth, dropping states already seen (by a canonical hash), checking every invariant
 * after every step. What random search reaches by luck this reaches by construction, within its
 * small scope.
 * @module
 */
import { equalBytes, bytesToHex } from '../../model/core/bytes.js';
import { canonicalJson } from '../../model/core/canonical-json.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { initialWorld, rowForKind, step as modelStep, viewOf, viewToWire, type ActionKind, type Party, type PlatformOutcome, type StepFn, type View, type World } from '../../model/platform/index.js';
import { PROPERTY_SUITE } from '../suite.js';
import type { Alphabet, Letter } from './alphabet.js';

/** A broken invariant, and the actions from the initial world that break it. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** Indices into the alphabet's letters. */
  readonly path: readonly number[];
}

/** What an exploration found. */
export interface Exploration {
  /** Steps taken (states generated, duplicates included). */
  readonly states: number;
  /** Distinct states (by canonical hash), the initial one included. */
  readonly distinct: number;
  /** The depth reached: every sequence of at most this many actions was tried (unless stopped). */
  readonly depth: number;
  /** Distinct states first reached at each depth (index 0: the initial state). */
  readonly frontier: readonly number[];
  readonly violations: readonly Violation[];
  /** True when the state limit stopped the search early. */
  readonly truncated: boolean;
}

/** Options of {@link explore}. */
export interface ExploreOptions {
  readonly depth: number;
  /** Stop after this many distinct states (default 200,000). */
  readonly maxStates?: number;
  /** Stop at the first violation (default true). */
  readonly firstViolation?: boolean;
  /** The step function to explore (default: the model's; a faulty one in tests). */
  readonly step?: StepFn;
}

/** A world explore observes: views of parties. */
type Observe = (party: Party) => View | null;

interface Node {
  readonly world: World;
  readonly path: readonly number[];
  /** Per guest, the accepted unpacks in order: the views do not show the running digests. */
  readonly unpacks: ReadonlyMap<number, string>;
}

/** Every party of a world with guests 1..G: the hypervisor, each guest and each owner. */
function parties(guests: number): Party[] {
  const out: Party[] = [{ kind: 'hypervisor' }];
  for (let g = 1; g <= guests; g++) out.push({ kind: 'guest', guest: g }, { kind: 'owner', guest: g });
  return out;
}

/** The views of every party, as canonical JSON each. */
function viewsOf(observe: Observe, ps: readonly Party[]): string[] {
  return ps.map((p) => {
    const v = observe(p);
    // The wire form lists fields in schema order: JSON.stringify of it is canonical already.
    return v === null ? 'null' : JSON.stringify(viewToWire(v));
  });
}

/**
 * The canonical hash of a state: SHA-256 of the canonical JSON of every party's view, the next
 * guest ID, and each guest's accepted unpacks in order (what its running digests are made of:
 * two orders of the same pages look alike in every view, but verify tells them apart).
 */
function stateHash(views: readonly string[], nextGuestId: number, unpacks: ReadonlyMap<number, string>): string {
  const seq = [...unpacks].sort(([a], [b]) => a - b);
  return bytesToHex(sha256(new TextEncoder().encode(canonicalJson({ views: [...views], next: nextGuestId, unpacks: seq }))));
}

/** Byte strings of a view, recursively. */
function bytesIn(v: unknown, out: Uint8Array[]): Uint8Array[] {
  if (v instanceof Uint8Array) out.push(v);
  else if (Array.isArray(v)) for (const x of v) bytesIn(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) bytesIn(x, out);
  return out;
}

/** True when `hay` holds the 32 bytes `needle` somewhere. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength)) >= 0;
}

/** Totality of a rejection: its code is a row of the kind's table, with that row's requirement. */
function totalityOf(letter: Letter, outcome: PlatformOutcome & { kind: 'rejected' }): { invariant: string; message: string } | undefined {
  const kind = letter.action.kind as ActionKind;
  const row = rowForKind(kind, outcome.code);
  if (row === undefined || row.requirement !== outcome.requirement) return { invariant: 'totality', message: `${letter.name}: ${outcome.code} (${outcome.requirement}) is not a row of ${kind}'s rejection table` };
  return undefined;
}

/**
 * The invariants of one step, black-box (outcomes and views only): the outcome is accepted or a
 * code of the kind's rejection table with its requirement (totality); a rejection leaves every
 * view as it was unless its row says it is recorded; no 32-byte run of an image's plaintext
 * appears in the hypervisor's view (confidentiality); a guest starts running only from verified,
 * a failed verify is final; a running guest holds exactly the plaintext of an image.
 */
function check(
  letter: Letter,
  outcome: PlatformOutcome,
  before: readonly string[],
  after: readonly string[],
  observe: Observe,
  alphabet: Alphabet,
  phasesBefore: ReadonlyMap<number, string>,
): { invariant: string; message: string } | undefined {
  if (outcome.kind !== 'accepted') {
    const wrong = totalityOf(letter, outcome);
    if (wrong !== undefined) return wrong;
    const row = rowForKind(letter.action.kind as ActionKind, outcome.code);
    if (row?.recorded !== true && before.some((v, i) => v !== after[i])) return { invariant: 'rejection-unchanged', message: `${letter.name}: rejected with ${outcome.code}, which is not recorded, yet a view changed` };
  }
  const hv = observe({ kind: 'hypervisor' });
  const seen = bytesIn(hv, []);
  for (const image of alphabet.images) {
    if (!image.encrypted) continue;
    for (const [page, text] of image.plaintext) {
      for (let at = 0; at + 32 <= text.length; at += 512) {
        const run = text.subarray(at, at + 32);
        if (run.some((b) => b !== 0) && seen.some((b) => contains(b, run))) return { invariant: 'confidentiality', message: `${letter.name}: plaintext of page ${page} at byte ${at} is in the hypervisor's view` };
      }
    }
  }
  for (let g = 1; g <= alphabet.guests; g++) {
    const owner = observe({ kind: 'owner', guest: g });
    const was = phasesBefore.get(g);
    const now = owner !== null && owner.party === 'owner' ? owner.phase : undefined;
    if (now === 'running' && was !== 'running' && was !== 'verified') return { invariant: 'start-after-verify', message: `${letter.name}: guest ${g} went from ${was ?? 'nothing'} to running` };
    if (was === 'verify-failed' && now !== undefined && now !== 'verify-failed') return { invariant: 'failed-verify-final', message: `${letter.name}: guest ${g} left verify-failed for ${now}` };
    if (now === 'running' && was !== 'running') {
      const gv = observe({ kind: 'guest', guest: g });
      const memory = gv !== null && gv.party === 'guest' ? gv.memory : [];
      const holds = alphabet.images.some(
        (image) => memory.length === image.plaintext.size && memory.every((m) => { const p = image.plaintext.get(m.page); return p !== undefined && equalBytes(p, m.bytes); }),
      );
      if (!holds) return { invariant: 'integrity', message: `${letter.name}: running guest ${g} holds no image's exact plaintext` };
    }
  }
  return undefined;
}

/** The owner's phase of each guest that exists. */
function phases(observe: Observe, guests: number): Map<number, string> {
  const m = new Map<number, string>();
  for (let g = 1; g <= guests; g++) {
    const o = observe({ kind: 'owner', guest: g });
    if (o !== null && o.party === 'owner') m.set(g, o.phase);
  }
  return m;
}

/**
 * Explores `alphabet` breadth-first to `o.depth`.
 * @example
 * ```ts
 * const r = explore(alphabetOf('image-unpack', 1), { depth: 6 });
 * r.violations; // []
 * ```
 */
export function explore(alphabet: Alphabet, o: ExploreOptions): Exploration {
  const step = o.step ?? modelStep;
  const maxStates = o.maxStates ?? 200_000;
  const ps = parties(alphabet.guests);
  const start = initialWorld(alphabet.config, { suite: PROPERTY_SUITE });
  if (!start.ok) throw new Error(`explore: the configuration does not start a world: ${start.error.message}`);
  // Worlds are persistent values: a state is its world, and stepping it leaves it as it was.
  const observer = (w: World): Observe => (party) => viewOf(w, party);
  const seen = new Set<string>([stateHash(viewsOf(observer(start.value), ps), start.value.nextGuestId, new Map())]);
  let frontier: Node[] = [{ world: start.value, path: [], unpacks: new Map() }];
  const frontierSizes = [1];
  const violations: Violation[] = [];
  let states = 0;
  let depth = 0;
  let truncated = false;
  const stopAtFirst = o.firstViolation ?? true;
  outer: while (depth < o.depth && frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      const was = observer(node.world);
      const before = viewsOf(was, ps);
      const phasesBefore = phases(was, alphabet.guests);
      for (const [i, letter] of alphabet.letters.entries()) {
        if (letter.action.kind === 'create-guest' && node.world.nextGuestId > alphabet.guests) continue;
        const path = [...node.path, i];
        let world: World;
        let outcome: PlatformOutcome;
        try {
          ({ state: world, outcome } = step(node.world, letter.action));
        } catch (e) {
          violations.push({ invariant: 'totality', message: `${letter.name}: the model threw ${e instanceof Error ? e.message : String(e)}`, path });
          if (stopAtFirst) break outer;
          continue;
        }
        states++;
        if (world === node.world) {
          // The world did not change (most rejections): only the outcome itself needs checking.
          const broken = outcome.kind === 'accepted' ? undefined : totalityOf(letter, outcome);
          if (broken !== undefined) {
            violations.push({ ...broken, path });
            if (stopAtFirst) break outer;
          }
          continue;
        }
        const now = observer(world);
        const after = viewsOf(now, ps);
        const broken = check(letter, outcome, before, after, now, alphabet, phasesBefore);
        if (broken !== undefined) {
          violations.push({ ...broken, path });
          if (stopAtFirst) break outer;
        }
        let unpacks = node.unpacks;
        if (letter.action.kind === 'unpack' && outcome.kind === 'accepted') {
          const a = letter.action;
          const m = new Map(unpacks);
          m.set(a.guest, `${m.get(a.guest) ?? ''}${a.address}:${bytesToHex(a.tweak)};`);
          unpacks = m;
        } else if (letter.action.kind === 'destroy-guest' && outcome.kind === 'accepted' && unpacks.has(letter.action.guest)) {
          const m = new Map(unpacks);
          m.delete(letter.action.guest);
          unpacks = m;
        }
        const h = stateHash(after, world.nextGuestId, unpacks);
        if (seen.has(h)) continue;
        seen.add(h);
        next.push({ world, path, unpacks });
        if (seen.size >= maxStates) {
          truncated = true;
          break;
        }
      }
      if (truncated) break;
    }
    frontier = next;
    depth++;
    frontierSizes.push(next.length);
    if (truncated) break;
  }
  return { states, distinct: seen.size, depth, frontier: frontierSizes, violations, truncated };
}
