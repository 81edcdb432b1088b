/**
 * Mechanism 8: the shrouded virtual server (spec/shrouded-deployment.md).
 * @module
 */
import { defineMechanism } from '../world/mechanism.js';
import { SHROUD_ACTIONS } from './actions.js';
import { SHROUD_GUARDS } from './guards.js';
import { shroudAuthInfo, shroudDeploy, shroudRelease, shroudSetSetting, shroudVerifyHost } from './handlers.js';
import { SHROUD_REJECTIONS } from './rejections.js';

export * from './actions.js';
export { SHROUD_GUARDS } from './guards.js';
export { SHROUD_REJECTIONS, type ShroudCode } from './rejections.js';
export type { HostRecord, HypervisorRecord, ServerRecord, ShroudSlice } from './slice.js';

/** Mechanism 8. */
export const shroudedDeployment = defineMechanism({
  name: 'shrouded-deployment',
  area: 'SHROUD',
  actions: SHROUD_ACTIONS,
  handlers: {
    'shroud-auth-info': shroudAuthInfo,
    'shroud-verify-host': shroudVerifyHost,
    'shroud-release': shroudRelease,
    'shroud-deploy': shroudDeploy,
    'shroud-set-setting': shroudSetSetting,
  },
  rejections: SHROUD_REJECTIONS,
  guards: SHROUD_GUARDS,
});
