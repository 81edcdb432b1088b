/**
 * What each party sees of the world: `viewOf(world, party)`, with a schema per view so that views
 * have a wire form and JSON Schema like actions. Confidentiality is stated over these
 * projections: nothing secret of a guest may appear in the hypervisor's view. Every view is a
 * fresh copy: a caller that changes it changes nothing in the world.
 * @module
 */
import { t, type Static } from '../core/schema.js';
import type { World } from '../world/world.js';
import { GUEST_PHASES } from '../world/world.js';
import type { CbootSlice } from '../confidential-boot/index.js';
import { DATA_OFFSET } from '../se-format/luks-volume.js';
import { ENTRY, STARTUP_STATUSES, STUCK_REASONS, type Schedule } from '../startup-order/index.js';

const phase = t.enum(GUEST_PHASES, 'lifecycle phase');

/** The parties and their schemas: whose view is observed. */
export const PARTY = {
  hypervisor: t.object({ kind: t.enum(['hypervisor'] as const) }),
  guest: t.object({ kind: t.enum(['guest'] as const), guest: t.id('the guest') }),
  owner: t.object({ kind: t.enum(['owner'] as const), guest: t.id("the owner's guest") }),
  adapter: t.object({ kind: t.enum(['adapter'] as const), adapter: t.id('the adapter') }),
  'host-manager': t.object({ kind: t.enum(['host-manager'] as const) }),
  client: t.object({ kind: t.enum(['client'] as const) }),
} as const;

/** A party of the platform. */
export type Party = { [K in keyof typeof PARTY]: Static<(typeof PARTY)[K]> }[keyof typeof PARTY];

const blob = t.object({ guest: t.id(), bytes: t.bytes() });

/** The view schemas, by party kind. */
export const VIEW = {
  hypervisor: t.object({
    party: t.enum(['hypervisor'] as const),
    machines: t.array(t.object({ id: t.id(), hostKeyHashes: t.array(t.bytes({ size: 32, doc: 'PHKH of a host key' })) })),
    guests: t.array(
      t.object({
        id: t.id(),
        machine: t.id(),
        memoryPages: t.int(),
        phase,
        header: t.nullable(t.bytes(), 'the header it handed over (ciphertext and public fields), once accepted'),
        unpackedPages: t.int({ doc: 'how many pages are secure memory (their contents are not shown)' }),
      }),
    ),
    adapters: t.array(t.object({ id: t.id(), machine: t.id(), boundGuest: t.nullable(t.id()) })),
    nonSecureMemory: t.array(t.object({ guest: t.id(), page: t.int(), bytes: t.bytes() })),
    interceptions: t.array(blob),
    dumps: t.array(blob),
    migrationStreams: t.array(blob),
    relayed: t.array(blob),
    volumes: t.array(t.object({ guest: t.id(), sectors: t.array(t.bytes({ size: 512 })) }), { doc: "each guest's attached data volume as its disk stores it, sector by sector (mechanism 10)" }),
  }),
  guest: t.object({
    party: t.enum(['guest'] as const),
    id: t.id(),
    phase,
    psw: t.object({ mask: t.u64(), addr: t.u64() }, "its CPU's PSW: the image's once started"),
    prefix: t.int({ doc: "its CPU's prefix register" }),
    memory: t.array(t.object({ page: t.int(), bytes: t.bytes({ size: 4096 }) }), { doc: 'secure memory in ascending page order' }),
    startup: t.nullable(
      t.object({
        entries: t.array(ENTRY, { doc: 'the startup list as loaded, in list order' }),
        provided: t.array(t.string(), { doc: 'the resources the boot provided' }),
        started: t.array(t.string(), { doc: 'the processes started, in start order' }),
        status: t.enum(STARTUP_STATUSES),
        fetches: t.int({ doc: 'fetches so far' }),
        passes: t.int({ doc: 'passes over the list begun so far' }),
        stuck: t.array(t.object({ name: t.string(), missing: t.array(t.string()), reason: t.enum(STUCK_REASONS) }), { doc: 'once stuck: the entries that cannot start, in list order' }),
      }),
      "its boot's startup list and scheduler (mechanism 5), once loaded; no other party's view shows it",
    ),
    cboot: t.object({ keyLoaded: t.bool('an image key is in its protected area'), volumeSectors: t.nullable(t.int(), 'the attached volume\'s data sectors'), started: t.nullable(t.array(t.string()), 'once its boot mounted the volume: the processes started') }, 'its confidential boot (mechanism 10); never a key'),
  }),
  owner: t.object({
    party: t.enum(['owner'] as const),
    id: t.id(),
    phase,
    verifyFailure: t.nullable(t.enum(['pld', 'ald', 'tld', 'nep'] as const), 'the check that stopped the image at verify'),
  }),
  adapter: t.object({ party: t.enum(['adapter'] as const), id: t.id(), machine: t.id(), boundGuest: t.nullable(t.id()) }),
  'host-manager': t.object({
    party: t.enum(['host-manager'] as const),
    deployments: t.array(t.object({ id: t.id(), machine: t.id(), immutable: t.bool() })),
  }),
  client: t.object({ party: t.enum(['client'] as const), deployments: t.array(t.object({ id: t.id(), machine: t.id() })) }),
} as const;

/** The view of each party kind. */
export type ViewOf<K extends keyof typeof VIEW> = Static<(typeof VIEW)[K]>;
/** The hypervisor's view. */
export type HypervisorView = ViewOf<'hypervisor'>;
/** A guest's view of itself. */
export type GuestView = ViewOf<'guest'>;
/** An owner's view of its guest. */
export type OwnerView = ViewOf<'owner'>;
/** Any party's view. */
export type View = { [K in keyof typeof VIEW]: ViewOf<K> }[keyof typeof VIEW];

const copy = (b: Uint8Array): Uint8Array => b.slice();

function byKey<V>(m: Iterable<[number, V]>): [number, V][] {
  return [...m].sort(([a], [b]) => a - b);
}

/** The guest's view of its startup list: copies of everything. */
function startupView(s: Schedule | null): GuestView['startup'] {
  if (s === null) return null;
  return {
    entries: s.entries.map((e) => ({ name: e.name, defines: e.defines, requires: [...e.requires] })),
    provided: [...s.provided],
    started: s.started.map((i) => s.entries[i]?.name ?? ''),
    status: s.status,
    fetches: s.fetches,
    passes: s.passes,
    stuck: s.stuck.map((x) => ({ name: x.name, missing: [...x.missing], reason: x.reason })),
  };
}

/** The guest's view of its confidential boot: whether a key is loaded, the volume's size, what started; no key. */
function cbootView(c: CbootSlice): GuestView['cboot'] {
  return { keyLoaded: c.imageKey !== null, volumeSectors: c.disk === null ? null : c.disk.size - DATA_OFFSET, started: c.started === null ? null : [...c.started] };
}

function hypervisorView(w: World): HypervisorView {
  const blobs = (l: Iterable<{ guest: number; bytes: Uint8Array }>) => [...l].map((b) => ({ guest: b.guest, bytes: copy(b.bytes) }));
  return {
    party: 'hypervisor',
    machines: byKey(w.machines).map(([, m]) => ({ id: m.id, hostKeyHashes: m.firmware.hostKeys.map((k) => copy(k.phkh)) })),
    guests: byKey(w.guests).map(([, g]) => ({
      id: g.id,
      machine: g.machine,
      memoryPages: g.memoryPages,
      phase: g.phase,
      header: g.image === null ? null : copy(g.image.headerBytes),
      unpackedPages: g.memory.size,
    })),
    adapters: byKey(w.adapters).map(([, a]) => ({ id: a.id, machine: a.machine, boundGuest: a.boundGuest })),
    nonSecureMemory: byKey(w.hypervisor.nonSecureMemory).flatMap(([guest, pages]) =>
      byKey(pages).map(([page, bytes]) => ({ guest, page, bytes: copy(bytes) })),
    ),
    interceptions: blobs(w.hypervisor.interceptions),
    dumps: blobs(w.hypervisor.dumps),
    migrationStreams: blobs(w.hypervisor.migrationStreams),
    relayed: blobs(w.hypervisor.relayed),
    volumes: byKey(w.guests).flatMap(([, g]) => (g.slices.cboot.disk === null ? [] : [{ guest: g.id, sectors: g.slices.cboot.disk.toArray().map(copy) }])),
  };
}

/**
 * The projection of `world` that `party` can see, as a fresh copy; `null` for a guest, owner or
 * adapter that does not exist.
 */
export function viewOf(world: World, party: Party): View | null {
  switch (party.kind) {
    case 'hypervisor':
      return hypervisorView(world);
    case 'guest': {
      const g = world.guests.get(party.guest);
      if (g === undefined) return null;
      const memory = byKey(g.memory).map(([page, bytes]) => ({ page, bytes: copy(bytes) }));
      return { party: 'guest', id: g.id, phase: g.phase, psw: { mask: g.cpu.psw.mask, addr: g.cpu.psw.addr }, prefix: g.cpu.prefix, memory, startup: startupView(g.slices.startup.schedule), cboot: cbootView(g.slices.cboot) };
    }
    case 'owner': {
      const g = world.guests.get(party.guest);
      if (g === undefined) return null;
      return { party: 'owner', id: g.id, phase: g.phase, verifyFailure: g.slices.unpack.verifyFailure };
    }
    case 'adapter': {
      const a = world.adapters.get(party.adapter);
      return a === undefined ? null : { party: 'adapter', id: a.id, machine: a.machine, boundGuest: a.boundGuest };
    }
    case 'host-manager':
      return {
        party: 'host-manager',
        deployments: byKey(world.hostManager.deployments).map(([, d]) => ({ id: d.id, machine: d.machine, immutable: d.immutable })),
      };
    case 'client':
      return { party: 'client', deployments: byKey(world.hostManager.deployments).map(([, d]) => ({ id: d.id, machine: d.machine })) };
  }
}
