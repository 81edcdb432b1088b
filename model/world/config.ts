/**
 * The configuration a world starts from, as plain data with a schema, so that the same value
 * starts the model and any other implementation (the adapter protocol sends its wire form).
 * @module
 */
import { t, type Static } from '../core/schema.js';
import { AP_TYPES } from './world.js';

/** One machine: its ID, the firmware's P-521 host private keys and the seed of its generator. */
export const MACHINE_CONFIG = t.object({
  id: t.id('the machine ID actions name'),
  hostKeys: t.array(t.bytes({ size: 66, doc: 'a P-521 private scalar, big-endian' }), { max: 16 }),
  seed: t.bytes({ max: 64, doc: "seed of the firmware's deterministic generator" }),
});

/** One crypto adapter (an AP queue and the HSM behind it) attached to a machine. */
export const ADAPTER_CONFIG = t.object({
  id: t.id('the adapter ID actions name'),
  machine: t.id('the machine it is attached to'),
  type: t.enum(AP_TYPES, 'the card behind the queue: EP11 or CCA coprocessor, or accelerator'),
  masterKey: t.bytes({ max: 32, doc: "the HSM's master key (EP11 wrapping key): 32 bytes, or empty when none is loaded" }),
});

/** The whole configuration: machines, adapters and the crypto suite by name. */
export const WORLD_CONFIG = t.object({
  suite: t.enum(['noble', 'node'] as const, 'the crypto suite the firmware computes with'),
  machines: t.array(MACHINE_CONFIG, { max: 16 }),
  adapters: t.array(ADAPTER_CONFIG, { max: 64 }),
});

/** A machine's configuration. */
export type MachineConfig = Static<typeof MACHINE_CONFIG>;
/** An adapter's configuration. */
export type AdapterConfig = Static<typeof ADAPTER_CONFIG>;
/** The configuration of a world. */
export type WorldConfig = Static<typeof WORLD_CONFIG>;
