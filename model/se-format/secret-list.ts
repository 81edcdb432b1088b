/**
 * The list-secrets page (platform-formats.md 2.5; kernel uv.h `uv_secret_list`): 4096 bytes, a
 * 16-byte header — u16 secrets in this page, u16 secrets in the store, u16 next index (0: no
 * more), u16 and u64 reserved — then up to 85 entries of 48 bytes: u16 index, u16 type, u32
 * length, u64 reserved, 32-byte ID. When more secrets follow, the call ends with rc 0x0100 and
 * the guest calls again from the next index.
 * @module
 */
import { readU32, writeU32 } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';
import { SECRET_ID_SIZE } from './secret-types.js';

/** Size of a page. */
export const SECRET_LIST_PAGE_SIZE = 4096;

/** Size of the page header. */
export const SECRET_LIST_HEADER_SIZE = 16;

/** Size of an entry. */
export const SECRET_LIST_ENTRY_SIZE = 48;

/** Most entries in a page. */
export const SECRET_LIST_MAX_ENTRIES = 85;

/** One listed secret. */
export interface SecretListEntry {
  readonly index: number;
  readonly type: number;
  /** The secret's payload length. */
  readonly length: number;
  /** 32 bytes. */
  readonly id: Uint8Array;
}

/** One page. */
export interface SecretListPage {
  /** Entries in this page. */
  readonly storedCount: number;
  /** Secrets in the store. */
  readonly totalCount: number;
  /** Where the next call starts; 0 when nothing follows. */
  readonly nextIndex: number;
  readonly entries: readonly SecretListEntry[];
}

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const putU16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >> 8) & 0xff;
  b[at + 1] = v & 0xff;
};

/** The 4096 bytes of a page; at most 85 entries are written (numbers modulo their field). */
export function encodeSecretListPage(p: SecretListPage): Uint8Array {
  const out = new Uint8Array(SECRET_LIST_PAGE_SIZE);
  putU16(out, 0, p.storedCount);
  putU16(out, 2, p.totalCount);
  putU16(out, 4, p.nextIndex);
  p.entries.slice(0, SECRET_LIST_MAX_ENTRIES).forEach((e, i) => {
    const at = SECRET_LIST_HEADER_SIZE + i * SECRET_LIST_ENTRY_SIZE;
    putU16(out, at, e.index);
    putU16(out, at + 2, e.type);
    writeU32(out, at + 4, e.length);
    out.set(e.id.subarray(0, SECRET_ID_SIZE), at + 16);
  });
  return out;
}

/** A page from its 4096 bytes; a wrong size or more than 85 entries is a {@link CodecError}. Never throws. */
export function decodeSecretListPage(bytes: Uint8Array): Result<SecretListPage, CodecError> {
  if (bytes.length !== SECRET_LIST_PAGE_SIZE) return err(codecError('page', 0, `a list page is ${SECRET_LIST_PAGE_SIZE} bytes, got ${bytes.length}`));
  const storedCount = u16(bytes, 0);
  if (storedCount > SECRET_LIST_MAX_ENTRIES) return err(codecError('storedCount', 0, `${storedCount} entries; a page holds at most ${SECRET_LIST_MAX_ENTRIES}`));
  const entries: SecretListEntry[] = [];
  for (let i = 0; i < storedCount; i++) {
    const at = SECRET_LIST_HEADER_SIZE + i * SECRET_LIST_ENTRY_SIZE;
    entries.push({ index: u16(bytes, at), type: u16(bytes, at + 2), length: readU32(bytes, at + 4), id: bytes.slice(at + 16, at + 16 + SECRET_ID_SIZE) });
  }
  return ok({ storedCount, totalCount: u16(bytes, 2), nextIndex: u16(bytes, 4), entries });
}

/**
 * The page a list call starting at `startIndex` returns over `all` (the store's listable
 * secrets, by index): the first 85 with an index ≥ `startIndex`, and whether more follow
 * (`moreData`: rc 0x0100, call again from `nextIndex`).
 */
export function secretListPage(all: readonly SecretListEntry[], startIndex: number): { readonly page: SecretListPage; readonly moreData: boolean } {
  const from = all.filter((e) => e.index >= startIndex);
  const entries = from.slice(0, SECRET_LIST_MAX_ENTRIES);
  const next = from[SECRET_LIST_MAX_ENTRIES];
  return {
    page: { storedCount: entries.length, totalCount: all.length, nextIndex: next?.index ?? 0, entries },
    moreData: next !== undefined,
  };
}
