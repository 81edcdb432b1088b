/**
 * Integrity properties of incremental image decryption: honest unpacking yields the owner's
 * plaintext; no adversarial schedule starts a guest with other contents; start needs verify;
 * tweaks are used once.
 * @module
 */
import fc from 'fast-check';
import { bytesToHex, equalBytes, hexToBytes, PAGE_SIZE } from '../../model/core/bytes.js';
import { step, type Guest } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { arbCase, arbImage, platform, SUITE, type TestImage } from './fixtures.js';
import { honestSchedule, runSchedule } from './schedules.js';

/** True when the guest's secure memory is exactly the image's plaintext, page for page. */
export function memoryEqualsPlaintext(guest: Guest, image: TestImage): boolean {
  if (guest.memory.size !== image.plaintext.size) return false;
  for (const [page, plain] of image.plaintext) {
    const got = guest.memory.get(page);
    if (got === undefined || !equalBytes(got, plain)) return false;
  }
  return true;
}

/** REQ-UNPACK-11, -12, -13, -5, -4: the honest schedule is accepted and yields the plaintext. */
export const honestUnpackYieldsPlaintext = defineProperty({
  mechanism: 'image-unpack',
  name: 'honest-unpack-yields-plaintext',
  requirements: ['REQ-UNPACK-4', 'REQ-UNPACK-5', 'REQ-UNPACK-11', 'REQ-UNPACK-12', 'REQ-UNPACK-13'],
  statement: 'Unpacking every page of an image in order, then verify and start, is accepted and leaves memory equal to the plaintext.',
  arbitrary: arbImage,
  predicate: (image) => {
    const run = runSchedule(platform(), SUITE, image, image, honestSchedule(image.pages.length));
    const rejected = run.trace.find((t) => t.outcome.kind === 'rejected');
    if (rejected !== undefined) throw new Error(`honest call rejected: ${JSON.stringify(rejected.outcome)}`);
    const g = run.final.guests.get(run.guest);
    return g !== undefined && g.phase === 'running' && memoryEqualsPlaintext(g, image);
  },
});

/** REQ-UNPACK-15, -12: whatever the hypervisor does, a verified or running guest holds exactly the plaintext. */
export const adversaryCannotStartOtherContents = defineProperty({
  mechanism: 'image-unpack',
  name: 'adversarial-schedule-integrity',
  requirements: ['REQ-UNPACK-15', 'REQ-UNPACK-12', 'REQ-UNPACK-9'],
  statement:
    'For any schedule (reordered, replayed, skipped, duplicated, moved, altered or foreign pages), a verified or running guest holds exactly the owner\'s plaintext.',
  arbitrary: arbCase,
  predicate: ({ image, foreign, schedule }) => {
    const run = runSchedule(platform(), SUITE, image, foreign, schedule);
    for (const t of run.trace) {
      const g = t.after.guests.get(run.guest);
      if (g?.phase !== 'verified' && g?.phase !== 'running') continue;
      // The hypervisor may boot either image (both are made for this machine); the guest must hold
      // exactly the plaintext of the one whose header the firmware accepted.
      const booted = g.image !== undefined && equalBytes(g.image.headerBytes, foreign.header) ? foreign : image;
      if (!memoryEqualsPlaintext(g, booted)) return false;
    }
    return true;
  },
});

/** REQ-UNPACK-13, -12, -2: start is accepted only after an accepted verify; a failed verify is final. */
export const startImpliesVerify = defineProperty({
  mechanism: 'image-unpack',
  name: 'start-implies-verify',
  requirements: ['REQ-UNPACK-13', 'REQ-UNPACK-12', 'REQ-UNPACK-2'],
  statement: 'A start is accepted only after an accepted verify, and never after a failed one.',
  arbitrary: arbCase,
  predicate: ({ image, foreign, schedule }) => {
    const run = runSchedule(platform(), SUITE, image, foreign, schedule);
    let verified = false;
    let failed = false;
    for (const t of run.trace) {
      const accepted = t.outcome.kind === 'accepted';
      if (t.action.kind === 'verify') {
        if (accepted) verified = true;
        else if (t.outcome.kind === 'rejected' && t.outcome.requirement === 'REQ-UNPACK-12') failed = true;
      }
      if (t.action.kind === 'start' && accepted && (!verified || failed)) return false;
      const phase = t.after.guests.get(run.guest)?.phase;
      if (failed && phase !== 'verify-failed') return false;
    }
    return true;
  },
});

/** REQ-UNPACK-10: no tweak is accepted twice for one image. */
export const tweakUniqueness = defineProperty({
  mechanism: 'image-unpack',
  name: 'tweak-uniqueness',
  requirements: ['REQ-UNPACK-10'],
  statement: 'Across any schedule, the tweaks of accepted unpacks of one guest are pairwise distinct, and a reused tweak is rejected.',
  arbitrary: fc.tuple(arbCase, fc.nat(), fc.nat()),
  predicate: ([{ image, foreign, schedule }, pick, where]) => {
    const run = runSchedule(platform(), SUITE, image, foreign, schedule);
    const seen = new Set<string>();
    for (const t of run.trace) {
      if (t.action.kind !== 'unpack' || t.outcome.kind !== 'accepted') continue;
      const h = bytesToHex(t.action.tweak);
      if (seen.has(h)) return false;
      seen.add(h);
    }
    // Replaying an accepted tweak at a fresh, valid address must be refused as a reuse.
    const g = run.final.guests.get(run.guest);
    if (g === undefined || g.phase !== 'unpacking' || seen.size === 0) return true;
    if (BigInt(g.memory.size) >= (g.image?.header.nep ?? 0n)) return true;
    const free = [...Array(g.memoryPages).keys()].filter((p) => !g.memory.has(p));
    const page = free[where % Math.max(1, free.length)];
    if (page === undefined) return true;
    const tweak = hexToBytes([...seen][pick % seen.size] ?? '');
    const address = BigInt(page) * BigInt(PAGE_SIZE);
    const s = step(run.final, { kind: 'unpack', guest: run.guest, address, tweak, page: new Uint8Array(PAGE_SIZE) }, SUITE);
    return s.outcome.kind === 'rejected' && s.outcome.code === 'TWEAK_REUSED';
  },
});
