/**
 * Integrity properties of incremental image decryption, black-box: honest unpacking yields the
 * owner's plaintext; no adversarial schedule starts a guest with other contents; start needs
 * verify; tweaks are used once.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex, equalBytes, hexToBytes, PAGE_SIZE, u64be as u64bytes } from '../../model/core/bytes.js';

const u64be = (v: bigint): number[] => [...u64bytes(v)];
import { defineProperty } from '../property.js';
import type { PlatformOutcome } from '../../model/platform/index.js';
import { expectAccepted, expectCode, holds, sut, type Calls } from '../sut-calls.js';
import { arbCase, arbImage, arbSecrets, arbShape, CONFIG, imageOf, MACHINE, OTHER_MACHINE, relabelledHeader, type TestImage } from './fixtures.js';
import { createdGuest, honestSchedule, phaseOf, runSchedule } from './schedules.js';

/** Why the guest's secure memory (as its own view shows it) is not the image's plaintext, or null. */
export function* memoryDiffers(guest: number, image: TestImage): Calls<string | null> {
  const v = yield* sut.observe({ kind: 'guest', guest });
  if (v === null || v.party !== 'guest') return 'the guest has no view';
  if (v.memory.length !== image.plaintext.size) return `${v.memory.length} secure pages, the image has ${image.plaintext.size}`;
  for (const { page, bytes } of v.memory) {
    const want = image.plaintext.get(page);
    if (want === undefined) return `page ${page} is secure memory but not in the image`;
    if (!equalBytes(bytes, want)) return `page ${page} is not the owner's plaintext`;
  }
  return null;
}

/** REQ-UNPACK-11, -12, -13, -5, -4: the honest schedule is accepted and yields the plaintext. */
export const honestUnpackYieldsPlaintext = defineProperty({
  mechanism: 'image-unpack',
  name: 'honest-unpack-yields-plaintext',
  requirements: ['REQ-UNPACK-4', 'REQ-UNPACK-5', 'REQ-UNPACK-11', 'REQ-UNPACK-12', 'REQ-UNPACK-13'],
  statement: 'Unpacking every page of an image in order, then verify and start, is accepted and leaves memory equal to the plaintext.',
  arbitrary: arbImage,
  *run(image) {
    const run = yield* runSchedule(image, image, honestSchedule(image.pages.length));
    for (const t of run.trace) {
      const req = t.action.kind === 'set-header' ? 'REQ-UNPACK-5' : t.action.kind === 'unpack' ? 'REQ-UNPACK-11' : t.action.kind === 'verify' ? 'REQ-UNPACK-12' : 'REQ-UNPACK-13';
      yield* expectAccepted(req, t.action.kind, t.outcome, 'honest');
      if (t.action.kind === 'set-header') yield* holds('REQ-UNPACK-4', t.phase === 'unpacking', 'an accepted header puts the guest in unpacking');
    }
    yield* holds('REQ-UNPACK-13', run.trace.at(-1)?.phase === 'running', 'the honest guest runs');
    const differs = yield* memoryDiffers(run.guest, image);
    yield* holds('REQ-UNPACK-11', differs === null, differs ?? '');
    // The started CPU runs from the PSW the owner sealed into the header.
    const v = yield* sut.observe({ kind: 'guest', guest: run.guest });
    const psw = v !== null && v.party === 'guest' ? u64be(v.psw.mask).concat(u64be(v.psw.addr)) : [];
    yield* holds('REQ-UNPACK-13', bytesToHex(Uint8Array.from(psw)) === bytesToHex(image.psw), `the running guest's PSW is not the image's`);
  },
});

/** REQ-UNPACK-15, -12: whatever the hypervisor does, a verified or running guest holds exactly the plaintext. */
export const adversaryCannotStartOtherContents = defineProperty({
  mechanism: 'image-unpack',
  name: 'adversarial-schedule-integrity',
  requirements: ['REQ-UNPACK-15'],
  statement:
    "For any schedule (reordered, replayed, skipped, duplicated, moved, altered or foreign pages), a verified or running guest holds exactly the owner's plaintext.",
  arbitrary: arbCase,
  *run({ image, foreign, schedule }) {
    yield* runSchedule(image, foreign, schedule, function* (t, guest) {
      if (t.phase !== 'verified' && t.phase !== 'running') return;
      // The hypervisor may boot either image (both are made for this machine); the guest must hold
      // exactly the plaintext of the one whose header the firmware accepted (the hypervisor's view shows it).
      const hv = yield* sut.observe({ kind: 'hypervisor' });
      const header = hv !== null && hv.party === 'hypervisor' ? hv.guests.find((g) => g.id === guest)?.header : null;
      const booted = header !== null && header !== undefined && equalBytes(header, foreign.header) ? foreign : image;
      const differs = yield* memoryDiffers(guest, booted);
      yield* holds('REQ-UNPACK-15', differs === null, `a ${t.phase} guest: ${differs ?? ''}`);
    });
  },
});

/** REQ-UNPACK-13, -12, -2: start is accepted only after an accepted verify; a failed verify is final. */
export const startImpliesVerify = defineProperty({
  mechanism: 'image-unpack',
  name: 'start-implies-verify',
  requirements: ['REQ-UNPACK-13', 'REQ-UNPACK-12'],
  statement: 'A start is accepted only after an accepted verify, and never after a failed one; a failed verify is final.',
  arbitrary: arbCase,
  *run({ image, foreign, schedule }) {
    const run = yield* runSchedule(image, foreign, schedule);
    let verified = false;
    let failed = false;
    for (const t of run.trace) {
      const accepted = t.outcome.kind === 'accepted';
      if (t.action.kind === 'verify') {
        if (accepted) verified = true;
        else if (t.outcome.kind === 'rejected' && t.outcome.requirement === 'REQ-UNPACK-12') failed = true;
      }
      if (t.action.kind === 'start') {
        yield* holds('REQ-UNPACK-13', !accepted || (verified && !failed), 'start accepted without an accepted verify');
      }
      if (failed) yield* holds('REQ-UNPACK-12', t.phase === 'verify-failed', `after a failed verify the guest is ${t.phase ?? 'gone'}`);
    }
  },
});

/** REQ-UNPACK-10: no tweak is accepted twice for one image. */
export const tweakUniqueness = defineProperty({
  mechanism: 'image-unpack',
  name: 'tweak-uniqueness',
  requirements: ['REQ-UNPACK-10'],
  statement: 'Across any schedule, the tweaks of accepted unpacks of one guest are pairwise distinct, and a reused tweak is rejected.',
  arbitrary: fc.tuple(arbCase, fc.nat(), fc.nat()),
  *run([{ image, foreign, schedule }, pick, where]) {
    const run = yield* runSchedule(image, foreign, schedule);
    const seen = new Set<string>();
    const used = new Set<number>();
    for (const t of run.trace) {
      if (t.action.kind !== 'unpack' || t.outcome.kind !== 'accepted') continue;
      const h = bytesToHex(t.action.tweak);
      yield* holds('REQ-UNPACK-10', !seen.has(h), `tweak ${h} accepted twice`);
      seen.add(h);
      used.add(Number(t.action.address / BigInt(PAGE_SIZE)));
    }
    // Replaying an accepted tweak at a fresh, valid address must be refused as a reuse.
    const last = run.trace.at(-1)?.phase ?? null;
    if (last !== 'unpacking' || seen.size === 0 || used.size >= Math.min(image.pages.length, foreign.pages.length)) return true;
    const free = [...Array(image.memoryPages).keys()].filter((p) => !used.has(p));
    const page = free[where % Math.max(1, free.length)];
    if (page === undefined) return true;
    const tweak = hexToBytes([...seen][pick % seen.size] ?? '');
    const address = BigInt(page) * BigInt(PAGE_SIZE);
    const o = yield* sut.apply({ kind: 'unpack', guest: run.guest, address, tweak, page: new Uint8Array(PAGE_SIZE) });
    yield* expectCode('unpack', o, 'TWEAK_REUSED', 'replayed tweak at a free page');
    // A tweak that differs from a used one in a single byte (a prefix byte too) is a new tweak.
    const near = Uint8Array.from(tweak);
    const at = (pick >>> 4) % near.length;
    near[at] = (near[at] ?? 0) ^ (1 + (pick % 255));
    if (seen.has(bytesToHex(near))) return true;
    const o2 = yield* sut.apply({ kind: 'unpack', guest: run.guest, address, tweak: near, page: new Uint8Array(PAGE_SIZE) });
    yield* holds('REQ-UNPACK-10', !(o2.kind === 'rejected' && o2.code === 'TWEAK_REUSED'), `a tweak that differs from a used one in byte ${at} was taken for a reuse`);
    return true;
  },
});

/** Creates a guest on `machine` for `image` and hands it `header`; the outcome and the phase after it. */
function* trySetHeader(machine: number, image: TestImage, header: Uint8Array): Calls<{ outcome: PlatformOutcome; phase: string | null }> {
  const guest = createdGuest(yield* sut.apply({ kind: 'create-guest', machine, memoryPages: image.memoryPages }));
  const outcome = yield* sut.apply({ kind: 'set-header', guest, header });
  return { outcome, phase: yield* phaseOf(guest) };
}

/** REQ-UNPACK-4: the firmware opens only a key slot that names one of its own host keys. */
export const keySlotNamesOwnHostKey = defineProperty({
  mechanism: 'image-unpack',
  name: 'key-slot-names-own-host-key',
  requirements: ['REQ-UNPACK-4', 'REQ-UNPACK-13'],
  statement:
    "An image made for machine 1's host key alone is NO_KEY_SLOT on machine 0 and boots completely on machine 1; a header whose slots wrap the header key for machine 0's keys but name machine 1's key is NO_KEY_SLOT on machine 0 and KEY_SLOT_AUTH on machine 1; a refused header leaves the guest in created.",
  arbitrary: fc.tuple(
    fc.tuple(arbShape(fc.constant([2])), arbSecrets).map(([s, x]) => imageOf(s, x)),
    fc.tuple(arbShape(fc.shuffledSubarray([0, 1], { minLength: 1 })), arbSecrets).map(([s, x]) => imageOf(s, x)),
  ),
  *run([elsewhere, local]) {
    yield* sut.reset(CONFIG);
    const cases = [
      { machine: MACHINE, image: elsewhere, header: elsewhere.header, code: 'NO_KEY_SLOT', what: "an image for machine 1's key, on machine 0" },
      { machine: MACHINE, image: local, header: relabelledHeader(local, 2), code: 'NO_KEY_SLOT', what: "slots naming machine 1's key, on machine 0" },
      { machine: OTHER_MACHINE, image: local, header: relabelledHeader(local, 2), code: 'KEY_SLOT_AUTH', what: "slots naming machine 1's key but wrapped for machine 0's, on machine 1" },
      { machine: OTHER_MACHINE, image: local, header: local.header, code: 'NO_KEY_SLOT', what: "an image for machine 0's keys, on machine 1" },
    ] as const;
    for (const c of cases) {
      const { outcome, phase } = yield* trySetHeader(c.machine, c.image, c.header);
      yield* expectCode('set-header', outcome, c.code, c.what);
      yield* holds('REQ-UNPACK-4', phase === 'created', `${c.what}: a refused header left the guest ${phase ?? 'gone'}`);
    }
    // The image for machine 1 boots there, completely, with its owner's plaintext.
    const run = yield* runSchedule(elsewhere, elsewhere, honestSchedule(elsewhere.pages.length));
    for (const t of run.trace) yield* expectAccepted('REQ-UNPACK-4', t.action.kind, t.outcome, 'honest boot on machine 1');
    const differs = yield* memoryDiffers(run.guest, elsewhere);
    yield* holds('REQ-UNPACK-13', run.trace.at(-1)?.phase === 'running' && differs === null, differs ?? 'the guest on machine 1 does not run');
  },
});
