/**
 * The adapter protocol `semodel-adapter/1` (docs/adapter-protocol.md): its contract, the client
 * that drives an implementation behind an adapter process as a system under test, the server
 * that makes any synchronous system (the model) an adapter, and the JSON Schema of its messages.
 * @module
 */
export * from './protocol.js';
export * from './failures.js';
export * from './command.js';
export { actionForWire, openAdapter, type AdapterOptions, type AdapterSystem } from './client.js';
export * from './server.js';
export * from './messages.js';
