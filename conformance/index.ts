/**
 * The conformance kit's entry point: trace files (record, encode, decode, replay, ITF export and
 * import, campaign failure files). The adapter protocol and the checker join it later.
 * @module
 */
export * from './trace/index.js';
export * from './adapter/index.js';
export * from './vectors/index.js';
export * from './check/index.js';
export * from './faulty/index.js';
// Both the checker and trace replay name their finding Divergence: the checker's error class is
// the entry point's; trace replay's record stays available as TraceDivergence.
export { Divergence } from './check/index.js';
export type { Divergence as TraceDivergence } from './trace/index.js';
