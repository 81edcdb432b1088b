/**
 * X.509 names as host-key-document verification compares them: a list of (type, value) entries,
 * a text for reports, and a comparison key in the spirit of OpenSSL's `X509_NAME_cmp` over its
 * canonical encoding (string values case-folded, leading and trailing spaces dropped, inner runs
 * of white space collapsed; the order of entries kept).
 * @module
 */
import type * as pkijs from 'pkijs';

/** Attribute types by OID, with their short names. */
export const NAME_TYPES = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
} as const;

const SHORT: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(NAME_TYPES).map(([k, v]) => [v, k]));

/** One attribute of a name. */
export interface NameEntry {
  /** The attribute type's OID. */
  readonly type: string;
  readonly value: string;
}

/** A name: its entries in order, a text and the comparison key. */
export interface X509Name {
  readonly entries: readonly NameEntry[];
  /** `C=US, O=..., ...` */
  readonly text: string;
  /** Equal keys: equal names. */
  readonly key: string;
}

function canonical(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A name of entries. */
export function nameOf(entries: readonly NameEntry[]): X509Name {
  return {
    entries,
    text: entries.map((e) => `${SHORT[e.type] ?? e.type}=${e.value}`).join(', '),
    key: entries.map((e) => `${e.type}=${canonical(e.value)}`).join('\u0000'),
  };
}

/** Reads a pkijs Name (its string values; a value of another type is taken as its hex). */
export function readName(name: pkijs.RelativeDistinguishedNames): X509Name {
  return nameOf(
    name.typesAndValues.map((tv) => {
      const v = (tv.value.valueBlock as { value?: unknown }).value;
      return { type: tv.type, value: typeof v === 'string' ? v : '' };
    }),
  );
}
