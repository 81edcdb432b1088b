/**
 * The conformance kit's entry point: trace files (record, encode, decode, replay, ITF export and
 * import, campaign failure files). The adapter protocol and the checker join it later.
 * @module
 */
export * from './trace/index.js';
