/**
 * REQ-PLATFORM-6: the platform never keeps caller bytes. The hypervisor owns the buffers it
 * passes; rewriting or reusing them after a call must not change any later outcome or view.
 * @module
 */
import { PAGE_SIZE } from '../../model/core/bytes.js';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut, type Calls } from '../sut-calls.js';
import { snapshot } from '../views.js';
import { arbCase, CONFIG, MACHINE, type TestImage } from '../image-unpack/fixtures.js';
import { actionOf, createdGuest, type Move } from '../image-unpack/schedules.js';

/** One shared buffer per field, as a hypervisor that reuses its I/O buffers would have. */
interface Buffers {
  readonly page: Uint8Array;
  readonly tweak: Uint8Array;
  readonly header: Uint8Array;
}

/**
 * The action with its bytes placed in the shared buffers (views of the right length), and what
 * to write into those buffers after the call: the honest bytes of the same call (an attacker
 * "restoring" a page it tampered with), or a byte pattern (an honest harness reusing its buffer).
 */
function staged(action: Action, honest: Action, buffers: Buffers, round: number): { action: Action; after: () => void } {
  const put = (buf: Uint8Array, bytes: Uint8Array): Uint8Array => {
    const view = buf.subarray(0, bytes.length);
    view.set(bytes);
    return view;
  };
  const scribble = (view: Uint8Array, restore: Uint8Array | undefined) => () => {
    if (restore !== undefined && restore.length === view.length) view.set(restore);
    else view.fill((round * 37 + 11) & 0xff);
  };
  switch (action.kind) {
    case 'unpack': {
      const page = put(buffers.page, action.page);
      const tweak = put(buffers.tweak, action.tweak);
      const h = honest.kind === 'unpack' ? honest : undefined;
      const restorePage = scribble(page, h?.page);
      const restoreTweak = scribble(tweak, h?.tweak);
      return { action: { ...action, page, tweak }, after: () => (restorePage(), restoreTweak()) };
    }
    case 'set-header': {
      const header = put(buffers.header, action.header);
      return { action: { ...action, header }, after: scribble(header, undefined) };
    }
    default:
      return { action, after: () => undefined };
  }
}

/** The move as an honest hypervisor would have made it (no page mutation). */
function unmutated(move: Move): Move {
  return move.op === 'unpack' ? { ...move, mutation: { kind: 'none' } } : move;
}

/** Runs `moves` once; with `reuse`, through shared buffers rewritten after every call. */
function* runWith(image: TestImage, foreign: TestImage, moves: readonly Move[], reuse: boolean): Calls<string[]> {
  yield* sut.reset(CONFIG);
  const guest = createdGuest(yield* sut.apply({ kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages }));
  const buffers: Buffers = { page: new Uint8Array(PAGE_SIZE), tweak: new Uint8Array(16), header: new Uint8Array(8192) };
  const seen: string[] = [];
  for (const [round, move] of moves.entries()) {
    const action = actionOf(move, guest, image, foreign);
    let outcome;
    if (reuse) {
      const s = staged(action, actionOf(unmutated(move), guest, image, foreign), buffers, round);
      outcome = yield* sut.apply(s.action);
      s.after();
    } else {
      outcome = yield* sut.apply(action);
    }
    seen.push(JSON.stringify(outcome));
  }
  seen.push(yield* snapshot([guest]));
  if (reuse) {
    // Views are the caller's too: scribbling over every byte string they hold changes nothing.
    for (const party of [{ kind: 'hypervisor' } as const, { kind: 'guest', guest } as const]) scribbleView(yield* sut.observe(party));
    seen.push(yield* snapshot([guest]));
  } else {
    seen.push(seen.at(-1) ?? '');
  }
  return seen;
}

/** Overwrites every byte string a view (or an outcome) holds. */
export function scribbleView(v: unknown): void {
  if (v instanceof Uint8Array) v.fill(0x5a);
  else if (Array.isArray(v)) v.forEach(scribbleView);
  else if (typeof v === 'object' && v !== null) Object.values(v).forEach(scribbleView);
}

/** REQ-PLATFORM-6: rewriting or reusing every buffer after each call changes nothing. */
export const callerBuffersNotKept = defineProperty({
  mechanism: 'platform',
  name: 'caller-buffers-not-kept',
  requirements: ['REQ-PLATFORM-6'],
  statement:
    'A hypervisor that passes every byte field through one reused buffer and rewrites it after each call (with the honest bytes of a page it tampered with, or with garbage), and overwrites the views it got, gets the same outcomes and views as one that passes fresh buffers.',
  arbitrary: arbCase,
  *run({ image, foreign, schedule }) {
    const fresh = yield* runWith(image, foreign, schedule, false);
    const reused = yield* runWith(image, foreign, schedule, true);
    const at = fresh.findIndex((f, i) => f !== reused[i]);
    yield* holds('REQ-PLATFORM-6', at < 0, `step ${at}: with fresh buffers ${fresh[at] ?? ''}, with rewritten buffers ${reused[at] ?? ''}`);
  },
});
