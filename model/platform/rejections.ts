/**
 * Rejection codes of the platform itself (spec/platform.md), before any mechanism sees an action.
 * @module
 */
import type { RequirementId } from '../core/outcome.js';
import type { UnpackCode } from '../image-unpack/rejections.js';

/** Platform-level codes and their requirements, in priority order. */
export const PLATFORM_REJECTIONS = {
  MALFORMED_ACTION: 'REQ-PLATFORM-1',
  GUEST_NOT_FOUND: 'REQ-PLATFORM-2',
} as const satisfies Record<string, RequirementId>;

/** A platform-level rejection code. */
export type PlatformOnlyCode = keyof typeof PLATFORM_REJECTIONS;

/** Every code `step` can reject with. */
export type RejectionCode = PlatformOnlyCode | UnpackCode;
