// modelSystem's options and names (model/platform/sut.ts): the default name, a given name kept
// by asAsync, the suite it is given used by the world, and the reset error text.
import { describe, expect, it } from 'vitest';
import { asAsync, modelSystem } from '../../model/platform/index.js';
import { CONFIG } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

describe('modelSystem', () => {
  it('is named semodel unless given a name; asAsync keeps the name', () => {
    expect(modelSystem().name).toBe('semodel');
    expect(asAsync(modelSystem()).name).toBe('semodel');
    expect(modelSystem({ name: 'faulty' }).name).toBe('faulty');
    expect(asAsync(modelSystem({ name: 'faulty' })).name).toBe('faulty');
  });

  it('computes with the suite it is given, else the configured one', () => {
    const m = modelSystem({ suite: PROPERTY_SUITE });
    m.reset(CONFIG);
    expect(m.world.suite).toBe(PROPERTY_SUITE);
    const d = modelSystem();
    d.reset(CONFIG);
    expect(d.world.suite).not.toBe(PROPERTY_SUITE);
    expect(d.world.suite.name).toBe('noble');
  });

  it('says where and why a configuration is refused', () => {
    const m = modelSystem();
    expect(() => m.reset({ ...CONFIG, adapters: [{ id: 1, machine: 9, type: 'ep11', masterKey: new Uint8Array(0) }] })).toThrow(new Error('invalid configuration at $.adapters[0].machine: no machine 9'));
  });

  it('asks for a reset before anything else', () => {
    const m = modelSystem();
    expect(() => m.world).toThrow(new Error('the model was not reset: call reset(config) first'));
    expect(() => m.observe({ kind: 'hypervisor' })).toThrow(new Error('the model was not reset: call reset(config) first'));
  });
});
