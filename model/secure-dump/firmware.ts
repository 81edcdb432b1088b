/**
 * What the firmware reads and draws for a dump: fresh bytes from the machine's generator, the
 * dump's keys by mode, the guest's pages and CPU at dump time as the dump format sees them.
 * @module
 */
import { Map as PMap } from 'immutable';
import { PAGE_SIZE } from '../core/bytes.js';
import { nextBytes } from '../crypto/random.js';
import { currentCck } from '../request-controls/index.js';
import { zeroCpu, type DumpCpu } from '../se-format/dump-cpu.js';
import type { DumpedPage, DumpKeys } from '../se-format/dump-create.js';
import { DUMP_SEED_SIZE, DUMP_XTS_KEY_SIZE, DUMP_KEY_SIZE, realDumpKey, TWEAK_NONCE_SIZE } from '../se-format/dump-real.js';
import type { CpuState, Guest, World } from '../world/world.js';
import type { ActiveDump } from './slice.js';

/** `n` fresh bytes from the generator of `machine`'s firmware, and the world with it advanced. */
export function draw(world: World, machine: number, n: number): [Uint8Array, World] {
  const m = world.machines.get(machine);
  // Stryker disable next-line all: a guest's machine always exists (create-guest checks it)
  if (m === undefined) throw new Error(`machine ${machine} does not exist`);
  const [bytes, rng] = nextBytes(world.suite, m.firmware.rng, n);
  return [bytes, { ...world, machines: world.machines.set(machine, { ...m, firmware: { ...m.firmware, rng } }) }];
}

/** Draws the keys of a new dump of `guest` in `mode`: real, from the CCK and a fresh seed; seed, all fresh. */
export function drawKeys(world: World, guest: Guest, mode: 'real' | 'seed'): [DumpKeys, World] {
  if (mode === 'seed') {
    const [dumpKey, w1] = draw(world, guest.machine, DUMP_KEY_SIZE);
    const [random, w2] = draw(w1, guest.machine, 64);
    // A P-521 scalar: 64 random bytes under two zero bytes, below the group order.
    const ephemeral = new Uint8Array(66);
    ephemeral.set(random, 2);
    return [{ mode, dumpKey, ephemeral }, w2];
  }
  const [seed, w1] = draw(world, guest.machine, DUMP_SEED_SIZE);
  const [nonce, w2] = draw(w1, guest.machine, TWEAK_NONCE_SIZE);
  const [xtsKey, w3] = draw(w2, guest.machine, DUMP_XTS_KEY_SIZE);
  // A running guest has an image, hence a CCK.
  const cck = currentCck(guest) ?? new Uint8Array(32);
  return [{ mode, dumpKey: realDumpKey(world.suite, cck, seed), seed, nonce, xtsKey }, w3];
}

/** The guest as a dump fixes it: its memory, its shared pages, its CPU, now. */
export function snapshot(world: World, guest: Guest, keys: DumpKeys): ActiveDump {
  return { keys, memory: guest.memory, shared: world.hypervisor.nonSecureMemory.get(guest.id) ?? PMap(), cpu: guest.cpu };
}

const ZERO_PAGE: DumpedPage = { state: 'zero', bytes: new Uint8Array(PAGE_SIZE) };

/** Page `index` at dump time: secure (encrypted), else shared, else never written (zero). */
export function pageAt(dump: ActiveDump, index: number): DumpedPage {
  const secure = dump.memory.get(index);
  if (secure !== undefined) return { state: 'enc', bytes: secure };
  const shared = dump.shared.get(index);
  return shared === undefined ? ZERO_PAGE : { state: 'shared', bytes: shared };
}

/** The dump format's CPU of a guest CPU: its registers, PSW and prefix; what the model does not track is zero. */
export function dumpCpuOf(cpu: CpuState): DumpCpu {
  // Stryker disable next-line MethodExpression: a CPU has exactly 16 registers; the copy only keeps the dump independent of the CPU state
  return { ...zeroCpu(), gprs: cpu.registers.slice(0, 16), psw: { mask: cpu.psw.mask, addr: cpu.psw.addr }, prefix: cpu.prefix };
}
