/**
 * Tweaks and targeted edits. The first property checks the owner's builder against the spec's
 * tweak formula, stated here again independently of the model's code; the others make one
 * targeted edit to an honest schedule (a free address, a changed tweak, both, a changed page) and
 * expect the one verify code the spec's order gives.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex, PAGE_SIZE } from '../../model/core/bytes.js';
import { defineProperty } from '../property.js';
import { expectAccepted, expectCode, holds } from '../sut-calls.js';
import { arbImage, type TestComponent, type TestImage } from './fixtures.js';
import { honestSchedule, runSchedule, type Move, type PageMutation } from './schedules.js';

/** genprotimg's u16 component prefixes, as the SE format reference lists them. */
const SPEC_PREFIX: Readonly<Record<TestComponent['kind'], number>> = { kernel: 0x0000, parmline: 0x0001, initrd: 0x0002, stage3b: 0x0003 };

/**
 * The spec's tweak of the page at byte `offset` of a component: u16 component prefix ‖ the
 * component's 6 random bytes ‖ the u64 big-endian byte offset of the page in the component.
 * Written byte by byte on purpose: it must not share code with the builder.
 */
export function specTweak(prefix: number, random: Uint8Array, offset: number): Uint8Array {
  const t = new Uint8Array(16);
  t[0] = (prefix >> 8) & 0xff;
  t[1] = prefix & 0xff;
  for (let i = 0; i < 6; i++) t[2 + i] = random[i] ?? 0;
  let v = BigInt(offset);
  for (let i = 15; i >= 8; i--) {
    t[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return t;
}

/** Why `image`'s pages do not carry the spec's tweaks, or null. */
function tweakProblem(image: TestImage): string | null {
  const expected: { address: bigint; tweak: string }[] = [];
  for (const c of image.components) {
    for (let i = 0; i < c.pages; i++) {
      expected.push({ address: c.address + BigInt(i * PAGE_SIZE), tweak: bytesToHex(specTweak(SPEC_PREFIX[c.kind], c.random, i * PAGE_SIZE)) });
    }
  }
  if (expected.length !== image.pages.length) return `the image lists ${image.pages.length} pages, its components take ${expected.length}`;
  for (const [i, want] of expected.entries()) {
    const got = image.pages[i];
    if (got === undefined || got.address !== want.address) return `page ${i} is at ${got?.address ?? 'nowhere'}, expected ${want.address}`;
    const hex = bytesToHex(got.tweak);
    if (hex !== want.tweak) return `page ${i} (address 0x${want.address.toString(16)}) has tweak ${hex}, the spec's formula gives ${want.tweak}`;
  }
  return null;
}

/** REQ-UNPACK-10, -11: the owner's images carry the spec's tweaks (prefix ‖ random ‖ byte offset). */
export const tweaksFollowFormula = defineProperty({
  mechanism: 'image-unpack',
  name: 'tweaks-follow-formula',
  requirements: ['REQ-UNPACK-10'],
  statement:
    "Every page of a built image (components of 1 to 5 pages, offsets 0 to 0x4000) carries the tweak u16 component prefix ‖ the component's 6 random bytes ‖ u64 big-endian byte offset of the page in its component, and the tweaks of an image are pairwise distinct.",
  arbitrary: arbImage,
  // It checks the model's image builder (the owner's side), which another implementation does not have.
  modelOnly: true,
  *run(image) {
    const problem = tweakProblem(image);
    yield* holds('REQ-UNPACK-10', problem === null, problem ?? '');
    const distinct = new Set(image.pages.map((p) => bytesToHex(p.tweak))).size;
    yield* holds('REQ-UNPACK-10', distinct === image.pages.length, `${image.pages.length - distinct} tweaks of one image repeat`);
  },
});

/** A targeted edit of one page of the honest schedule, and the verify code the spec fixes for it. */
type Targeted = 'free-address' | 'tweak-only' | 'free-address+tweak' | 'page+free-address' | 'page-only';

const TARGETED: Readonly<Record<Targeted, { readonly mutations: readonly PageMutation[]; readonly code: string }>> = {
  // Same bytes, same tweak, another (unused) address: only ALD differs.
  'free-address': { mutations: [{ kind: 'free', slot: 0 }], code: 'ALD_MISMATCH' },
  // Same bytes and address, a fresh tweak (a random byte changed): only TLD differs.
  'tweak-only': { mutations: [{ kind: 'tweak', byte: 4, xor: 0x5a }], code: 'TLD_MISMATCH' },
  // ALD and TLD differ: ALD is compared first.
  'free-address+tweak': { mutations: [{ kind: 'tweak', byte: 6, xor: 0x01 }, { kind: 'free', slot: 1 }], code: 'ALD_MISMATCH' },
  // PLD and ALD differ: PLD is compared first.
  'page+free-address': { mutations: [{ kind: 'flip-bit', bit: 12345 }, { kind: 'free', slot: 2 }], code: 'PLD_MISMATCH' },
  'page-only': { mutations: [{ kind: 'flip-bit', bit: 7 }], code: 'PLD_MISMATCH' },
};

/** The honest schedule with the unpack of page `page` edited by `mutation`. */
function editedSchedule(image: TestImage, page: number, mutation: PageMutation): Move[] {
  return honestSchedule(image.pages.length).map((m) => (m.op === 'unpack' && m.page === page ? { ...m, mutation } : m));
}

/** REQ-UNPACK-12: one targeted edit of an honest unpack fails verify with the code the spec's order gives. */
export const targetedEditsFailVerify = defineProperty({
  mechanism: 'image-unpack',
  name: 'targeted-edits-fail-verify',
  requirements: ['REQ-UNPACK-12', 'REQ-UNPACK-11'],
  statement:
    'An honest schedule with one page unpacked at a free address, or with only its tweak changed, or both, or its bytes changed too, has every unpack accepted and fails verify with exactly the code of the first digest (PLD, ALD, TLD) that differs.',
  arbitrary: fc.tuple(arbImage, fc.nat(), fc.constantFrom(...(Object.keys(TARGETED) as Targeted[]))),
  *run([image, pick, edit]) {
    const page = pick % image.pages.length;
    const { mutations, code } = TARGETED[edit];
    // A move carries one mutation: with two, the first (bytes or tweak) goes into a copy of the
    // image the hypervisor holds, the second (the address) into the move.
    const [first, second] = mutations;
    const none: PageMutation = { kind: 'none' };
    const once = second === undefined ? image : withEditedPage(image, page, first ?? none);
    const schedule = editedSchedule(once, page, (second ?? first) ?? none);
    const run = yield* runSchedule(once, once, schedule);
    for (const t of run.trace) {
      if (t.action.kind === 'set-header' || t.action.kind === 'unpack') yield* expectAccepted('REQ-UNPACK-11', t.action.kind, t.outcome, edit);
      if (t.action.kind === 'verify') yield* expectCode('verify', t.outcome, code, edit);
      if (t.action.kind === 'start') yield* expectCode('start', t.outcome, 'NOT_VERIFIED', edit);
    }
  },
});

/** `image` with page `page` edited by `m` (its bytes or tweak; an address edit is left to the schedule). */
function withEditedPage(image: TestImage, page: number, m: PageMutation): TestImage {
  const pages = image.pages.map((p, i) => {
    if (i !== page) return p;
    if (m.kind === 'flip-bit') {
      const stored = Uint8Array.from(p.stored);
      stored[m.bit >> 3] = (stored[m.bit >> 3] ?? 0) ^ (1 << (m.bit & 7));
      return { ...p, stored };
    }
    if (m.kind === 'tweak') {
      const tweak = Uint8Array.from(p.tweak);
      tweak[m.byte] = (tweak[m.byte] ?? 0) ^ m.xor;
      return { ...p, tweak };
    }
    return p;
  });
  return { ...image, pages };
}
