/**
 * The guards of each mechanism-8 handler, in the order they run (the spec's failure priority).
 * @module
 */
import type { Guard } from '../world/mechanism.js';

const verified = [
  { name: 'host verified', code: 'HOST_NOT_VERIFIED' },
  { name: 'host authentic', code: 'HOST_NOT_AUTHENTIC' },
] as const;

export const SHROUD_GUARDS = {
  'shroud-auth-info': [{ name: 'machine exists', code: 'MACHINE_NOT_FOUND' }],
  'shroud-verify-host': [
    { name: 'machine exists', code: 'MACHINE_NOT_FOUND' },
    { name: 'authentication information is X.509', code: 'AUTH_INFO_MALFORMED' },
  ],
  'shroud-release': [
    { name: 'machine exists', code: 'MACHINE_NOT_FOUND' },
    ...verified,
    { name: 'image is an SE header', code: 'IMAGE_MALFORMED' },
    { name: 'image built for the host', code: 'IMAGE_NOT_FOR_HOST' },
  ],
  'shroud-deploy': [{ name: 'machine exists', code: 'MACHINE_NOT_FOUND' }, ...verified, { name: 'image released', code: 'IMAGE_NOT_RELEASED' }],
  'shroud-set-setting': [
    { name: 'machine exists', code: 'MACHINE_NOT_FOUND' },
    { name: 'hypervisor not immutable', code: 'SETTINGS_IMMUTABLE' },
  ],
} as const satisfies Record<string, readonly Guard[]>;
