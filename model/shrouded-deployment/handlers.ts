/**
 * The handlers of mechanism 8 (spec/shrouded-deployment.md): the host manager answers with the
 * hosting system's authentication information; the client verifies it as IBM's verifier does at
 * the time the action carries and records the verdict; it releases an image or a secret only to a
 * host whose latest verdict is valid, and an image only when built for that host; a shrouded
 * deployment happens only for such a host and image, and puts the machine's preconfigured
 * hypervisor in immutable mode, after which no security setting changes. Total; a rejection
 * leaves the world as it was.
 * @module
 */
import { Map as PMap } from 'immutable';
import type { Step } from '../core/outcome.js';
import { decodeHeader } from '../se-format/header-codec.js';
import { findKeySlot } from '../se-format/header-keys.js';
import { HONEST_HKD, IBM_INTERMEDIATE_CA, IBM_INTERMEDIATE_CA_CRL, IBM_SIGNING_KEY, IBM_SIGNING_KEY_CRL } from '../se-format/hkd-fixture.js';
import { verifyHkd } from '../se-format/hkd-verify.js';
import { keep, refusePlatform, refuseWith } from '../world/guests.js';
import type { Machine, World } from '../world/world.js';
import type { ShroudAuthInfo, ShroudDeploy, ShroudRelease, ShroudSetSetting, ShroudVerifyHost } from './actions.js';
import { SHROUD_REJECTIONS, type ShroudCode } from './rejections.js';
import { hostKey, type HostRecord, type HypervisorRecord, type ShroudSlice } from './slice.js';
import { clientTrust, parseAuthInfo } from './trust.js';

const EMPTY: ShroudSlice = { hosts: PMap(), hypervisors: PMap(), servers: PMap(), nextServer: 1 };
const OPEN_HYPERVISOR: HypervisorRecord = { immutable: false, settings: PMap() };

function fail(world: World, code: ShroudCode): Step<World, never> {
  return refuseWith(SHROUD_REJECTIONS, world, code);
}

function sliceOf(world: World): ShroudSlice {
  return world.slices.shroud ?? EMPTY;
}

function withSlice(world: World, shroud: ShroudSlice): World {
  return { ...world, slices: { ...world.slices, shroud } };
}

function accept<R>(state: World, response: R): Step<World, R> {
  return { state, outcome: { kind: 'accepted', response } };
}

/** The client's record of a host whose latest verdict is valid, or the code that refuses it. */
function authenticHost(world: World, client: number, machine: number): HostRecord | ShroudCode {
  const record = sliceOf(world).hosts.get(hostKey(client, machine));
  // REQ-SHROUD-3: the client verified this host
  if (record === undefined) return 'HOST_NOT_VERIFIED';
  // REQ-SHROUD-3: its latest verdict is valid
  if (record.verdict !== 'valid') return 'HOST_NOT_AUTHENTIC';
  return record;
}

/**
 * The host manager's answer: the hosting system's host-key document and chain with CRLs (the
 * honest host's fixture, IBM's fake chain).
 * @requirement REQ-SHROUD-1
 */
export function shroudAuthInfo(world: World, action: ShroudAuthInfo): Step<World, { hkd: Uint8Array; certificates: Uint8Array[]; crls: Uint8Array[] }> {
  // REQ-PLATFORM-3: the machine exists
  if (!world.machines.has(action.machine)) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  // REQ-SHROUD-1: the document, the signing key and intermediate, their CRLs
  return accept(world, { hkd: HONEST_HKD.slice(), certificates: [IBM_SIGNING_KEY.slice(), IBM_INTERMEDIATE_CA.slice()], crls: [IBM_SIGNING_KEY_CRL.slice(), IBM_INTERMEDIATE_CA_CRL.slice()] });
}

/**
 * The client's verification of a host's authentication information at `at`, recorded as its
 * latest verdict on that host.
 * @requirement REQ-SHROUD-2
 */
export function shroudVerifyHost(world: World, action: ShroudVerifyHost): Step<World, { verdict: 'valid' | 'invalid'; failedCheck: HostRecord['failedCheck'] }> {
  // REQ-PLATFORM-3: the machine exists
  if (!world.machines.has(action.machine)) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  const parsed = parseAuthInfo(action.hkd, action.certificates, action.crls);
  // REQ-SHROUD-2: every file is DER X.509
  if (parsed === null) return fail(world, 'AUTH_INFO_MALFORMED');
  const trust = clientTrust();
  const at = Number(action.at);
  // REQ-SHROUD-2: IBM's checks in IBM's order, at the given time, against the client's root
  const v = verifyHkd(world.suite, { hkd: parsed.hkd, certs: parsed.certs, crls: [...parsed.crls, ...trust.crls], roots: trust.roots }, at);
  const failedCheck = v.verdict === 'valid' ? null : v.failedCheck;
  const s = sliceOf(world);
  const key = hostKey(action.client, action.machine);
  const before = s.hosts.get(key);
  const record: HostRecord = { verdict: v.verdict, failedCheck, hkdSerial: parsed.hkd.serial, image: before?.image ?? null, secrets: before?.secrets ?? 0 };
  return accept(withSlice(world, { ...s, hosts: s.hosts.set(key, record) }), { verdict: v.verdict, failedCheck });
}

/** True when the header names one of the machine's host keys in a key slot. */
function builtFor(world: World, machine: Machine, header: Parameters<typeof findKeySlot>[1]): boolean {
  return findKeySlot(world.suite, header, machine.firmware.hostKeys) !== undefined;
}

/**
 * The client releases an image or a secret to a host it verified as authentic.
 * @requirement REQ-SHROUD-3 REQ-SHROUD-4
 */
export function shroudRelease(world: World, action: ShroudRelease): Step<World, Record<string, never>> {
  const machine = world.machines.get(action.machine);
  // REQ-PLATFORM-3: the machine exists
  if (machine === undefined) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  const record = authenticHost(world, action.client, action.machine);
  // REQ-SHROUD-3: only to a verified, authentic host
  if (typeof record === 'string') return fail(world, record);
  const s = sliceOf(world);
  const key = hostKey(action.client, action.machine);
  if (action.what === 'secret') return accept(withSlice(world, { ...s, hosts: s.hosts.set(key, { ...record, secrets: record.secrets + 1 }) }), {});
  const header = decodeHeader(action.payload);
  // REQ-SHROUD-4: the image is an SE header
  if (!header.ok) return fail(world, 'IMAGE_MALFORMED');
  // REQ-SHROUD-4: built for this host: a key slot names its host key
  if (!builtFor(world, machine, header.value)) return fail(world, 'IMAGE_NOT_FOR_HOST');
  return accept(withSlice(world, { ...s, hosts: s.hosts.set(key, { ...record, image: keep(header.value.tag) }) }), {});
}

/**
 * A shrouded deployment: the preconfigured hypervisor in immutable mode, the client's released
 * image as the server, a new server identifier.
 * @requirement REQ-SHROUD-3 REQ-SHROUD-5
 */
export function shroudDeploy(world: World, action: ShroudDeploy): Step<World, { server: number; image: Uint8Array }> {
  // REQ-PLATFORM-3: the machine exists
  if (!world.machines.has(action.machine)) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  const record = authenticHost(world, action.client, action.machine);
  // REQ-SHROUD-3: never against an unauthenticated host
  if (typeof record === 'string') return fail(world, record);
  // REQ-SHROUD-5: the client released an image to this host
  if (record.image === null) return fail(world, 'IMAGE_NOT_RELEASED');
  const s = sliceOf(world);
  const server = s.nextServer;
  const hypervisor = s.hypervisors.get(action.machine) ?? OPEN_HYPERVISOR;
  const shroud: ShroudSlice = {
    ...s,
    hypervisors: s.hypervisors.set(action.machine, { ...hypervisor, immutable: true }),
    servers: s.servers.set(server, { client: action.client, machine: action.machine, image: record.image }),
    nextServer: server + 1,
  };
  const deployments = world.hostManager.deployments.set(server, { id: server, machine: action.machine, immutable: true });
  return accept(withSlice({ ...world, hostManager: { ...world.hostManager, deployments } }, shroud), { server, image: record.image.slice() });
}

/**
 * A request to change a security setting of a machine's hypervisor.
 * @requirement REQ-SHROUD-6
 */
export function shroudSetSetting(world: World, action: ShroudSetSetting): Step<World, Record<string, never>> {
  // REQ-PLATFORM-3: the machine exists
  if (!world.machines.has(action.machine)) return refusePlatform(world, 'MACHINE_NOT_FOUND');
  const s = sliceOf(world);
  const hypervisor = s.hypervisors.get(action.machine) ?? OPEN_HYPERVISOR;
  // REQ-SHROUD-6: immutable mode: no change, whoever asks
  if (hypervisor.immutable) return fail(world, 'SETTINGS_IMMUTABLE');
  const next = { ...hypervisor, settings: hypervisor.settings.set(action.setting, action.value) };
  return accept(withSlice(world, { ...s, hypervisors: s.hypervisors.set(action.machine, next) }), {});
}
