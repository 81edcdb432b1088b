/**
 * The extension secret of an add-secret request (platform-formats.md 2.2; asrcb.rs
 * `set_ext_secret`): 32 bytes after the secret in the encrypted area. Zeros when none is given,
 * a given 32 bytes, or derived from the image's CCK: HKDF-SHA512(IKM = CCK, salt = the SE-header
 * tag, info = "IBM Z Ultravisor Add-Secret", 32 bytes). Under SCF bit 1 the firmware adds a
 * request only if it carries the derived value.
 * @module
 */
import { utf8ToBytes } from '../core/bytes.js';
import { err, ok, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { CCK_SIZE, TAG_SIZE } from './format.js';
import type { BuildError } from './header-keys.js';
import { EXTENSION_SECRET_SIZE } from './secret-types.js';

/** The HKDF info of the derived extension secret. */
export const EXTENSION_SECRET_INFO = 'IBM Z Ultravisor Add-Secret';

/** How a request's extension secret is chosen. */
export type ExtensionSecretInput =
  | { readonly mode: 'none' }
  | { readonly mode: 'given'; readonly value: Uint8Array }
  | { readonly mode: 'derived'; readonly cck: Uint8Array };

/** HKDF-SHA512(CCK, salt = header tag, "IBM Z Ultravisor Add-Secret", 32). The caller gives a 32-byte CCK and a 16-byte tag. */
export function deriveExtensionSecret(suite: CryptoSuite, cck: Uint8Array, headerTag: Uint8Array): Uint8Array {
  return suite.hkdf('sha512', cck, headerTag, utf8ToBytes(EXTENSION_SECRET_INFO), EXTENSION_SECRET_SIZE);
}

/** The 32 bytes of `input` for an image whose SE-header tag is `headerTag`; a wrong size is a {@link BuildError}. */
export function extensionSecretValue(suite: CryptoSuite, input: ExtensionSecretInput, headerTag: Uint8Array): Result<Uint8Array, BuildError> {
  switch (input.mode) {
    case 'none':
      return ok(new Uint8Array(EXTENSION_SECRET_SIZE));
    case 'given':
      if (input.value.length !== EXTENSION_SECRET_SIZE) return err({ field: 'extensionSecret.value', message: `must be ${EXTENSION_SECRET_SIZE} bytes, got ${input.value.length}` });
      return ok(Uint8Array.from(input.value));
    case 'derived':
      if (input.cck.length !== CCK_SIZE) return err({ field: 'extensionSecret.cck', message: `a CCK is ${CCK_SIZE} bytes, got ${input.cck.length}` });
      if (headerTag.length !== TAG_SIZE) return err({ field: 'bootTags.headerTag', message: `must be ${TAG_SIZE} bytes, got ${headerTag.length}` });
      return ok(deriveExtensionSecret(suite, input.cck, headerTag));
  }
}
