/**
 * Offline conformance: vectors (deterministic cases in the consensus-spec-tests layout, written
 * by `semodel vectors export`, run by `semodel vectors run`) and the check of someone else's
 * trace (`semodel trace check`).
 * @module
 */
export * from './cases.js';
export * from './export.js';
export * from './images.js';
export * from './layout.js';
export * from './read.js';
export * from './run.js';
export * from './schema.js';
export * from './trace-check.js';
