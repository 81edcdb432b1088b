/**
 * The kernel's verdict on a signed component, in the kernel's order and with the vectors' check
 * names: the trailer (magic, sig_len, info block: ./appended-signature.ts), the PKCS#7 (parse and
 * module usage: ./pkcs7-signature.ts), then for each signer the trust lookup (`pkcs7_validate_trust`:
 * an anchor whose issuer and serial, or subjectKeyIdentifier, match the signer's identifier
 * exactly) and the signature with that anchor's key over the signed data. A signer no anchor
 * matches is skipped; none matching is `untrusted-key`; a matched signer whose signature fails
 * rejects at once (lookup comes before verification).
 * @module
 */
import { equalBytes } from '../core/bytes.js';
import type { CryptoSuite, SignatureHash } from '../crypto/suite.js';
import { splitSignature, type SplitSignature } from './appended-signature.js';
import { readPkcs7, type Signer } from './pkcs7-signature.js';
import type { TrustAnchor } from './x509-anchor.js';

/** The checks of a signed component, in the kernel's order (`unsigned` and `magic` are one check). */
export const COMPONENT_CHECKS = ['unsigned', 'magic', 'sig-len', 'info-block', 'pkcs7-parse', 'pkcs7-usage', 'untrusted-key', 'signature'] as const;

/** A check of a signed component. */
export type ComponentCheck = (typeof COMPONENT_CHECKS)[number];

/** What the kernel's rules say of one file. */
export type ComponentVerdict =
  | {
      readonly verdict: 'accept';
      /** The signed data: what is loaded. */
      readonly data: Uint8Array;
      /** The index of the anchor that verified it. */
      readonly anchor: number;
      readonly hash: SignatureHash;
    }
  | { readonly verdict: 'reject'; readonly failedCheck: ComponentCheck };

/** True when `anchor` is the key the signer names (the kernel's "ex:" key-id match). */
export function anchorMatches(anchor: TrustAnchor, signer: Signer): boolean {
  const sid = signer.sid;
  if (sid.kind === 'skid') return anchor.skid !== null && equalBytes(anchor.skid, sid.skid);
  return equalBytes(anchor.serial, sid.serial) && equalBytes(anchor.issuer, sid.issuer);
}

/** True when `anchor`'s key verifies `signer`'s signature over `data`: key and signature algorithm agree, then the signature. */
function signerVerifies(suite: CryptoSuite, anchor: TrustAnchor, signer: Signer, data: Uint8Array): boolean {
  const key = anchor.key;
  if (key === null || key.kind !== signer.keyKind) return false;
  return suite.certificateVerify(key, signer.hash, data, signer.signature);
}

/** The kernel's verdict on `file` with these trust anchors. */
export function checkComponent(suite: CryptoSuite, file: Uint8Array, anchors: readonly TrustAnchor[]): ComponentVerdict {
  const split = splitSignature(file);
  if (typeof split === 'string') return { verdict: 'reject', failedCheck: split };
  return checkSplit(suite, split, anchors);
}

/** The kernel's verdict on a file whose trailer passed: the PKCS#7, the trust lookup, the signature. */
export function checkSplit(suite: CryptoSuite, split: SplitSignature, anchors: readonly TrustAnchor[]): ComponentVerdict {
  const signers = readPkcs7(split.pkcs7);
  if (typeof signers === 'string') return { verdict: 'reject', failedCheck: signers };
  let found: { anchor: number; hash: SignatureHash } | null = null;
  for (const signer of signers) {
    const index = anchors.findIndex((a) => anchorMatches(a, signer));
    if (index < 0) continue; // -ENOKEY: the next signer may be trusted
    const anchor = anchors[index];
    if (anchor === undefined || !signerVerifies(suite, anchor, signer, split.data)) return { verdict: 'reject', failedCheck: 'signature' };
    found ??= { anchor: index, hash: signer.hash };
  }
  if (found === null) return { verdict: 'reject', failedCheck: 'untrusted-key' };
  return { verdict: 'accept', data: split.data, anchor: found.anchor, hash: found.hash };
}
