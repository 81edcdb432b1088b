/**
 * The firmware's reducers for incremental image decryption (spec/image-unpack.md).
 *
 * Each reducer checks its guards in the order of the specification, then applies its effect as
 * one new guest value. A rejection returns the guest unchanged, except a failed verify, which
 * the specification records (REQ-UNPACK-12). Reducers are total: they never throw.
 * @module
 */
import { accept, reject, type Step } from '../core/outcome.js';
import { equalBytes, PAGE_SIZE } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { SetHeader, Unpack } from './actions.js';
import { PCF_NO_DECRYPTION } from './format.js';
import { decodeHeader } from './header-codec.js';
import { addPage, finishDigests, startDigests } from './image-pages.js';
import { openHeader } from './header-keys.js';
import { UNPACK_REJECTIONS, type UnpackCode } from './rejections.js';
import { MAX_GUEST_PAGES, newUnpackGuest, tweakKey, type HostKey, type UnpackGuest, type VerifyCheck } from './state.js';

/** The page size as a bigint, for guest addresses. */
const PAGE = BigInt(PAGE_SIZE);

/** A step of an image-unpack reducer. */
export type UnpackStep<G, R = Record<string, never>> = Step<G, R, UnpackCode>;

function fail<G>(guest: G, code: UnpackCode): UnpackStep<G, never> {
  return reject(guest, code, UNPACK_REJECTIONS[code]);
}

/**
 * Creates the image-unpack slice of a new guest.
 * @requirement REQ-UNPACK-1
 */
export function createGuest(memoryPages: number): { guest: UnpackGuest } | { code: 'INVALID_MEMORY_SIZE' } {
  if (!Number.isSafeInteger(memoryPages) || memoryPages < 1 || memoryPages > MAX_GUEST_PAGES) {
    return { code: 'INVALID_MEMORY_SIZE' };
  }
  return { guest: newUnpackGuest(memoryPages) };
}

const HEADER_REASON_CODE = {
  malformed: 'HEADER_MALFORMED',
  'unsupported-version': 'UNSUPPORTED_VERSION',
  'inconsistent-sizes': 'INCONSISTENT_SIZES',
} as const satisfies Record<string, UnpackCode>;

/**
 * Set secure configuration parameters: accept the SE header if one of its key slots is for one
 * of this firmware's host keys and the header authenticates.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-3 REQ-UNPACK-4 REQ-UNPACK-5
 */
export function setHeader<G extends UnpackGuest>(
  guest: G,
  action: SetHeader,
  hostKeys: readonly HostKey[],
  suite: CryptoSuite,
): UnpackStep<G> {
  if (guest.phase !== 'created') return fail(guest, 'INVALID_STATE');
  const decoded = decodeHeader(action.header);
  if (!decoded.ok) return fail(guest, HEADER_REASON_CODE[decoded.error.reason]);
  const header = decoded.value;
  // Find the host key whose hash names a slot; only then try to unwrap (REQ-UNPACK-4).
  const host = hostKeys.find((k) => header.keySlots.some((s) => equalBytes(s.phkh, k.phkh)));
  if (host === undefined) return fail(guest, 'NO_KEY_SLOT');
  const opened = openHeader(suite, header, host);
  if (!opened.ok) return fail(guest, opened.error.check === 'header-auth' ? 'HEADER_AUTH' : opened.error.check === 'key-slot' ? 'NO_KEY_SLOT' : 'KEY_SLOT_AUTH');
  return accept(
    {
      ...guest,
      phase: 'unpacking',
      image: {
        header,
        headerBytes: Uint8Array.from(action.header),
        slotIndex: opened.value.slotIndex,
        secrets: opened.value.secrets,
        noDecryption: (header.pcf & PCF_NO_DECRYPTION) !== 0n,
      },
      digests: startDigests(suite),
    },
    {},
  );
}

/**
 * Unpack one page: check it, decrypt it with the image key and its tweak (or take it as it is
 * under PCF bit 35), place it in secure memory, and fold it into the three digests.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-6 REQ-UNPACK-7 REQ-UNPACK-8 REQ-UNPACK-9 REQ-UNPACK-10 REQ-UNPACK-11
 */
export function unpack<G extends UnpackGuest>(guest: G, action: Unpack, suite: CryptoSuite): UnpackStep<G> {
  const { image, digests } = guest;
  if (guest.phase !== 'unpacking' || image === undefined || digests === undefined) return fail(guest, 'INVALID_STATE');
  if (action.tweak.length !== 16 || action.page.length !== PAGE_SIZE) return fail(guest, 'INVALID_LENGTH');
  if (action.address % PAGE !== 0n) return fail(guest, 'ADDRESS_NOT_ALIGNED');
  if (action.address < 0n || action.address >= BigInt(guest.memoryPages) * PAGE) {
    return fail(guest, 'ADDRESS_OUT_OF_RANGE');
  }
  if (digests.nep >= image.header.nep) return fail(guest, 'TOO_MANY_PAGES');
  const page = Number(action.address / PAGE);
  if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');
  const tweak = tweakKey(action.tweak);
  if (guest.usedTweaks.has(tweak)) return fail(guest, 'TWEAK_REUSED');

  const plain = image.noDecryption
    ? Uint8Array.from(action.page)
    : suite.aesXtsDecrypt(image.secrets.xtsKey, action.tweak, action.page);
  return accept(
    {
      ...guest,
      memory: guest.memory.set(page, plain),
      usedTweaks: guest.usedTweaks.add(tweak),
      digests: addPage(digests, action.address, action.tweak, action.page),
    },
    {},
  );
}

const VERIFY_CODE = {
  pld: 'PLD_MISMATCH',
  ald: 'ALD_MISMATCH',
  tld: 'TLD_MISMATCH',
  nep: 'NEP_MISMATCH',
} as const satisfies Record<VerifyCheck, UnpackCode>;

/**
 * Verify: compare PLD, ALD, TLD and the page count, in that order, with the header's. A failure
 * is recorded: the guest can never start.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-12
 */
export function verify<G extends UnpackGuest>(guest: G): UnpackStep<G> {
  const { image, digests } = guest;
  if (guest.phase !== 'unpacking' || image === undefined || digests === undefined) return fail(guest, 'INVALID_STATE');
  const got = finishDigests(digests);
  const failed: VerifyCheck | undefined = !equalBytes(got.pld, image.header.pld)
    ? 'pld'
    : !equalBytes(got.ald, image.header.ald)
      ? 'ald'
      : !equalBytes(got.tld, image.header.tld)
        ? 'tld'
        : got.nep !== image.header.nep
          ? 'nep'
          : undefined;
  if (failed !== undefined) {
    return fail({ ...guest, phase: 'verify-failed', verifyFailure: failed }, VERIFY_CODE[failed]);
  }
  return accept({ ...guest, phase: 'verified' }, {});
}

/**
 * Start the guest: only after a successful verify.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-13
 */
export function start<G extends UnpackGuest>(guest: G): UnpackStep<G> {
  if (guest.phase === 'running') return fail(guest, 'INVALID_STATE');
  if (guest.phase !== 'verified') return fail(guest, 'NOT_VERIFIED');
  return accept({ ...guest, phase: 'running' }, {});
}
