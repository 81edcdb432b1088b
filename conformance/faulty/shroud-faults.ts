/**
 * Deliberately wrong implementations of mechanism 8 (shrouded virtual server): each runs the
 * model's handler and answers as an implementation with one fault would. Each is caught by a
 * shrouded-deployment property (test/shrouded-deployment/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { ShroudDeploy, ShroudSetSetting, ShroudVerifyHost } from '../../model/shrouded-deployment/actions.js';
import { shroudDeploy, shroudSetSetting, shroudVerifyHost } from '../../model/shrouded-deployment/handlers.js';
import { hostKey, type HostRecord } from '../../model/shrouded-deployment/slice.js';
import type { World } from '../../model/world/world.js';
import { rejectedWith } from './world-edit.js';

type Verdict = { verdict: 'valid' | 'invalid'; failedCheck: HostRecord['failedCheck'] };

/**
 * A client that skips the revocation of the document: a host-key document listed in the signing
 * key's CRL is taken as valid, and the client then releases its image to that host (REQ-SHROUD-2).
 */
export const verifyAcceptingRevoked = (world: World, action: ShroudVerifyHost): Step<World, Verdict> => {
  const step = shroudVerifyHost(world, action);
  if (step.outcome.kind !== 'accepted' || step.outcome.response.failedCheck !== 'hkd-revoked') return step;
  const shroud = step.state.slices.shroud;
  const key = hostKey(action.client, action.machine);
  const record = shroud?.hosts.get(key);
  if (shroud === undefined || record === undefined) return step;
  const state = { ...step.state, slices: { ...step.state.slices, shroud: { ...shroud, hosts: shroud.hosts.set(key, { ...record, verdict: 'valid' as const, failedCheck: null }) } } };
  return { state, outcome: { kind: 'accepted', response: { verdict: 'valid', failedCheck: null } } };
};

/**
 * An immutable mode that only holds against the hypervisor and the client: the host manager
 * itself still changes a security setting after the shrouded deployment (REQ-SHROUD-6).
 */
export const settingByHostManagerAfterImmutable = (world: World, action: ShroudSetSetting): Step<World, Record<string, never>> => {
  const step = shroudSetSetting(world, action);
  if (!rejectedWith(step, 'SETTINGS_IMMUTABLE') || action.by !== 'host-manager') return step;
  const shroud = world.slices.shroud;
  const hypervisor = shroud?.hypervisors.get(action.machine);
  if (shroud === undefined || hypervisor === undefined) return step;
  const next = { ...hypervisor, settings: hypervisor.settings.set(action.setting, action.value) };
  return { state: { ...world, slices: { ...world.slices, shroud: { ...shroud, hypervisors: shroud.hypervisors.set(action.machine, next) } } }, outcome: { kind: 'accepted', response: {} } };
};

/**
 * A host manager that deploys on a host the client's latest verification rejected, as long as the
 * client once released an image there (REQ-SHROUD-3).
 */
export const deployOnFailedHost = (world: World, action: ShroudDeploy): Step<World, { server: number; image: Uint8Array }> => {
  const step = shroudDeploy(world, action);
  const shroud = world.slices.shroud;
  const key = hostKey(action.client, action.machine);
  const record = shroud?.hosts.get(key);
  if (!rejectedWith(step, 'HOST_NOT_AUTHENTIC') || shroud === undefined || record === undefined || record.image === null) return step;
  const trusting = { ...world, slices: { ...world.slices, shroud: { ...shroud, hosts: shroud.hosts.set(key, { ...record, verdict: 'valid' as const }) } } };
  const deployed = shroudDeploy(trusting, action);
  const after = deployed.state.slices.shroud;
  if (after === undefined) return deployed;
  // The client's record stays as it was: only the deployment happened.
  return { state: { ...deployed.state, slices: { ...deployed.state.slices, shroud: { ...after, hosts: after.hosts.set(key, record) } } }, outcome: deployed.outcome };
};
