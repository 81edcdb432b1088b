/**
 * What every handler of the mechanism shares: the refusal with its table, the guards the guest's
 * CPU starts with, and a guest put back with the hypervisor's interception blobs kept in step.
 * @module
 */
import type { Step } from '../core/outcome.js';
import { refusePlatform, refuseWith } from '../world/guests.js';
import type { Guest, World } from '../world/world.js';
import { INTCP_REJECTIONS, type IntcpCode } from './rejections.js';

/** A rejected step with a code of this mechanism; the world unchanged. */
export function fail(world: World, code: IntcpCode): Step<World, never> {
  return refuseWith(INTCP_REJECTIONS, world, code);
}

/**
 * The guest whose CPU acts, after the guards every CPU action starts with: the guest exists
 * (REQ-PLATFORM-2), runs and is not stopped in an interception (REQ-INTCP-1); or the rejection.
 */
export function runningCpu(world: World, id: number): Guest | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-INTCP-1: only a running guest's CPU executes
  if (guest.phase !== 'running') return fail(world, 'NOT_RUNNING');
  // REQ-INTCP-1: a CPU stopped in an interception executes nothing until it is resumed
  if (guest.slices.interception.open !== null) return fail(world, 'INTERCEPTION_PENDING');
  return guest;
}

/** True when `g` is a guest (the guards passed). */
export const isGuest = (g: Guest | Step<World, never>): g is Guest => 'slices' in g;

/** `world` with `guest` put back. */
export function withGuest(world: World, guest: Guest): World {
  return { ...world, guests: world.guests.set(guest.id, guest) };
}

/** `world` without the hypervisor's interception blob of guest `id` (REQ-INTCP-9, REQ-INTCP-10). */
export function withoutBlob(world: World, id: number): World {
  const interceptions = world.hypervisor.interceptions.filter((b) => b.guest !== id);
  // Stryker disable next-line ConditionalExpression: with nothing removed, the rebuilt world equals the old one; returning it keeps the same object
  return interceptions.size === world.hypervisor.interceptions.size ? world : { ...world, hypervisor: { ...world.hypervisor, interceptions } };
}

/** The accepted empty response. */
export const EMPTY: Record<string, never> = {};
