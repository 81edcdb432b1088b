/**
 * Mechanism 8's rejection table, in the spec's priority order (spec/shrouded-deployment.md).
 * @module
 */
import { defineRejections } from '../core/rejections.js';

export const SHROUD_REJECTIONS = defineRejections('shrouded-deployment', {
  AUTH_INFO_MALFORMED: { requirement: 'REQ-SHROUD-2', check: 'auth-info', when: 'the host-key document, a certificate or a CRL is not DER X.509' },
  HOST_NOT_VERIFIED: { requirement: 'REQ-SHROUD-3', check: 'verified', when: 'the client has not verified this host' },
  HOST_NOT_AUTHENTIC: { requirement: 'REQ-SHROUD-3', check: 'authentic', when: "the client's latest verification of this host failed" },
  IMAGE_MALFORMED: { requirement: 'REQ-SHROUD-4', check: 'image', when: 'the released image is not an SE header' },
  IMAGE_NOT_FOR_HOST: { requirement: 'REQ-SHROUD-4', check: 'image-host', when: "no key slot of the image names the host's key" },
  IMAGE_NOT_RELEASED: { requirement: 'REQ-SHROUD-5', check: 'image-released', when: 'the client released no image to this host' },
  SETTINGS_IMMUTABLE: { requirement: 'REQ-SHROUD-6', check: 'immutable', when: "the machine's hypervisor runs in immutable mode" },
});

/** A code of mechanism 8. */
export type ShroudCode = keyof typeof SHROUD_REJECTIONS.rows;
