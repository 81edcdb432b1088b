// The one PEM reader of host keys (model/se-format/host-key-pem.ts): every kind of block it
// accepts gives the same public key and PHKH, and every kind it refuses gives its own message.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { hostKeyFromPem } from '../../model/se-format/host-key-pem.js';
import { hostKeyFromPrivate } from '../../model/se-format/host-key.js';
import { SE_VECTORS } from './se-vectors.js';

const EXPECTED = 'a P-521 private key, public key or certificate in PEM form';

function p521(): { privateKey: KeyObject; publicKey: KeyObject; d: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const jwk = privateKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.d as string, 'base64url');
  const d = new Uint8Array(66);
  d.set(raw, 66 - raw.length);
  return { privateKey, publicKey, d };
}

const pem = (k: KeyObject, type: 'pkcs8' | 'sec1' | 'spki'): string => k.export({ type, format: 'pem' } as never) as string;

describe('hostKeyFromPem reads a P-521 host key', () => {
  const key = p521();
  const expected = hostKeyFromPrivate(nodeSuite, key.d)!;

  it('from a PKCS#8 private key: kind, public key, PHKH and scalar', () => {
    expect(hostKeyFromPem(nodeSuite, pem(key.privateKey, 'pkcs8'))).toEqual({
      ok: true,
      value: { kind: 'private key', publicKey: expected.publicKey, phkh: expected.phkh, privateKey: key.d },
    });
  });

  it('from a SEC1 private key', () => {
    expect(hostKeyFromPem(nodeSuite, pem(key.privateKey, 'sec1'))).toEqual({
      ok: true,
      value: { kind: 'private key', publicKey: expected.publicKey, phkh: expected.phkh, privateKey: key.d },
    });
  });

  it('from a SEC1 private key preceded by an EC PARAMETERS block', () => {
    const text = `-----BEGIN EC PARAMETERS-----\nBgUrgQQAIw==\n-----END EC PARAMETERS-----\n${pem(key.privateKey, 'sec1')}`;
    const r = hostKeyFromPem(nodeSuite, text);
    expect(r.ok && r.value.kind).toBe('private key');
  });

  it('from an SPKI public key: no private scalar', () => {
    const r = hostKeyFromPem(nodeSuite, pem(key.publicKey, 'spki'));
    expect(r).toEqual({ ok: true, value: { kind: 'public key', publicKey: expected.publicKey, phkh: expected.phkh } });
    expect(r.ok && 'privateKey' in r.value).toBe(false);
  });

  it('from an X.509 certificate (a vector host key certificate) and its private key alike', () => {
    const dir = path.join(SE_VECTORS, '01-nks1-pcf-default');
    const cert = hostKeyFromPem(nodeSuite, readFileSync(path.join(dir, 'host-key-0.crt'), 'latin1'));
    const priv = hostKeyFromPem(nodeSuite, readFileSync(path.join(dir, 'host-key-0.pem'), 'latin1'));
    expect(cert.ok && priv.ok).toBe(true);
    if (!cert.ok || !priv.ok) return;
    expect(cert.value.kind).toBe('certificate');
    expect(priv.value.kind).toBe('private key');
    expect('privateKey' in cert.value).toBe(false);
    expect(cert.value.publicKey).toEqual(priv.value.publicKey);
    expect(cert.value.phkh).toEqual(priv.value.phkh);
  });
});

describe('hostKeyFromPem refuses, saying why', () => {
  it('text that is not PEM', () => {
    expect(hostKeyFromPem(nodeSuite, 'hello')).toEqual({ ok: false, error: `not a PEM file; expected ${EXPECTED}` });
  });

  it('a PEM block of another label, naming it', () => {
    expect(hostKeyFromPem(nodeSuite, '-----BEGIN FOO BAR-----\nAAAA\n-----END FOO BAR-----\n')).toEqual({
      ok: false,
      error: `a PEM "FOO BAR" block; expected ${EXPECTED}`,
    });
  });

  it('a PEM begin line without a label it can read', () => {
    expect(hostKeyFromPem(nodeSuite, '-----BEGIN -----\n')).toEqual({ ok: false, error: `a PEM "?" block; expected ${EXPECTED}` });
  });

  it('an encrypted PKCS#8 private key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const text = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string;
    expect(hostKeyFromPem(nodeSuite, text)).toEqual({ ok: false, error: 'the private key is encrypted; give it unencrypted (PKCS#8 or SEC1 PEM)' });
  });

  it('a block it cannot parse, with the first line of the reason', () => {
    const r = hostKeyFromPem(nodeSuite, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^cannot parse its "PUBLIC KEY" PEM block \([^\n)]{2,}.*\)$/);
    const c = hostKeyFromPem(nodeSuite, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(c.ok ? '' : c.error).toMatch(/^cannot parse its "CERTIFICATE" PEM block \(.{2,}\)$/);
    const p = hostKeyFromPem(nodeSuite, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(p.ok ? '' : p.error).toMatch(/^cannot parse its "PRIVATE KEY" PEM block \(.{2,}\)$/);
  });

  it('an RSA key, private or public', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(hostKeyFromPem(nodeSuite, pem(privateKey, 'pkcs8'))).toEqual({
      ok: false,
      error: 'the private key is not an EC key (RSA); a host key must be a P-521 (secp521r1) EC key',
    });
    expect(hostKeyFromPem(nodeSuite, pem(publicKey, 'spki'))).toEqual({
      ok: false,
      error: 'the public key is not an EC key (RSA); a host key must be a P-521 (secp521r1) EC key',
    });
  });

  it('an EC key on another curve', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(hostKeyFromPem(nodeSuite, pem(privateKey, 'pkcs8'))).toEqual({
      ok: false,
      error: 'the private key is an EC key on prime256v1; a host key must be on P-521 (secp521r1)',
    });
    expect(hostKeyFromPem(nodeSuite, pem(publicKey, 'spki'))).toEqual({
      ok: false,
      error: 'the public key is an EC key on prime256v1; a host key must be on P-521 (secp521r1)',
    });
  });

  it('a private key whose public point is not its scalar’s', () => {
    const a = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const b = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const da = a.privateKey.export({ type: 'sec1', format: 'der' });
    const db = b.privateKey.export({ type: 'sec1', format: 'der' });
    // The SEC1 structure ends with the public point (04 ‖ x ‖ y, 133 bytes): take b's.
    const mixed = Buffer.concat([da.subarray(0, da.length - 133), db.subarray(db.length - 133)]);
    const text = createPrivateKey({ key: mixed, format: 'der', type: 'sec1' }).export({ type: 'sec1', format: 'pem' }) as string;
    expect(hostKeyFromPem(nodeSuite, text)).toEqual({ ok: false, error: 'the private key is not a valid P-521 scalar for its public key' });
  });
});
