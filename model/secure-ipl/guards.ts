/**
 * The guards of the secure-IPL handler, in the order they run: the failure priority that
 * spec/secure-ipl.md lists. The signature guards run for each signed component in list order,
 * each component's checks in the kernel's order. `semodel requirements` checks this order
 * against the spec.
 * @module
 */
import type { Guard } from '../world/mechanism.js';

/** Guards by action kind. `MALFORMED_ACTION` (the platform's boundary) precedes them all. */
export const IPL_GUARDS = {
  ipl: [
    { name: 'machine exists', code: 'MACHINE_NOT_FOUND' },
    { name: 'certificates are X.509', code: 'CERTIFICATE_MALFORMED' },
    { name: 'no kind twice', code: 'COMPONENT_DUPLICATE' },
    { name: "zipl's order", code: 'COMPONENT_ORDER' },
    { name: 'stage 3 and kernel present', code: 'COMPONENT_MISSING' },
    { name: 'signature magic', code: 'SIGNATURE_MAGIC' },
    { name: 'sig_len', code: 'SIGNATURE_SIG_LEN' },
    { name: 'info block', code: 'SIGNATURE_INFO_BLOCK' },
    { name: 'PKCS#7 parses', code: 'SIGNATURE_PARSE' },
    { name: 'PKCS#7 usage', code: 'SIGNATURE_USAGE' },
    { name: 'trusted signer', code: 'SIGNATURE_UNTRUSTED_KEY' },
    { name: 'signature verifies', code: 'SIGNATURE_INVALID' },
    { name: 'a component at the PSW address', code: 'NO_DESIGNATED_COMPONENT' },
    { name: 'designated component signed', code: 'DESIGNATED_UNSIGNED' },
    { name: 'fixed load address and PSW', code: 'INVALID_LOAD_ADDRESS' },
    { name: 'stage 3 at 0xA000', code: 'LOADER_PLACEMENT' },
    { name: 'inside storage', code: 'OUT_OF_MEMORY' },
    { name: 'no overlap', code: 'COMPONENTS_OVERLAP' },
  ],
} as const satisfies Record<string, readonly Guard[]>;
