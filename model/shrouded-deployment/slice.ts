/**
 * What mechanism 8 keeps in the world: each client's latest verdict on each host and what it
 * released there, each machine's hypervisor (its security settings and whether it runs in
 * immutable mode), and the servers deployed. The deployments themselves are the host manager's
 * (`world.hostManager.deployments`, which the host manager's and client's views show).
 * @module
 */
import type { Map as PMap } from 'immutable';
import type { HkdCheck } from '../se-format/hkd-verify.js';
import type { SecuritySetting } from './actions.js';

/** A client's record of one host. */
export interface HostRecord {
  /** The latest verdict. */
  readonly verdict: 'valid' | 'invalid';
  readonly failedCheck: HkdCheck | null;
  /** The verified document's serial (hex), for reports. */
  readonly hkdSerial: string;
  /** The header tag of the SE image the client released to this host (the latest), or null. */
  readonly image: Uint8Array | null;
  /** Secrets released to this host. */
  readonly secrets: number;
}

/** A machine's preconfigured hypervisor. */
export interface HypervisorRecord {
  readonly immutable: boolean;
  readonly settings: PMap<SecuritySetting, bigint>;
}

/** A deployed virtual server. */
export interface ServerRecord {
  readonly client: number;
  readonly machine: number;
  /** The header tag of the image it runs. */
  readonly image: Uint8Array;
}

/** Mechanism 8's world slice. */
export interface ShroudSlice {
  /** By `client:machine`. */
  readonly hosts: PMap<string, HostRecord>;
  /** By machine. */
  readonly hypervisors: PMap<number, HypervisorRecord>;
  /** By server ID. */
  readonly servers: PMap<number, ServerRecord>;
  /** The ID of the next server: one more than the last, from 1. */
  readonly nextServer: number;
}

declare module '../world/world.js' {
  interface WorldSlices {
    /** Mechanism 8's slice; absent until its first accepted action. */
    readonly shroud?: ShroudSlice;
  }
}

/** The key of a client's record of a host. */
export function hostKey(client: number, machine: number): string {
  return `${client}:${machine}`;
}
