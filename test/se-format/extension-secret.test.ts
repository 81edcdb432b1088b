// The extension secret of an add-secret request: zeros, a given value or the CCK-derived one, and
// a clear BuildError (field and message) for each wrong size.
import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { deriveExtensionSecret, extensionSecretValue } from '../../model/se-format/extension-secret.js';

const tag = new Uint8Array(16).fill(7);
const cck = new Uint8Array(32).fill(3);

describe('extensionSecretValue', () => {
  it('gives zeros, a copy of a given value, or the derived value', () => {
    expect(extensionSecretValue(nodeSuite, { mode: 'none' }, tag)).toEqual({ ok: true, value: new Uint8Array(32) });
    const given = new Uint8Array(32).fill(9);
    const copied = extensionSecretValue(nodeSuite, { mode: 'given', value: given }, tag);
    if (!copied.ok) throw new Error('refused');
    expect(copied.value).toEqual(given);
    expect(copied.value).not.toBe(given);
    expect(extensionSecretValue(nodeSuite, { mode: 'derived', cck }, tag)).toEqual({ ok: true, value: deriveExtensionSecret(nodeSuite, cck, tag) });
  });

  it('names the field and the sizes of a value, a CCK or a header tag of the wrong size', () => {
    expect(extensionSecretValue(nodeSuite, { mode: 'given', value: new Uint8Array(31) }, tag)).toEqual({
      ok: false,
      error: { field: 'extensionSecret.value', message: 'must be 32 bytes, got 31' },
    });
    expect(extensionSecretValue(nodeSuite, { mode: 'derived', cck: new Uint8Array(33) }, tag)).toEqual({
      ok: false,
      error: { field: 'extensionSecret.cck', message: 'a CCK is 32 bytes, got 33' },
    });
    expect(extensionSecretValue(nodeSuite, { mode: 'derived', cck }, new Uint8Array(15))).toEqual({
      ok: false,
      error: { field: 'bootTags.headerTag', message: 'must be 16 bytes, got 15' },
    });
  });
});
