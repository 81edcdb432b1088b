/**
 * The firmware's cryptography of migration and paging, every primitive through the world's suite:
 * the migration key, a page sealed under it with its location and counter, the global integrity
 * value, the target's own host key hash, and fresh bytes from a machine's generator.
 * @module
 */
import { Set as PSet } from 'immutable';
import { PageMap } from '../world/page-map.js';
import { bytesToHex, concatBytes, PAGE_SIZE, utf8ToBytes } from '../core/bytes.js';
import { nextBytes } from '../crypto/random.js';
import type { CryptoSuite, Sealed } from '../crypto/suite.js';
import { decodeHeader } from '../se-format/header-codec.js';
import type { Guest, World } from '../world/world.js';
import type { Area, MigrationSlice, Paging } from './slice.js';

/** A page never written reads as zeros, and travels as zeros. */
export const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/** The slice of a new guest: no migration, nothing exported. */
export function emptyMigrationSlice(): MigrationSlice {
  return { sending: null, receiving: null, paging: { key: null, exports: 0, exported: PageMap.empty() } };
}

/** `n` fresh bytes from the generator of `machine`'s firmware, and the world with it advanced. */
export function draw(world: World, machine: number, n: number): [Uint8Array, World] {
  const m = world.machines.get(machine);
  // Stryker disable next-line all: a guest's machine always exists (create-guest checks it)
  if (m === undefined) throw new Error(`machine ${machine} does not exist`);
  const [bytes, rng] = nextBytes(world.suite, m.firmware.rng, n);
  return [bytes, { ...world, machines: world.machines.set(machine, { ...m, firmware: { ...m.firmware, rng } }) }];
}

/** True when `machine`'s firmware already received the migration with `nonce`. */
export function receivedBefore(world: World, machine: number, nonce: Uint8Array): boolean {
  return world.machines.get(machine)?.firmware.slices.migration?.received.has(bytesToHex(nonce)) === true;
}

/** `world` with `nonce` recorded as received by `machine`'s firmware. */
export function recordReceived(world: World, machine: number, nonce: Uint8Array): World {
  const m = world.machines.get(machine);
  // Stryker disable next-line all: a guest's machine always exists (create-guest checks it)
  if (m === undefined) throw new Error(`machine ${machine} does not exist`);
  const received = (m.firmware.slices.migration?.received ?? PSet<string>()).add(bytesToHex(nonce));
  return { ...world, machines: world.machines.set(machine, { ...m, firmware: { ...m.firmware, slices: { ...m.firmware.slices, migration: { received } } } }) };
}

/**
 * The migration key: HKDF-SHA-256 from the image's CCK (both firmwares opened it from the image's
 * key slots), salted with the migration nonce, bound to the image (its header tag) and to the
 * target host (its PHKH). Only firmware ever holds it.
 */
export function migrationKey(suite: CryptoSuite, guest: Guest, nonce: Uint8Array, phkh: Uint8Array): Uint8Array {
  // A running or unpacking guest has an image; the guards check the phase first.
  const image = guest.image;
  // Stryker disable next-line all: the callers' guards saw an image
  const cck = image === null ? new Uint8Array(32) : image.cck;
  // Stryker disable next-line all: the callers' guards saw an image
  const tag = image === null ? new Uint8Array(16) : image.headerTag;
  return suite.hkdf('sha256', cck, nonce, concatBytes(utf8ToBytes('semodel/migration-key/v1'), phkh, tag), 32);
}

/**
 * The PHKH of the host key whose slot the target firmware opened for the guest's header: the host
 * the migration key is bound to. Empty when the guest has no accepted header.
 */
export function ownPhkh(guest: Guest): Uint8Array {
  const slot = guest.slices.unpack.slotIndex;
  // Stryker disable next-line all: a receivable guest has an accepted header and the slot its firmware opened
  if (guest.image === null || slot === null) return new Uint8Array(0);
  const header = decodeHeader(guest.image.headerBytes);
  // Stryker disable next-line all: an accepted header decodes, and has the slot the firmware opened
  return header.ok ? (header.value.keySlots[slot]?.phkh ?? new Uint8Array(0)) : new Uint8Array(0);
}

/** Writes `value` as a big-endian u32 at `offset` (by hand: a DataView per call costs more than the sealing's bookkeeping). */
function putU32(b: Uint8Array, offset: number, value: number): void {
  b[offset] = value >>> 24;
  b[offset + 1] = (value >>> 16) & 0xff;
  b[offset + 2] = (value >>> 8) & 0xff;
  b[offset + 3] = value & 0xff;
}

/** The 12-byte IV of a page sealing: location and counter (unique per key), then four zero bytes. */
function pageIv(location: number, counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  putU32(iv, 0, location);
  putU32(iv, 4, counter);
  return iv;
}

/** What a page's integrity value covers besides its content: the migration ID, location and counter. */
function pageAad(id: Uint8Array, location: number, counter: number): Uint8Array {
  const aad = new Uint8Array(id.length + 8);
  aad.set(id, 0);
  putU32(aad, id.length, location);
  putU32(aad, id.length + 4, counter);
  return aad;
}

/** A page sealed under `key`: AES-256-GCM, the tag being its integrity value. */
export function sealPage(suite: CryptoSuite, key: Uint8Array, id: Uint8Array, location: number, counter: number, plain: Uint8Array): Sealed {
  return suite.aesGcmEncrypt(key, pageIv(location, counter), plain, pageAad(id, location, counter));
}

/** The page a sealing opens to, or `undefined` when its integrity value does not verify. */
export function openPage(suite: CryptoSuite, key: Uint8Array, id: Uint8Array, location: number, counter: number, content: Uint8Array, tag: Uint8Array): Uint8Array | undefined {
  return suite.aesGcmDecrypt(key, pageIv(location, counter), content, tag, pageAad(id, location, counter));
}

/**
 * The global integrity value: HMAC-SHA-256 under the migration key over the migration ID, the
 * area and the SHA-512 of every location's latest (location, counter, integrity value) in
 * ascending order. `latest` answers a location's counter and integrity value.
 */
export function globalValue(suite: CryptoSuite, key: Uint8Array, id: Uint8Array, area: Area, latest: (location: number) => { counter: number; tag: Uint8Array }): Uint8Array {
  let digest = suite.sha512Init();
  // Entries go to the digest in chunks of about 64 KiB: one update per entry costs more than the hashing.
  const chunk = new Uint8Array(GLOBAL_CHUNK * ENTRY_SIZE);
  let filled = 0;
  for (let loc = area.first; loc < area.first + area.pages; loc++) {
    const { counter, tag } = latest(loc);
    const at = filled * ENTRY_SIZE;
    putU32(chunk, at, loc);
    putU32(chunk, at + 4, counter);
    // Stryker disable next-line ArithmeticOperator: a tag is 16 bytes, and subarray stops at its end whatever the bound past it
    chunk.set(tag.subarray(0, ENTRY_SIZE - 8), at + 8);
    filled++;
    if (filled === GLOBAL_CHUNK) {
      digest = digest.update(chunk.slice());
      filled = 0;
    }
  }
  // Stryker disable next-line EqualityOperator,ConditionalExpression: appending no bytes leaves a SHA-512 as it was (the test only saves a copy)
  if (filled > 0) digest = digest.update(chunk.slice(0, filled * ENTRY_SIZE));
  const head = new Uint8Array(8);
  putU32(head, 0, area.first);
  putU32(head, 4, area.pages);
  return suite.hmac('sha256', key, concatBytes(utf8ToBytes('semodel/migration-global/v1'), id, head, digest.digest()));
}

/** Bytes of one entry of the global value: location, counter, integrity value. */
const ENTRY_SIZE = 24;
/** Entries per update of the global value's digest. */
const GLOBAL_CHUNK = 2730;

/** The paging key of a guest, drawn at its first export: the table and the world with it. */
export function pagingKey(world: World, guest: Guest, paging: Paging): [Uint8Array, World] {
  return paging.key !== null ? [paging.key, world] : draw(world, guest.machine, 32);
}

/**
 * The label that separates paging sealings from migration sealings under any key (a function,
 * not a constant, so that the mutation run can try it: it cannot change module-level values).
 */
export function pagingId(): Uint8Array {
  return utf8ToBytes('semodel/paging/v1');
}

/** True when some page of `area` is exported. */
export function anyExported(paging: Paging, area: Area): boolean {
  for (const page of paging.exported.keys()) if (page >= area.first && page < area.first + area.pages) return true;
  return false;
}
