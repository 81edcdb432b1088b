/**
 * Trace files (docs/trace-format.md): the format, the recorder, the strict decoder, replay on
 * the model, ITF export and import, the JSON Schema, and campaign failure files.
 * @module
 */
export * from './codec.js';
export * from './failure.js';
export * from './format.js';
export * from './itf.js';
export * from './observe.js';
export * from './recorder.js';
export * from './replay.js';
export * from './schema.js';
export * from './value.js';
export * from './version.js';
