/**
 * The platform: composed state, the Action union, `step`, and party views.
 * @module
 */
export * from './actions.js';
export * from './rejections.js';
export * from './state.js';
export * from './step.js';
export * from './views.js';
