/**
 * The platform's own properties: the boundary and the guest lifecycle every mechanism shares.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { callerBuffersNotKept } from './caller-buffers.js';
import { platformTotal } from './totality.js';

/** Every platform property. */
export const platformProperties: readonly ModelProperty<unknown>[] = [callerBuffersNotKept, platformTotal];
