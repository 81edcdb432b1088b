// `semodel image verify` and `inspect` against every real SE image vector (genprotimg v2.35.0):
// valid vectors verify, negatives fail at their primary check, and inspect prints the fields of
// expected.json with the same names and spellings.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadHostKey } from '../../cli/host-keys.js';
import { IMAGE_SUITE } from '../../cli/image-common.js';
import { processIo } from '../../cli/io.js';
import { bytesToHex } from '../../model/core/bytes.js';
import { expectedOf, hostKeyArgs, hostKeyFiles, isOneCleanLine, run, runJson, vec, vectorNames } from './cli-harness.js';

const names = vectorNames();

/** The expected.json that holds a vector's header and components (a negative's source). */
function sourceOf(name: string): { name: string; expected: Record<string, any> } {
  const e = expectedOf(name);
  if (e['header'] !== undefined) return { name, expected: e };
  const from = String(e['derivedFrom'] ?? '').split('/').pop() ?? '';
  const source = expectedOf(from);
  // The header is the source's only when its bytes are (the tests check that, not assume it).
  expect(e['headerSha256'], `${name}: header differs from ${from}`).toBe(source['headerSha256']);
  return { name: from, expected: source };
}

/** The keys of vectors/keys/, with their PHKH. */
const sharedKeys = readdirSync(vec('keys'))
  .filter((f) => f.endsWith('.pem'))
  .map((f) => {
    const k = loadHostKey(processIo, IMAGE_SUITE, vec('keys', f));
    return { file: vec('keys', f), phkh: bytesToHex(k.phkh) };
  });

describe('image vectors', () => {
  it('finds the vectors: at least one valid and one negative', () => {
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names.some((n) => expectedOf(n)['negative'] === true)).toBe(true);
    expect(names.some((n) => expectedOf(n)['negative'] === false)).toBe(true);
  });

  it('some vector lacks a slot for one of the shared keys (the wrong-key test has work to do)', () => {
    const foreignFor = (n: string) => {
      const slots = (sourceOf(n).expected['header']['keySlots'] as { phkh: string }[]).map((s) => s.phkh);
      return sharedKeys.filter((k) => !slots.includes(k.phkh)).length;
    };
    expect(names.filter((n) => foreignFor(n) > 0).length).toBeGreaterThan(0);
  });

  describe.each(names)('%s', (name) => {
    const expected = expectedOf(name);
    const keys = hostKeyFiles(name);
    const image = vec(name, 'image.bin');
    const negative = expected['negative'] === true;

    it('has host keys', () => {
      expect(keys.length).toBeGreaterThan(0);
    });

    it(`verify ${negative ? 'fails at the primary check' : 'is valid'} (JSON)`, async () => {
      const { code, json } = await runJson<Record<string, any>>('image', 'verify', image, ...hostKeyArgs(keys), '--json');
      expect(json['pages']).toBe(sourceOf(name).expected['header']['nep']);
      if (negative) {
        expect(code).toBe(1);
        expect(json['valid']).toBe(false);
        expect(json['failedCheck']).toBe(expected['primaryFailure']);
        expect(json['requirement']).toBe('REQ-UNPACK-12');
        expect(json['started']).toBe(false);
        // The informational checks agree with the vector's expectedChecks where both name one.
        const checks = json['checks'] as Record<string, string>;
        for (const [check, result] of Object.entries(expected['expectedChecks'] as Record<string, string>)) {
          if (check in checks) expect(checks[check], check).toBe(result);
        }
        for (const check of expected['mustFail'] as string[]) expect(checks[check], check).toBe('FAIL');
      } else {
        expect(code).toBe(0);
        expect(json).toMatchObject({ valid: true, failedCheck: null, code: null, requirement: null, started: true });
        expect(json['unpacked']).toBe(json['pages']);
        expect(Object.values(json['checks'] as Record<string, string>).every((c) => c === 'PASS')).toBe(true);
      }
    });

    it('verify prints valid / invalid: CHECK', async () => {
      const r = await run('image', 'verify', image, ...hostKeyArgs(keys));
      if (negative) {
        expect(r.code).toBe(1);
        expect(r.out).toMatch(new RegExp(`^invalid: ${String(expected['primaryFailure'])} \\(`));
      } else {
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/^valid\b/);
      }
      expect(r.err).toBe('');
    });

    it('verify with each single host key of the image', async () => {
      for (const key of keys) {
        const r = await run('image', 'verify', image, '--host-key', key);
        expect(r.code, key).toBe(negative ? 1 : 0);
      }
    });

    it('verify with a certificate only is unusable input (exit 2)', async () => {
      const r = await run('image', 'verify', image, '--host-key', vec(name, 'host-key-0.crt'));
      expect(r.code).toBe(2);
      expect(isOneCleanLine(r)).toBe(true);
      expect(r.err).toContain('host-key-0.crt');
      expect(r.err).toContain('private key');
      expect(r.out).toBe('');
    });

    it('verify with a host key the image has no slot for fails at key-slot', async () => {
      const slots = (sourceOf(name).expected['header']['keySlots'] as { phkh: string }[]).map((s) => s.phkh);
      const foreign = sharedKeys.filter((k) => !slots.includes(k.phkh));
      for (const k of foreign) {
        const { code, json } = await runJson<Record<string, any>>('image', 'verify', image, '--host-key', k.file, '--json');
        expect(code).toBe(1);
        expect(json).toMatchObject({ valid: false, failedCheck: 'key-slot', code: 'NO_KEY_SLOT', requirement: 'REQ-UNPACK-4', step: 'set-header', unpacked: 0 });
      }
    });

    it('inspect --json with the host keys gives the fields of expected.json', async () => {
      const source = sourceOf(name).expected;
      const { code, json } = await runJson<Record<string, any>>('image', 'inspect', image, ...hostKeyArgs(keys), '--json', '--show-secrets');
      expect(code).toBe(0);
      const h = json['header'];
      const e = source['header'];
      for (const f of ['magic', 'version', 'pcf', 'scf', 'nep', 'phs', 'nks', 'sea', 'iv', 'pld', 'ald', 'tld', 'customerPublicKey', 'customerPublicKeyX', 'customerPublicKeyY', 'noi', 'aadLength', 'encryptedAreaCiphertext', 'gcmTag', 'headerKey', 'xtsKey', 'cck', 'encryptedAreaPlaintext']) {
        expect(h[f], `header.${f}`).toEqual(e[f]);
      }
      expect(h['psw']).toEqual({ mask: e['psw']['mask'], addr: e['psw']['addr'] });
      expect(h['keySlots'].map((s: { phkh: string }) => s.phkh)).toEqual(e['keySlots'].map((s: { phkh: string }) => s.phkh));
      expect(h['keySlots'].map((s: { wrappedKey: string; tag: string }) => [s.wrappedKey, s.tag])).toEqual(
        e['keySlots'].map((s: { wrappedKey: string; tag: string }) => [s.wrappedKey, s.tag]),
      );
      expect(json['imageSize']).toBe(negative ? expectedOf(sourceOf(name).name)['imageSize'] : expected['imageSize']);
      expect(json['components'].map((c: { tweaks: string[] }) => c.tweaks)).toEqual(source['components'].map((c: { tweaks: string[] }) => c.tweaks));
      expect(json['components'].map((c: { kind: string; guestAddress: string; tweakPrefix: string; length: number }) => [c.kind, c.guestAddress, c.tweakPrefix, c.length])).toEqual(
        source['components'].map((c: { kind: string; guestAddress: string; tweakPrefix: string; length: number }) => [c.kind, c.guestAddress, c.tweakPrefix, c.length]),
      );
      expect(json['layout']).toMatchObject(negative ? expected['layout'] : source['layout']);
      if (!negative) {
        expect(json['ipib']).toEqual(source['ipib']);
        expect(json['stage3bArgs']).toEqual(source['stage3bArgs']);
        expect(json['components'].map((c: { storedSha256: string }) => c.storedSha256)).toEqual(source['components'].map((c: { storedSha256: string }) => c.storedSha256));
      }
      expect(json['hostKeys'].length).toBe(keys.length);
      expect(json['hostKeys'].filter((k: { opened: boolean }) => k.opened).length).toBe(1);
    });

    it('inspect --json without a host key has the public fields only', async () => {
      const { code, json } = await runJson<Record<string, any>>('image', 'inspect', image, '--json');
      expect(code).toBe(0);
      const h = json['header'];
      expect(h['pld']).toBe(sourceOf(name).expected['header']['pld']);
      for (const secret of ['scf', 'psw', 'cck', 'xtsKey', 'headerKey', 'openedKeySlot']) expect(h, secret).not.toHaveProperty(secret);
      expect(json).not.toHaveProperty('hostKeys');
      expect(json).not.toHaveProperty('stage3bArgs');
    });

    it('inspect with the host keys but without --show-secrets prints no key', async () => {
      const source = sourceOf(name).expected;
      const r = await run('image', 'inspect', image, ...hostKeyArgs(keys));
      expect(r.code).toBe(0);
      for (const f of ['headerKey', 'xtsKey', 'cck']) expect(r.out).not.toContain(source['header'][f]);
      expect(r.out).toMatch(new RegExp(`^pcf:\\s+${source['header']['pcf']}`, 'm'));
      expect(r.out).toMatch(new RegExp(`^psw\\.addr:\\s+${source['header']['psw']['addr']}`, 'm'));
      expect(r.out).toMatch(/^secrets:\s+hidden/m);
      const j = await runJson<Record<string, any>>('image', 'inspect', image, ...hostKeyArgs(keys), '--json');
      for (const f of ['headerKey', 'xtsKey', 'cck']) expect(j.json['header'], f).not.toHaveProperty(f);
      expect(JSON.stringify(j.json)).not.toContain(source['header']['xtsKey']);
    });

    it('inspect of header.bin alone', async () => {
      const source = sourceOf(name).expected;
      const { code, json } = await runJson<Record<string, any>>('image', 'inspect', vec(name, 'header.bin'), ...hostKeyArgs(keys), '--json');
      expect(code).toBe(0);
      expect(json['components']).toEqual([]);
      expect(json).not.toHaveProperty('layout');
      for (const f of ['pcf', 'scf', 'nep', 'phs', 'nks', 'iv', 'pld', 'ald', 'tld', 'customerPublicKey']) expect(json['header'][f], f).toEqual(source['header'][f]);
      expect(json['header']['psw']).toEqual(source['header']['psw']);
      const human = await run('image', 'inspect', vec(name, 'header.bin'));
      expect(human.code).toBe(0);
      expect(human.out).toMatch(/^type:\s+SE header alone/m);
    });

    it('inspect with a certificate names the matching slot and asks for a private key', async () => {
      const { code, json } = await runJson<Record<string, any>>('image', 'inspect', image, '--host-key', vec(name, 'host-key-0.crt'), '--json');
      expect(code).toBe(0);
      expect(json['hostKeys'][0]).toMatchObject({ kind: 'certificate', keySlot: 0, opened: false });
      expect(json['hostKeys'][0]['note']).toContain('private key is needed');
      expect(json['header']).not.toHaveProperty('psw');
    });
  });
});

