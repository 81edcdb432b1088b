/**
 * Every registered property, for the test suite and the campaign alike.
 * @module
 */
import { hsmBindingProperties } from './hsm-binding/index.js';
import { imageUnpackProperties } from './image-unpack/index.js';
import { platformProperties } from './platform/index.js';
import { requestControlsProperties } from './request-controls/index.js';
import { secureIplProperties } from './secure-ipl/index.js';
import { secureDumpProperties } from './secure-dump/index.js';
import { secureInterceptionProperties } from './secure-interception/index.js';
import { startupOrderProperties } from './startup-order/index.js';
import { shroudedDeploymentProperties } from './shrouded-deployment/index.js';
import { migrationProperties } from './migration/index.js';
import { confidentialBootProperties } from './confidential-boot/index.js';
import type { ModelProperty } from './property.js';

/**
 * All properties of all mechanisms. Each is typed over its own input; the registry forgets the
 * input type, which only fast-check itself handles.
 */
export const allProperties: readonly ModelProperty<unknown>[] = [...platformProperties, ...secureIplProperties, ...imageUnpackProperties, ...requestControlsProperties, ...hsmBindingProperties, ...startupOrderProperties, ...secureDumpProperties, ...secureInterceptionProperties, ...shroudedDeploymentProperties, ...migrationProperties, ...confidentialBootProperties];
