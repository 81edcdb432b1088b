/**
 * The kinds of clear key the CPU wraps into protected keys: the key types of the secret store
 * (whose sizes the secret-type table of model/se-format holds) and the PCKMO key functions, each
 * in the PCKMO family whose PCF bit allows it (REQ-CTRL-20).
 *
 * PCKMO's DEA family is modelled by its two TDEA functions (16- and 24-byte keys, a 24-byte DEA
 * verification pattern); single-key DEA (8 bytes) is left out: the model's wrapping needs at
 * least 16 bytes. Every other function wraps a key of a secret type, named as that type is.
 * @module
 */
import { secretType } from '../se-format/secret-types.js';
import type { PckmoFamily } from './controls.js';
import { DEA_WKVP_SIZE, WKVP_SIZE } from './protected-key.js';

/** One kind of key the CPU wraps. */
export interface KeyKind {
  /** The PCKMO function's name (`aes-256`), the secret type's name where there is one. */
  readonly name: string;
  readonly family: PckmoFamily;
  /** Bytes of the clear key. */
  readonly keySize: number;
  /** Bytes of its verification pattern. */
  readonly patternSize: number;
  /** The code in the wrap's tweak: the secret type's code, or 0x01xx for a PCKMO-only kind. */
  readonly code: number;
}

/** The PCKMO functions the model offers, by name, in the order of the families' PCF bits. */
export const PCKMO_FUNCTIONS = [
  'tdea-128',
  'tdea-192',
  'aes-128',
  'aes-192',
  'aes-256',
  'aes-xts-128',
  'aes-xts-256',
  'ec-p256',
  'ec-p384',
  'ec-p521',
  'ed25519',
  'ed448',
  'hmac-sha-256',
  'hmac-sha-512',
] as const;

/** A PCKMO function's name. */
export type PckmoFunction = (typeof PCKMO_FUNCTIONS)[number];

/** The family of each secret-type key kind, by its name's prefix. */
function familyOf(name: string): PckmoFamily {
  if (name.startsWith('aes')) return 'aes';
  if (name.startsWith('hmac')) return 'hmac';
  return 'ecc';
}

/** The PCKMO-only kinds: TDEA with two and three keys. */
const TDEA: Readonly<Record<string, KeyKind>> = {
  'tdea-128': { name: 'tdea-128', family: 'dea', keySize: 16, patternSize: DEA_WKVP_SIZE, code: 0x0102 },
  'tdea-192': { name: 'tdea-192', family: 'dea', keySize: 24, patternSize: DEA_WKVP_SIZE, code: 0x0103 },
};

/**
 * The key kind of a secret type code or a PCKMO function name, or `undefined` when it names no
 * key (plain text, association, null, update-CCK, an unknown code or name).
 */
export function keyKind(of: number | string): KeyKind | undefined {
  if (typeof of === 'string' && Object.prototype.hasOwnProperty.call(TDEA, of)) return TDEA[of];
  const t = secretType(of);
  if (t?.protectedKeySize === undefined || t.payloadSize === undefined) return undefined;
  return { name: t.name, family: familyOf(t.name), keySize: t.payloadSize, patternSize: WKVP_SIZE, code: t.code };
}
