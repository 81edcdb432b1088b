/**
 * The guest's own CPU actions (spec/secure-interception.md, REQ-INTCP-1, REQ-INTCP-3): its
 * program loads registers, stores bytes and stores its registers. They change the guest alone:
 * the hypervisor sees none of it.
 * @module
 */
import type { Step } from '../core/outcome.js';
import type { World } from '../world/world.js';
import type { GuestLoadRegisters, GuestStore, GuestStoreRegisters } from './actions.js';
import { EMPTY, fail, isGuest, runningCpu, withGuest } from './common.js';
import { inMemory, registerBytes, writeMemory } from './memory.js';
import { refuseLocked, writeLocked } from '../migration/lock.js';

type Empty = Record<string, never>;

/**
 * LOAD MULTIPLE: registers 0 to n-1 take the values.
 * @requirement REQ-INTCP-1
 */
export function guestLoadRegisters(world: World, action: GuestLoadRegisters): Step<World, Empty> {
  const g = runningCpu(world, action.guest);
  if (!isGuest(g)) return g;
  const registers = g.cpu.registers.map((r, i) => action.registers[i] ?? r);
  return { state: withGuest(world, { ...g, cpu: { ...g.cpu, registers } }), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * The guest's program stores bytes into its memory.
 * @requirement REQ-INTCP-1 REQ-INTCP-3 REQ-MIGR-5
 */
export function guestStore(world: World, action: GuestStore): Step<World, Empty> {
  const g = runningCpu(world, action.guest);
  if (!isGuest(g)) return g;
  // REQ-INTCP-3: the bytes lie inside guest memory
  if (!inMemory(g, action.address, action.bytes.length)) return fail(world, 'ADDRESSING_EXCEPTION');
  // REQ-MIGR-5: no store into an area under migration
  if (writeLocked(g, action.address, action.bytes.length)) return refuseLocked(world);
  const memory = writeMemory(g, Number(action.address), action.bytes);
  return { state: withGuest(world, { ...g, memory }), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * STORE MULTIPLE 0,15: the 16 registers into memory, 128 bytes big-endian.
 * @requirement REQ-INTCP-1 REQ-INTCP-3 REQ-MIGR-5
 */
export function guestStoreRegisters(world: World, action: GuestStoreRegisters): Step<World, Empty> {
  const g = runningCpu(world, action.guest);
  if (!isGuest(g)) return g;
  // REQ-INTCP-3: the 128 bytes lie inside guest memory
  if (!inMemory(g, action.address, 128)) return fail(world, 'ADDRESSING_EXCEPTION');
  // REQ-MIGR-5: no store into an area under migration
  if (writeLocked(g, action.address, 128)) return refuseLocked(world);
  const memory = writeMemory(g, Number(action.address), registerBytes(g.cpu.registers));
  return { state: withGuest(world, { ...g, memory }), outcome: { kind: 'accepted', response: EMPTY } };
}
