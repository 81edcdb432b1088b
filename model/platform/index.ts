/**
 * The platform: the world a configuration starts, the handler table composed from the
 * mechanisms, `step`, the party views, the wire form and the system-under-test interface.
 * @module
 */
export * from './boundary.js';
export * from './initial.js';
export * from './lifecycle.js';
export * from './mechanisms.js';
export * from './rejections.js';
export * from './step.js';
export * from './sut.js';
export * from './views.js';
export * from './wire.js';
export type { WorldConfig, MachineConfig, AdapterConfig } from '../world/config.js';
export { WORLD_CONFIG } from '../world/config.js';
export type { World, Guest, GuestPhase, Machine, Firmware, AuthenticatedImage } from '../world/world.js';
export { GUEST_PHASES } from '../world/world.js';
export { MAX_GUEST_PAGES } from '../world/guests.js';
export { PLATFORM_REJECTIONS } from '../world/platform-rejections.js';
