/**
 * The IBM Z signing key's subject, as IBM's verifier selects the signing key among the given
 * certificates (step 1 of host-key-document verification), and the names under which it looks up
 * the signing key's CRLs (step 4): the subject, then L=Armonk replaced by L=Poughkeepsie (only
 * that direction), then both re-ordered as C, O, OU, L, ST, CN.
 * @module
 */
import { NAME_TYPES, nameOf, type NameEntry, type X509Name } from './hkd-name.js';

/** IBM's O and CN. */
export const IBM_ORGANIZATION = 'International Business Machines Corporation';

/** The suffix of the signing key's OU. */
export const SIGNING_KEY_OU_SUFFIX = 'Key Signing Service';

/** The localities a signing key may name. */
export const SIGNING_KEY_LOCALITIES = ['Poughkeepsie', 'Armonk'] as const;

/** The one value of a type in a name, or undefined when it has none or several. */
function only(name: X509Name, type: string): string | undefined {
  const values = name.entries.filter((e) => e.type === type);
  return values.length === 1 ? values[0]?.value : undefined;
}

/**
 * True when a subject is an IBM Z signing key's: exactly 6 entries, C=US, ST=New York,
 * L=Poughkeepsie or Armonk, O = CN = IBM's name, OU ending in "Key Signing Service".
 */
export function isSigningKeySubject(name: X509Name): boolean {
  if (name.entries.length !== 6) return false;
  const locality = only(name, NAME_TYPES.L);
  return (
    only(name, NAME_TYPES.C) === 'US' &&
    only(name, NAME_TYPES.ST) === 'New York' &&
    locality !== undefined &&
    (SIGNING_KEY_LOCALITIES as readonly string[]).includes(locality) &&
    only(name, NAME_TYPES.O) === IBM_ORGANIZATION &&
    only(name, NAME_TYPES.CN) === IBM_ORGANIZATION &&
    (only(name, NAME_TYPES.OU)?.endsWith(SIGNING_KEY_OU_SUFFIX) ?? false)
  );
}

/** The order of IBM's re-ordered lookup name. */
const REORDER = [NAME_TYPES.C, NAME_TYPES.O, NAME_TYPES.OU, NAME_TYPES.L, NAME_TYPES.ST, NAME_TYPES.CN] as const;

function reordered(name: X509Name): X509Name {
  const entries: NameEntry[] = REORDER.flatMap((type) => name.entries.filter((e) => e.type === type));
  return nameOf([...entries, ...name.entries.filter((e) => !(REORDER as readonly string[]).includes(e.type))]);
}

function poughkeepsie(name: X509Name): X509Name {
  return nameOf(name.entries.map((e) => (e.type === NAME_TYPES.L && e.value === 'Armonk' ? { type: e.type, value: 'Poughkeepsie' } : e)));
}

/**
 * The groups of issuer names under which IBM looks up the signing key's CRLs, in order: the first
 * group that finds any CRL is the one used.
 */
export function crlLookupNames(subject: X509Name): readonly (readonly X509Name[])[] {
  const fixed = poughkeepsie(subject);
  return [[subject], [fixed], [reordered(fixed), reordered(subject)]];
}
