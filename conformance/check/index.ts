/**
 * Online differential checking: the differential system (implementation and model side by
 * side), outcome and view comparison, the conformance check over properties and schedules, and
 * replay of a saved divergence.
 * @module
 */
export * from './compare.js';
export * from './conform.js';
export * from './differential.js';
export { Divergence, divergenceLines, type DivergenceFields, type DivergenceKind } from './divergence.js';
export * from './record.js';
export * from './replay.js';
export * from './schedules.js';
export * from './select.js';
