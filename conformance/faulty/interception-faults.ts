/**
 * Deliberately wrong implementations of mechanism 7 (transparent secure interception): each runs
 * the model's own handler and answers as an implementation with one fault would. Each is caught
 * by a secure-interception property (test/secure-interception/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { GuestExecute, ResumeGuest } from '../../model/secure-interception/actions.js';
import { guestExecute } from '../../model/secure-interception/execute.js';
import { decodeText, registerOf } from '../../model/secure-interception/footprint.js';
import { resumeGuest } from '../../model/secure-interception/resume.js';
import { decodeBlock, DATA_OFFSET, REGISTERS_OFFSET, rowById } from '../../model/secure-interception/index.js';
import type { World } from '../../model/world/world.js';
import { withGuest } from './world-edit.js';

type Empty = Record<string, never>;

/**
 * Execute that copies one register too many into the buffers: the guest register after the
 * instruction's highest input register (GR15 when it has none) appears in the save area after the
 * last renumbered one (REQ-INTCP-4).
 */
export const executeCopyingOneRegisterTooMany = (world: World, action: GuestExecute): Step<World, Empty> => {
  const step = guestExecute(world, action);
  const guest = step.state.guests.get(action.guest);
  const open = guest?.slices.interception.open ?? null;
  if (step.outcome.kind !== 'accepted' || guest === undefined || open === null) return step;
  const row = rowById(open.row);
  const decoded = decodeText(action.text);
  if (decoded === undefined) return step;
  const inputs = row.inRegisters.map((slot) => registerOf(slot.from, decoded.fields));
  // The register after the last input register, in the place after the last renumbered one.
  const next = inputs.length === 0 ? 15 : (Math.max(...inputs) + 1) & 15;
  const last = row.inRegisters.at(-1);
  const shown = last === undefined ? 15 : (last.shownAs + 1) & 15;
  const leaked = guest.cpu.registers[next] ?? 0n;
  const interceptions = step.state.hypervisor.interceptions.map((b) => {
    if (b.guest !== action.guest || decodeBlock(b.bytes) === undefined) return b;
    const bytes = b.bytes.slice();
    new DataView(bytes.buffer).setBigUint64(REGISTERS_OFFSET + shown * 8, leaked, false);
    return { guest: b.guest, bytes: bytes.length >= DATA_OFFSET ? bytes : b.bytes };
  });
  return { ...step, state: { ...step.state, hypervisor: { ...step.state.hypervisor, interceptions } } };
};

/**
 * Resume that applies a changed register outside the output footprint instead of refusing it:
 * the hypervisor's value of every changed save-area register lands in the guest register of the
 * same number (REQ-INTCP-8).
 */
export const resumeApplyingOutsideFootprint = (world: World, action: ResumeGuest): Step<World, Empty> => {
  const step = resumeGuest(world, action);
  if (step.outcome.kind !== 'rejected' || step.outcome.code !== 'REGISTER_OUTSIDE_FOOTPRINT' || action.registers.length !== 128) return step;
  const guest = world.guests.get(action.guest);
  const open = guest?.slices.interception.open ?? null;
  if (guest === undefined || open === null) return step;
  const view = new DataView(action.registers.buffer, action.registers.byteOffset, 128);
  const handed = new DataView(open.handed.buffer, open.handed.byteOffset, 128);
  const forced = new Set<number>();
  for (let n = 0; n < 16; n++) if (view.getBigUint64(n * 8, false) !== handed.getBigUint64(n * 8, false)) forced.add(n);
  // Run the honest resume on the registers as handed over, then force the changed ones in.
  const honest = resumeGuest(world, { ...action, registers: open.handed.slice() });
  if (honest.outcome.kind !== 'accepted') return honest;
  return {
    ...honest,
    state: withGuest(honest.state, action.guest, (g) => ({
      ...g,
      cpu: { ...g.cpu, registers: g.cpu.registers.map((r, n) => (forced.has(n) && !open.outRegisters.some((o) => o.register === n) ? view.getBigUint64(n * 8, false) : r)) },
    })),
  };
};

/**
 * Resume that applies a notification's results as if it were an instruction interception: the
 * condition code goes into the guest's PSW and every register the hypervisor changed in the save
 * area into the guest register of that number (REQ-INTCP-5).
 */
export const resumeApplyingNotification = (world: World, action: ResumeGuest): Step<World, Empty> => {
  const step = resumeGuest(world, action);
  const guest = world.guests.get(action.guest);
  const open = guest?.slices.interception.open ?? null;
  if (step.outcome.kind !== 'accepted' || guest === undefined || open === null || rowById(open.row).intercept !== 'notification' || action.registers.length !== 128) return step;
  const view = new DataView(action.registers.buffer, action.registers.byteOffset, 128);
  const handed = new DataView(open.handed.buffer, open.handed.byteOffset, 128);
  return {
    ...step,
    state: withGuest(step.state, action.guest, (g) => {
      const mask = action.cc === null ? g.cpu.psw.mask : (g.cpu.psw.mask & ~(3n << 44n)) | (BigInt(action.cc & 3) << 44n);
      const registers = g.cpu.registers.map((r, n) => (view.getBigUint64(n * 8, false) === handed.getBigUint64(n * 8, false) ? r : view.getBigUint64(n * 8, false)));
      return { ...g, cpu: { ...g.cpu, registers, psw: { ...g.cpu.psw, mask } } };
    }),
  };
};
