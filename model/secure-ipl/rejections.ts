/**
 * The rejection table of secure IPL (spec/secure-ipl.md): one row per code, each failure halting
 * the load with its own code. The signature codes carry the vectors' check names; the fixed
 * load address and PSW failure is zipl stage 3's ESECUREBOOT (0x00004512). The guard order is in
 * `guards.ts`.
 * @module
 */
import { defineRejections } from '../core/rejections.js';

/** Every code the secure-IPL handler can halt a load with. */
export const IPL_REJECTIONS = defineRejections('secure-ipl', {
  CERTIFICATE_MALFORMED: { requirement: 'REQ-IPL-1', check: 'certificate', when: 'a trusted certificate is not a DER X.509 certificate' },
  COMPONENT_DUPLICATE: { requirement: 'REQ-IPL-2', check: 'program-table', when: 'a kind of component occurs twice' },
  COMPONENT_ORDER: { requirement: 'REQ-IPL-2', check: 'program-table', when: "the components are not in zipl's order: stage 3, kernel, parmline, initrd" },
  COMPONENT_MISSING: { requirement: 'REQ-IPL-2', check: 'program-table', when: 'the stage-3 loader or the kernel is missing' },
  SIGNATURE_MAGIC: { requirement: 'REQ-IPL-3', check: 'magic', when: 'a signature does not end with the magic "~Module signature appended~\\n"' },
  SIGNATURE_SIG_LEN: { requirement: 'REQ-IPL-3', check: 'sig-len', when: "sig_len is not smaller than what precedes the info block, or does not describe the signature's own length" },
  SIGNATURE_INFO_BLOCK: { requirement: 'REQ-IPL-3', check: 'info-block', when: 'the info block is not id_type 2 with every other field zero' },
  SIGNATURE_PARSE: { requirement: 'REQ-IPL-3', check: 'pkcs7-parse', when: "the PKCS#7 does not parse by the kernel's grammar" },
  SIGNATURE_USAGE: { requirement: 'REQ-IPL-3', check: 'pkcs7-usage', when: 'the PKCS#7 is not detached pkcs7-data without authenticated attributes' },
  SIGNATURE_UNTRUSTED_KEY: { requirement: 'REQ-IPL-3', check: 'untrusted-key', when: 'no trusted certificate matches a signer by issuer and serial (or subjectKeyIdentifier)' },
  SIGNATURE_INVALID: { requirement: 'REQ-IPL-3', check: 'signature', when: "the trusted certificate's key does not verify the signature over the component's data" },
  NO_DESIGNATED_COMPONENT: { requirement: 'REQ-IPL-4', check: 'designated', platformRc: '0x00004512', when: 'no component starts at the address the load PSW enters' },
  DESIGNATED_UNSIGNED: { requirement: 'REQ-IPL-4', check: 'designated', platformRc: '0x00004512', when: 'the component the load PSW enters is not signed' },
  INVALID_LOAD_ADDRESS: { requirement: 'REQ-IPL-5', check: 'load-address', platformRc: '0x00004512', when: 'the kernel is not at 0x10000 or the load PSW is not 0x0008000080010000' },
  LOADER_PLACEMENT: { requirement: 'REQ-IPL-5', check: 'load-address', when: 'the stage-3 loader is not at 0xA000 or is longer than 0x3000 bytes' },
  OUT_OF_MEMORY: { requirement: 'REQ-IPL-6', check: 'layout', when: 'a component does not lie inside the storage' },
  COMPONENTS_OVERLAP: { requirement: 'REQ-IPL-6', check: 'layout', when: 'two components overlap' },
});

/** A rejection code of secure IPL. */
export type IplCode = keyof typeof IPL_REJECTIONS.rows;
