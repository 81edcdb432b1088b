/**
 * The three stages of a secure IPL and the program-table check before them, each a pure
 * function of the action's values: the signatures by the kernel's rules (REQ-IPL-3), the
 * additional verification of the component the load PSW enters (REQ-IPL-4), and zipl stage 3's
 * check with the layout (REQ-IPL-5, REQ-IPL-6). Each answers the code of its first failure, or
 * what the next stage needs.
 * @module
 */
import { concatBytes } from '../core/bytes.js';
import type { CryptoSuite } from '../crypto/suite.js';
import { splitSignature, TRAILER_OVERHEAD } from '../se-format/appended-signature.js';
import { checkSplit, type ComponentCheck } from '../se-format/signed-component.js';
import { readTrustAnchor, type TrustAnchor } from '../se-format/x509-anchor.js';
import { COMPONENT_KINDS, type IplComponent } from './actions.js';
import type { IplCode } from './rejections.js';

/** The address zipl loads the kernel image at (IMAGE_LOAD_ADDRESS). */
export const KERNEL_ADDRESS = 0x10000n;
/** The load PSW zipl writes (DEFAULT_PSW_LOAD): 31-bit addressing, entering the kernel. */
export const DEFAULT_PSW = 0x0008000080010000n;
/** The PSW's address bits (31-bit addressing). */
export const PSW_ADDRESS_MASK = 0x7fffffffn;
/** The address and the largest size of the stage-3 loader (zipl's loaders_layout.h). */
export const STAGE3_ADDRESS = 0xa000n;
/** The largest stage-3 loader: 0x3000 bytes. */
export const STAGE3_MAX = 0x3000;

/** The code of each check of a signature. */
const CHECK_CODES: Readonly<Record<ComponentCheck, IplCode>> = {
  unsigned: 'SIGNATURE_MAGIC',
  magic: 'SIGNATURE_MAGIC',
  'sig-len': 'SIGNATURE_SIG_LEN',
  'info-block': 'SIGNATURE_INFO_BLOCK',
  'pkcs7-parse': 'SIGNATURE_PARSE',
  'pkcs7-usage': 'SIGNATURE_USAGE',
  'untrusted-key': 'SIGNATURE_UNTRUSTED_KEY',
  signature: 'SIGNATURE_INVALID',
};

/** The trust anchors of the certificates, or null when one is not an X.509 certificate. */
export function readAnchors(certificates: readonly Uint8Array[]): TrustAnchor[] | null {
  const anchors: TrustAnchor[] = [];
  for (const der of certificates) {
    const a = readTrustAnchor(der);
    if (typeof a === 'string') return null;
    anchors.push(a);
  }
  return anchors;
}

/** The program-table failure of the list, or null: no kind twice, zipl's order, stage 3 and kernel present. */
export function programTableCode(components: readonly IplComponent[]): IplCode | null {
  const ranks = components.map((c) => COMPONENT_KINDS.indexOf(c.kind));
  if (new Set(ranks).size !== ranks.length) return 'COMPONENT_DUPLICATE';
  if (ranks.some((r, i) => i > 0 && r < (ranks[i - 1] ?? 0))) return 'COMPONENT_ORDER';
  if (!ranks.includes(0) || !ranks.includes(1)) return 'COMPONENT_MISSING';
  return null;
}

/**
 * The anchor that verified each component (null: not signed), or the code of the first failing
 * check: the components in list order, each one's checks in the kernel's order over its data
 * followed by its signature, and the signature's sig_len must describe the signature itself.
 */
export function verifySignatures(suite: CryptoSuite, components: readonly IplComponent[], anchors: readonly TrustAnchor[]): (number | null)[] | IplCode {
  const used: (number | null)[] = [];
  for (const c of components) {
    if (c.signature === null) {
      used.push(null);
      continue;
    }
    const split = splitSignature(concatBytes(c.data, c.signature));
    if (typeof split === 'string') return CHECK_CODES[split];
    // zipl takes the signature entry's length from sig_len: it must be exactly the signature given.
    if (split.pkcs7.length + TRAILER_OVERHEAD !== c.signature.length) return 'SIGNATURE_SIG_LEN';
    const v = checkSplit(suite, split, anchors);
    if (v.verdict === 'reject') return CHECK_CODES[v.failedCheck];
    used.push(v.anchor);
  }
  return used;
}

/** The additional verification: the component the PSW enters exists and is signed (hence verified), or its code. */
export function designatedCode(components: readonly IplComponent[], psw: bigint): IplCode | null {
  const designated = components.find((c) => c.address === (psw & PSW_ADDRESS_MASK));
  if (designated === undefined) return 'NO_DESIGNATED_COMPONENT';
  if (designated.signature === null) return 'DESIGNATED_UNSIGNED';
  return null;
}

/** zipl stage 3's check and the layout: fixed kernel address and PSW, stage 3 in place, inside storage, no overlap; or its code. */
export function layoutCode(components: readonly IplComponent[], psw: bigint, memory: bigint): IplCode | null {
  const kernel = components.find((c) => c.kind === 'kernel');
  if (kernel?.address !== KERNEL_ADDRESS || psw !== DEFAULT_PSW) return 'INVALID_LOAD_ADDRESS';
  const stage3 = components.find((c) => c.kind === 'stage3');
  if (stage3?.address !== STAGE3_ADDRESS || stage3.data.length > STAGE3_MAX) return 'LOADER_PLACEMENT';
  if (components.some((c) => c.address + BigInt(c.data.length) > memory)) return 'OUT_OF_MEMORY';
  const spans = components.map((c) => [c.address, c.address + BigInt(c.data.length)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (spans.some((s, i) => i > 0 && s[0] < (spans[i - 1]?.[1] ?? 0n))) return 'COMPONENTS_OVERLAP';
  return null;
}
