/**
 * The properties' entry point: properties as data and how to run them, the registry of every
 * mechanism's properties, the system-under-test protocol they speak, and the schema-derived
 * arbitraries.
 * @module
 */
export * from './property.js';
export * from './registry.js';
export * from './sut-calls.js';
export * from './arbitraries.js';
