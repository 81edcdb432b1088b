// Two small facts: a new guest's unpack slice holds nothing of an image (no key, decryption not
// turned off, no slot, no tweaks, no digests, no failure), and openKeySlot with a slot index the
// header has no slot at is NO_KEY_SLOT with its message.
import { describe, expect, it } from 'vitest';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { newUnpackSlice } from '../../model/image-unpack/slice.js';
import { initialWorld, step } from '../../model/platform/index.js';
import { decodeHeader } from '../../model/se-format/header-codec.js';
import { openKeySlot, type HostKeyPair } from '../../model/se-format/header-keys.js';
import { CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { expectedOf, hostKeysOf, vectorFile } from './se-vectors.js';

describe('a new guest', () => {
  it('has an unpack slice with no image state, decryption not turned off', () => {
    const fresh = newUnpackSlice();
    expect(fresh.xtsKey).toBeNull();
    expect(fresh.noDecryption).toBe(false);
    expect(fresh.slotIndex).toBeNull();
    expect(fresh.usedTweaks.size).toBe(0);
    expect(fresh.digests).toBeNull();
    expect(fresh.verifyFailure).toBeNull();
    const r = initialWorld(CONFIG, { suite: PROPERTY_SUITE });
    if (!r.ok) throw new Error(r.error.message);
    const s = step(r.value, { kind: 'create-guest', machine: MACHINE, memoryPages: 4 });
    const slice = s.state.guests.get(1)?.slices.unpack;
    expect(slice?.noDecryption).toBe(false);
    expect(slice?.xtsKey).toBeNull();
  });
});

describe('openKeySlot', () => {
  it('a slot index past the header’s slots: NO_KEY_SLOT, without a slot index', () => {
    const V01 = '01-nks1-pcf-default';
    const d = decodeHeader(vectorFile(V01, 'header.bin'));
    if (!d.ok) throw new Error('vector 01 does not decode');
    const host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    expect(openKeySlot(nobleSuite, d.value, host, d.value.keySlots.length)).toEqual({
      ok: false,
      error: { check: 'NO_KEY_SLOT', message: 'no key slot carries this host key hash (PHKH)' },
    });
  });
});
