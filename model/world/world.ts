/**
 * The world: one immutable value that holds every machine, guest, adapter, the host manager and
 * everything the hypervisor holds outside the trust boundary, so that any run replays from its
 * configuration and its actions.
 *
 * The guest core (ID, machine, memory, lifecycle phase, CPU state, the authenticated image) is
 * shared by every mechanism. What one mechanism alone keeps lives in a named slice: each
 * mechanism adds its slice to {@link GuestSlices}, {@link FirmwareSlices} or {@link WorldSlices}
 * by declaration merging from its own folder, and only its handlers change it.
 * @module
 */
import type { List, Map as PMap } from 'immutable';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import type { Rng } from '../crypto/random.js';
import type { HostKey } from '../se-format/host-key.js';
import type { PageMap } from './page-map.js';
import type { WorldConfig } from './config.js';

/** Slices of a guest, one per mechanism that keeps per-guest state (declaration-merged). */
export interface GuestSlices {}
/** Slices of a machine's firmware, one per mechanism with long-lived firmware state. */
export interface FirmwareSlices {}
/** Slices of the world, for mechanisms whose state spans machines (deployments, streams). */
export interface WorldSlices {}

/**
 * Where a guest is in its life:
 * - `created`: a secure configuration exists, no header yet;
 * - `unpacking`: a header was accepted, pages may be unpacked;
 * - `verified`: the integrity check passed, the guest may start;
 * - `verify-failed`: the integrity check failed; recorded for good, the guest can never start;
 * - `running`: started;
 * - `migrated`: its memory moved to another machine (mechanism 9); it never runs again.
 */
export type GuestPhase = 'created' | 'unpacking' | 'verified' | 'verify-failed' | 'running' | 'migrated';

/** Every phase, in lifecycle order. */
export const GUEST_PHASES = ['created', 'unpacking', 'verified', 'verify-failed', 'running', 'migrated'] as const satisfies readonly GuestPhase[];

/** A PSW: mask and address, each a u64. */
export interface PswValue {
  readonly mask: bigint;
  readonly addr: bigint;
}

/** A guest CPU's state: what secure interception and dumps (mechanisms 6, 7) read and change. */
export interface CpuState {
  /** General registers 0-15. */
  readonly registers: readonly bigint[];
  readonly psw: PswValue;
  /** The prefix register (page address of the lowcore). */
  readonly prefix: number;
}

/**
 * What the firmware learned from a header it accepted: the public fields and the secrets that
 * mechanisms other than unpack read (controls for 3, the CCK for 6, what was booted for 1, 8, 10).
 * Inside the trust boundary; views show only the header bytes the hypervisor itself handed over.
 */
export interface AuthenticatedImage {
  /** The header exactly as the hypervisor handed it over (public: it is ciphertext). */
  readonly headerBytes: Uint8Array;
  /** Plaintext control flags. */
  readonly pcf: bigint;
  /** Secret control flags (from the encrypted area). */
  readonly scf: bigint;
  /** The guest's initial PSW (from the encrypted area). */
  readonly psw: PswValue;
  /** The customer communication key (from the encrypted area). */
  readonly cck: Uint8Array;
  readonly pld: Uint8Array;
  readonly ald: Uint8Array;
  readonly tld: Uint8Array;
  readonly nep: bigint;
  /** The header's GCM tag: names the image. */
  readonly headerTag: Uint8Array;
  readonly customerPublicKey: EcPoint;
}

/** A secure guest: the core every mechanism shares, and the mechanisms' slices. */
export interface Guest {
  readonly id: number;
  /** The machine whose firmware holds it. */
  readonly machine: number;
  /** Size of guest memory in 4 KiB pages, fixed at creation. */
  readonly memoryPages: number;
  /** Secure memory: page number → plaintext. A persistent page table: a step copies one path of it. */
  readonly memory: PageMap<Uint8Array>;
  readonly phase: GuestPhase;
  readonly cpu: CpuState;
  /** Set once a header is accepted. */
  readonly image: AuthenticatedImage | null;
  readonly slices: GuestSlices;
}

/** A firmware host key: its private scalar is always known. */
export type FirmwareHostKey = HostKey & { readonly privateKey: Uint8Array };

/** The trusted firmware of one machine and its long-lived state. */
export interface Firmware {
  /** The host key pairs this machine holds, in the order it tries them. */
  readonly hostKeys: readonly FirmwareHostKey[];
  /** The firmware's deterministic generator: the only source of fresh values. */
  readonly rng: Rng;
  readonly slices: FirmwareSlices;
}

/** A machine: its ID and firmware. Its guests are the world's guests whose `machine` is this ID. */
export interface Machine {
  readonly id: number;
  readonly firmware: Firmware;
}

/** The kind of card behind an AP queue (pvapconfig's mode): an EP11 or CCA coprocessor, or an accelerator. */
export type ApType = 'ep11' | 'accelerator' | 'cca';

/** Every AP queue type. */
export const AP_TYPES = ['ep11', 'accelerator', 'cca'] as const satisfies readonly ApType[];

/**
 * A failed association that the queue keeps reporting until it is reset (vfio_ap: after AAPQ
 * answered 0x35 or 0x36 every AP instruction does): the secret was not unique, or the HSM
 * refused the login.
 */
export type AssociationFailure = 'not-unique' | 'login-refused';

/** The HSM behind an AP queue: its own state, inside the trust boundary (mechanism 4). */
export interface Hsm {
  /** Its master key (the EP11 wrapping key), 32 bytes from the configuration; empty: none loaded. */
  readonly masterKey: Uint8Array;
  /** Logins it has accepted so far; never reset, so that every session code is new. */
  readonly logins: number;
  /** The session code of the current login, which the firmware keeps; null when there is none. */
  readonly session: Uint8Array | null;
}

/**
 * A crypto adapter: one AP queue (APQN) of a card attached to a machine, with the HSM behind it.
 * Bound to at most one secure guest (mechanism 4, spec/hsm-binding.md).
 */
export interface Adapter {
  readonly id: number;
  readonly machine: number;
  readonly type: ApType;
  /** The guest the queue is bound to (BAPQ); null: available for binding. */
  readonly boundGuest: number | null;
  /** The bound guest's association (AAPQ): the index of its association secret, or null. */
  readonly associationIndex: number | null;
  /** A failed association the queue reports until a reset, or null. */
  readonly associationFailure: AssociationFailure | null;
  /** Replies waiting to be dequeued (DQAP), oldest first: all for the queue's current user. */
  readonly replies: readonly Uint8Array[];
  readonly hsm: Hsm;
}

/** A deployment the host manager made for a client (mechanism 8). */
export interface Deployment {
  readonly id: number;
  readonly machine: number;
  readonly immutable: boolean;
}

/** The host manager and what it has deployed. */
export interface HostManager {
  readonly deployments: PMap<number, Deployment>;
}

/** A blob of bytes the hypervisor holds, tagged with the guest it came from. */
export interface HypervisorBlob {
  readonly guest: number;
  readonly bytes: Uint8Array;
}

/**
 * Everything outside the trust boundary: what the hypervisor holds and may read or rewrite.
 * Empty until the mechanisms that fill it exist; their types are fixed here so views cover them.
 */
export interface HypervisorArea {
  /** Non-secure memory by guest: page number → bytes. */
  readonly nonSecureMemory: PMap<number, PMap<number, Uint8Array>>;
  /** Interception buffers the firmware filled for the hypervisor (mechanism 7). */
  readonly interceptions: List<HypervisorBlob>;
  /** Encrypted dump blobs (mechanism 6). */
  readonly dumps: List<HypervisorBlob>;
  /** Migration streams (mechanism 9). */
  readonly migrationStreams: List<HypervisorBlob>;
  /** Responses the hypervisor relays between parties. */
  readonly relayed: List<HypervisorBlob>;
}

/** The whole world. Immutable: every step returns a new value. */
export interface World {
  /** The configuration it started from. */
  readonly config: WorldConfig;
  /** The crypto suite named by the configuration (pure functions; not part of the data). */
  readonly suite: CryptoSuite;
  readonly machines: PMap<number, Machine>;
  /** Every guest by ID. IDs are unique across machines and never reused. */
  readonly guests: PMap<number, Guest>;
  /** The ID the next created guest gets: one more than the last, starting at 1. */
  readonly nextGuestId: number;
  readonly adapters: PMap<number, Adapter>;
  readonly hostManager: HostManager;
  readonly hypervisor: HypervisorArea;
  readonly slices: WorldSlices;
}
