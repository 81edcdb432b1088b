/**
 * The firmware's handlers of the dump calls (spec/secure-dump.md).
 *
 * `dump-init` checks that the guest may be dumped (running; PCF bit 34; no disable-dump request;
 * no dump in progress), draws the dump's keys and fixes the guest's state. The calls in between
 * seal what the hypervisor asks for from that fixed state: the pages of 1 MiB, a CPU. Each piece
 * goes to the hypervisor (the response, and the hypervisor area's dump blobs, which the
 * hypervisor's view shows); only ciphertext, tags, public values and shared pages leave.
 * `dump-complete` hands over the completion data and ends the dump. Handlers are total.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { Step } from '../core/outcome.js';
import { PCF_DUMP_ALLOWED } from '../se-format/format.js';
import { dumpCompletion, dumpCpuNote, dumpPages } from '../se-format/dump-create.js';
import { GCM_IV_SIZE } from '../se-format/dump-cpu-note.js';
import { refusePlatform, refuseWith } from '../world/guests.js';
import { copiedBlob, pagesBlob } from '../world/blobs.js';
import type { Guest, HypervisorBlob, World } from '../world/world.js';
import { CHUNK_BYTES, CHUNK_PAGES, type DumpComplete, type DumpCpuCall, type DumpInit, type DumpStorageState } from './actions.js';
import { dumpCpuOf, draw, drawKeys, pageAt, snapshot } from './firmware.js';
import { DUMP_REJECTIONS, type DumpCode } from './rejections.js';
import type { ActiveDump, DumpSlice } from './slice.js';

type Empty = Record<string, never>;
const EMPTY: Empty = {};

/** The CPUs of a model guest: one, number 0. */
export const GUEST_CPUS = 1;

function fail(world: World, code: DumpCode): Step<World, never> {
  return refuseWith(DUMP_REJECTIONS, world, code);
}

/** `world` with `guest`'s dump slice replaced and `blobs` handed to the hypervisor. */
function withDump(world: World, guest: Guest, dump: DumpSlice, blobs: readonly HypervisorBlob[]): World {
  const g = world.guests.get(guest.id) ?? guest;
  const dumps = blobs.reduce((l, b) => l.push(b), world.hypervisor.dumps);
  return { ...world, guests: world.guests.set(guest.id, { ...g, slices: { ...g.slices, dump } }), hypervisor: { ...world.hypervisor, dumps } };
}

/** The guest and its dump in progress, or the rejection of the first two guards of a call during a dump. */
function during(world: World, id: number): { guest: Guest; dump: ActiveDump } | Step<World, never> {
  const guest = world.guests.get(id);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  const dump = guest.slices.dump.active;
  // REQ-DUMP-3: a dump of the guest is in progress
  if (dump === null) return fail(world, 'NO_DUMP');
  return { guest, dump };
}

const isDuring = (d: { guest: Guest; dump: ActiveDump } | Step<World, never>): d is { guest: Guest; dump: ActiveDump } => 'dump' in d;

/**
 * Dump Initialize: the guest may be dumped; the firmware draws the keys and fixes the guest's state.
 * @requirement REQ-DUMP-1 REQ-DUMP-2 REQ-DUMP-3 REQ-DUMP-4
 */
export function dumpInit(world: World, action: DumpInit): Step<World, Empty> {
  const guest = world.guests.get(action.guest);
  // REQ-PLATFORM-2: the guest exists
  if (guest === undefined) return refusePlatform(world, 'GUEST_NOT_FOUND');
  // REQ-DUMP-1: only a running secure guest is dumped
  if (guest.phase !== 'running' || guest.image === null) return fail(world, 'NOT_RUNNING');
  // REQ-DUMP-2: the image allows dumping (PCF bit 34)
  if ((guest.image.pcf & PCF_DUMP_ALLOWED) === 0n) return fail(world, 'DUMP_NOT_PERMITTED');
  // REQ-DUMP-2: no accepted add-secret request disabled dumping (mechanism 3's store)
  if (guest.slices.secrets.dumpDisabled) return fail(world, 'DUMP_DISABLED');
  // REQ-DUMP-3: one dump at a time
  if (guest.slices.dump.active !== null) return fail(world, 'DUMP_IN_PROGRESS');
  // REQ-DUMP-4: fresh keys, and the guest's state at dump time
  const [keys, w] = drawKeys(world, guest, action.mode);
  return { state: withDump(w, guest, { ...guest.slices.dump, active: snapshot(world, guest, keys) }, []), outcome: { kind: 'accepted', response: EMPTY } };
}

/**
 * Dump Configuration Storage State: the meta entries and file slots of the 1 MiB at `address`.
 * @requirement REQ-DUMP-3 REQ-DUMP-5 REQ-DUMP-8
 */
export function dumpStorageState(world: World, action: DumpStorageState): Step<World, { readonly meta: Uint8Array; readonly pages: Uint8Array }> {
  const d = during(world, action.guest);
  if (!isDuring(d)) return d;
  const { guest, dump } = d;
  // REQ-DUMP-5: the address is 1 MiB aligned
  if (action.address % BigInt(CHUNK_BYTES) !== 0n) return fail(world, 'ADDRESS_NOT_ALIGNED');
  // REQ-DUMP-5: the address is inside guest memory
  if (action.address >= BigInt(guest.memoryPages) * BigInt(PAGE_SIZE)) return fail(world, 'ADDRESS_OUT_OF_RANGE');
  const first = Number(action.address / BigInt(PAGE_SIZE));
  const chunk = dumpPages(world.suite, dump.keys, first, Math.min(CHUNK_PAGES, guest.memoryPages - first), (i) => pageAt(dump, i));
  return { state: withDump(world, guest, guest.slices.dump, [copiedBlob(guest.id, chunk.meta), pagesBlob(guest.id, chunk.pieces)]), outcome: { kind: 'accepted', response: { meta: chunk.meta, pages: chunk.slots } } };
}

/**
 * Dump CPU State: the sealed note of one CPU at dump time (real mode: a fresh IV for each call).
 * @requirement REQ-DUMP-3 REQ-DUMP-6 REQ-DUMP-8
 */
export function dumpCpu(world: World, action: DumpCpuCall): Step<World, { readonly note: Uint8Array }> {
  const d = during(world, action.guest);
  if (!isDuring(d)) return d;
  const { guest, dump } = d;
  // REQ-DUMP-6: the guest has this CPU
  if (action.cpu < 0 || action.cpu >= GUEST_CPUS) return fail(world, 'CPU_NOT_FOUND');
  const [iv, w] = dump.keys.mode === 'real' ? draw(world, guest.machine, GCM_IV_SIZE) : [new Uint8Array(GCM_IV_SIZE), world];
  const note = dumpCpuNote(world.suite, dump.keys, action.cpu, dumpCpuOf(dump.cpu), iv);
  return { state: withDump(w, guest, guest.slices.dump, [copiedBlob(guest.id, note)]), outcome: { kind: 'accepted', response: { note } } };
}

/**
 * Complete Configuration Dump: the completion data; the dump ends.
 * @requirement REQ-DUMP-3 REQ-DUMP-7 REQ-DUMP-8
 */
export function dumpComplete(world: World, action: DumpComplete): Step<World, { readonly completion: Uint8Array }> {
  const d = during(world, action.guest);
  if (!isDuring(d)) return d;
  const { guest, dump } = d;
  const [iv, w] = dump.keys.mode === 'real' ? draw(world, guest.machine, GCM_IV_SIZE) : [new Uint8Array(GCM_IV_SIZE), world];
  // A running guest has an image; its customer key is a point the firmware agreed a key with at set-header.
  const owner = guest.image?.customerPublicKey ?? { x: new Uint8Array(66), y: new Uint8Array(66) };
  const completion = dumpCompletion(world.suite, dump.keys, { iv, owner, pages: guest.memoryPages, cpus: GUEST_CPUS });
  // Stryker disable next-line all: the customer key of an accepted header is a valid P-521 point
  if (completion === undefined) throw new Error(`the customer key of guest ${guest.id} is not a P-521 point`);
  return { state: withDump(w, guest, { active: null, completed: guest.slices.dump.completed + 1 }, [copiedBlob(guest.id, completion)]), outcome: { kind: 'accepted', response: { completion } } };
}
