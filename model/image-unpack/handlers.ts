/**
 * The firmware's handlers for incremental image decryption (spec/image-unpack.md).
 *
 * Each handler checks its guards in the order of the specification (`guards.ts` lists them),
 * then applies its effect as one new guest value. A rejection returns the guest unchanged, except
 * a failed verify, which the specification records (REQ-UNPACK-12). Handlers are total: they
 * never throw. The actions they get were copied at the platform's boundary into its scratch memory: no
 * byte here is the caller's, and what the guest keeps is copied out with `keep`.
 * @module
 */
import { equalBytes, PAGE_SIZE } from '../core/bytes.js';
import type { Step } from '../core/outcome.js';
import { PCF_NO_DECRYPTION } from '../se-format/format.js';
import { decodeHeader, type HeaderDecodeReason } from '../se-format/header-codec.js';
import { findKeySlot, openKeySlot, type HeaderCheck } from '../se-format/header-keys.js';
import { addPage, finishDigests, startDigests } from '../se-format/image-pages.js';
import { acceptGuest, rejectGuest, type GuestStep } from '../world/mechanism.js';
import { keep, onGuest } from '../world/guests.js';
import { patchGuest, withGuestSlice } from '../world/records.js';
import type { Guest, World } from '../world/world.js';
import type { SetHeader, Start, Unpack, Verify } from './actions.js';
import { UNPACK_REJECTIONS, type UnpackCode } from './rejections.js';
import type { UnpackSlice, VerifyCheck } from './slice.js';

/** The page size as a bigint, for guest addresses. */
const PAGE = BigInt(PAGE_SIZE);
/** The bits of an address inside its page. */
const PAGE_OFFSET_MASK = PAGE - 1n;

type Empty = Record<string, never>;
const EMPTY: Empty = {};

function fail(guest: Guest, code: UnpackCode): GuestStep<never> {
  return rejectGuest(guest, code, UNPACK_REJECTIONS.rows[code].requirement);
}

function withSlice(guest: Guest, unpack: UnpackSlice): Guest['slices'] {
  return withGuestSlice(guest.slices, 'unpack', unpack);
}

// The SE format names its failures by this mechanism's codes; a code it adds fails to compile here.
const decodeCode = (reason: HeaderDecodeReason): UnpackCode => reason;
const openCode = (check: HeaderCheck): UnpackCode => check;

/**
 * Set secure configuration parameters: accept the SE header if one of its key slots is for one
 * of this firmware's host keys and the header authenticates.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-3 REQ-UNPACK-4 REQ-UNPACK-5
 */
export function setHeader(world: World, action: SetHeader): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-UNPACK-2: a header is set once, in `created`
    if (guest.phase !== 'created') return fail(guest, 'INVALID_STATE');
    // The decoded header's fields are views of these bytes: keep them, not the boundary's scratch memory.
    const headerBytes = keep(action.header);
    // REQ-UNPACK-3: the header is a well-formed version 0x100 header
    const decoded = decodeHeader(headerBytes);
    if (!decoded.ok) return fail(guest, decodeCode(decoded.error.reason));
    const header = decoded.value;
    const hostKeys = world.machines.get(guest.machine)?.firmware.hostKeys ?? [];
    // REQ-UNPACK-4: a key slot names one of this machine's host keys (the first key that does)
    const found = findKeySlot(world.suite, header, hostKeys);
    if (found === undefined) return fail(guest, 'NO_KEY_SLOT');
    // REQ-UNPACK-4 (its slot unwraps), REQ-UNPACK-5 (the header authenticates)
    const opened = openKeySlot(world.suite, header, found.host, found.slotIndex);
    if (!opened.ok) return fail(guest, openCode(opened.error.check));
    const { secrets } = opened.value;
    const noDecryption = (header.pcf & PCF_NO_DECRYPTION) !== 0n;
    return acceptGuest(
      {
        ...guest,
        phase: 'unpacking',
        image: {
          headerBytes,
          pcf: header.pcf,
          scf: secrets.scf,
          psw: secrets.psw,
          cck: secrets.cck,
          pld: header.pld,
          ald: header.ald,
          tld: header.tld,
          nep: header.nep,
          headerTag: header.tag,
          customerPublicKey: header.customerPublicKey,
        },
        slices: withSlice(guest, {
          ...guest.slices.unpack,
          xtsKey: secrets.xtsKey,
          noDecryption,
          slotIndex: found.slotIndex,
          digests: startDigests(world.suite),
        }),
      },
      EMPTY,
    );
  });
}

/**
 * Unpack one page: check it, decrypt it with the image key and its tweak (or take it as it is
 * under PCF bit 35), place it in secure memory, and fold it into the three digests.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-6 REQ-UNPACK-7 REQ-UNPACK-8 REQ-UNPACK-9 REQ-UNPACK-10 REQ-UNPACK-11
 */
export function unpack(world: World, action: Unpack): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    const slice = guest.slices.unpack;
    const { image } = guest;
    const { digests, xtsKey } = slice;
    // REQ-UNPACK-2: unpack only in `unpacking`
    if (guest.phase !== 'unpacking' || image === null || digests === null || xtsKey === null) return fail(guest, 'INVALID_STATE');
    // REQ-UNPACK-6: a whole tweak and a whole page
    if (action.tweak.length !== 16 || action.page.length !== PAGE_SIZE) return fail(guest, 'INVALID_LENGTH');
    // The address as a number: exact below 2^53, where every guest memory ends; a larger address
    // rounds to a number at or above 2^53, so it stays out of range (and bigint arithmetic, which
    // allocates, is left to the rare address whose low bits the number may have lost).
    const at = Number(action.address);
    // REQ-UNPACK-7: the address is page-aligned...
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bigint test is exact for every address (the number one only faster), also at 2^53 - 1
    if (at > Number.MAX_SAFE_INTEGER ? (action.address & PAGE_OFFSET_MASK) !== 0n : at % PAGE_SIZE !== 0) return fail(guest, 'ADDRESS_NOT_ALIGNED');
    // REQ-UNPACK-7: ...and inside guest memory
    if (at >= guest.memoryPages * PAGE_SIZE) return fail(guest, 'ADDRESS_OUT_OF_RANGE');
    // REQ-UNPACK-8: no more than NEP pages
    if (digests.nep >= image.nep) return fail(guest, 'TOO_MANY_PAGES');
    const page = at / PAGE_SIZE;
    // REQ-UNPACK-9: each page once
    if (guest.memory.has(page)) return fail(guest, 'ADDRESS_ALREADY_UNPACKED');
    // REQ-UNPACK-10: each tweak once per guest
    if (slice.usedTweaks.has(action.tweak)) return fail(guest, 'TWEAK_REUSED');

    // REQ-UNPACK-11: decrypt (or, under PCF bit 35, take as given) and extend the digests.
    // Only the page placed in memory is kept here: the tweak set keeps numbers, and a digest
    // copies what it keeps (DigestState), so the boundary's scratch bytes go in as they are.
    const plain = slice.noDecryption ? keep(action.page) : world.suite.aesXtsDecrypt(xtsKey, action.tweak, action.page);
    // Literals and patchGuest rather than spreads: this is the model's hottest step (world/records.ts).
    const next: UnpackSlice = {
      xtsKey: slice.xtsKey,
      noDecryption: slice.noDecryption,
      slotIndex: slice.slotIndex,
      usedTweaks: slice.usedTweaks.add(action.tweak),
      digests: addPage(digests, action.address, action.tweak, action.page),
      verifyFailure: slice.verifyFailure,
    };
    return acceptGuest(patchGuest(guest, { memory: guest.memory.set(page, plain), slices: withSlice(guest, next) }), EMPTY);
  });
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
export function verify(world: World, action: Verify): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    const { image } = guest;
    const { digests } = guest.slices.unpack;
    // REQ-UNPACK-2: verify only in `unpacking`
    if (guest.phase !== 'unpacking' || image === null || digests === null) return fail(guest, 'INVALID_STATE');
    const got = finishDigests(digests);
    // REQ-UNPACK-12: PLD, then ALD, then TLD, then the count
    const failed: VerifyCheck | null = !equalBytes(got.pld, image.pld)
      ? 'pld'
      : !equalBytes(got.ald, image.ald)
        ? 'ald'
        : !equalBytes(got.tld, image.tld)
          ? 'tld'
          : got.nep !== image.nep
            ? 'nep'
            : null;
    if (failed !== null) {
      // REQ-UNPACK-12: the failure is recorded for good
      const recorded: Guest = { ...guest, phase: 'verify-failed', slices: withSlice(guest, { ...guest.slices.unpack, verifyFailure: failed }) };
      return fail(recorded, VERIFY_CODE[failed]);
    }
    return acceptGuest({ ...guest, phase: 'verified' }, EMPTY);
  });
}

/**
 * Start the guest: only after a successful verify.
 * @requirement REQ-UNPACK-2 REQ-UNPACK-13
 */
export function start(world: World, action: Start): Step<World, Empty> {
  return onGuest(world, action.guest, (guest) => {
    // REQ-UNPACK-2: a running guest is not started again
    if (guest.phase === 'running') return fail(guest, 'INVALID_STATE');
    // REQ-UNPACK-13: only a verified guest starts
    if (guest.phase !== 'verified') return fail(guest, 'NOT_VERIFIED');
    const psw = guest.image?.psw ?? guest.cpu.psw;
    return acceptGuest({ ...guest, phase: 'running', cpu: { ...guest.cpu, psw } }, EMPTY);
  });
}
