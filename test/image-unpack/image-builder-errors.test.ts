// The image builder's input checks: each rejection names its field and says what is wrong,
// before any cryptographic work; each bound is checked at its edge. And the derivation of build
// secrets from a seed (HKDF-SHA512, one label per value), which makes seeded builds reproducible.
import { hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import type { HostKeyPair } from '../../model/se-format/header-keys.js';
import { buildImage, deriveBuildSecrets, type BuildSecrets, type ImageBuildInput } from '../../model/se-format/image-builder.js';
import { parseImage } from '../../model/se-format/image-layout.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';

const suite = memoizeKeyAgreement(nobleSuite);

/** `suite`, counting every call of any of its functions. */
function counting(base: CryptoSuite): { suite: CryptoSuite; calls: () => number } {
  let n = 0;
  const wrapped = Object.fromEntries(
    Object.entries(base).map(([k, v]) => [k, typeof v === 'function' ? (...args: unknown[]) => (n++, (v as (...a: unknown[]) => unknown)(...args)) : v]),
  ) as unknown as CryptoSuite;
  return { suite: wrapped, calls: () => n };
}

const U64_LIMIT = 1n << 64n;
const PLAIN = 0xe0n | PCF_NO_DECRYPTION;

let secrets: BuildSecrets;
let host: HostKeyPair;
let base: ImageBuildInput;

beforeAll(() => {
  secrets = deriveBuildSecrets(suite, utf8ToBytes('image-builder errors'));
  const privateKey = deriveBuildSecrets(suite, utf8ToBytes('image-builder errors: host')).customer.privateKey;
  host = { privateKey, publicKey: suite.ecPublicKey('p521', privateKey) as EcPoint };
  base = { ...secrets, kernel: Uint8Array.of(1), hostKeys: [host.publicKey] };
});

/** The rejection of `change`, checking that nothing was computed before it. */
function rejection(change: Partial<ImageBuildInput>): { field: string; message: string } | 'built' {
  const c = counting(suite);
  const r = buildImage(c.suite, { ...base, ...change });
  if (r.ok) return 'built';
  expect(c.calls(), `${r.error.field}: no work before the input is checked`).toBe(0);
  return r.error;
}

function builds(change: Partial<ImageBuildInput>) {
  const r = buildImage(suite, { ...base, ...change });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('buildImage input checks', () => {
  it('checks the sizes of the keys and the IV, naming the expected and actual size', () => {
    expect(rejection({ headerKey: new Uint8Array(31) })).toEqual({ field: 'headerKey', message: 'must be 32 bytes, got 31' });
    expect(rejection({ xtsKey: new Uint8Array(32) })).toEqual({ field: 'xtsKey', message: 'must be 64 bytes, got 32' });
    expect(rejection({ cck: new Uint8Array(33) })).toEqual({ field: 'cck', message: 'must be 32 bytes, got 33' });
    expect(rejection({ iv: new Uint8Array(16) })).toEqual({ field: 'iv', message: 'must be 12 bytes, got 16' });
  });

  it('needs room for the loaders\' arguments: stage3a of 24 bytes at least, stage3b of more than 64', () => {
    expect(rejection({ stage3a: new Uint8Array(23) })).toEqual({ field: 'stage3a', message: 'must hold at least its 24-byte arguments' });
    expect(rejection({ stage3b: new Uint8Array(64) })).toEqual({ field: 'stage3b', message: 'must be longer than its 64-byte arguments' });
    // A stage3a that is nothing but its arguments: they sit at 0x10000, where a parser finds them.
    const tiny = builds({ stage3a: new Uint8Array(24), stage3b: new Uint8Array(65).fill(0x42) });
    expect([tiny.layout.stage3aArgsAddress, tiny.layout.ipibAddress]).toEqual([0x10000n, 0x11000n]);
    const p = parseImage(tiny.image);
    expect(p.ok && [p.value.boot?.stage3aArgsOffset, p.value.boot?.ipibOffset, p.value.components.length]).toEqual([0x10000, 0x11000, 2]);
  });

  it('needs PCF, SCF and the kernel PSW address to be u64s', () => {
    for (const field of ['pcf', 'scf', 'pswAddress'] as const) {
      expect(rejection({ [field]: -1n }), field).toEqual({ field, message: 'must be a u64' });
      expect(rejection({ [field]: U64_LIMIT }), field).toEqual({ field, message: 'must be a u64' });
    }
    const top = builds({ pcf: U64_LIMIT - 1n, scf: U64_LIMIT - 1n, pswAddress: U64_LIMIT - 1n });
    expect([top.header.pcf, top.layout.stage3bArgs.psw.addr]).toEqual([U64_LIMIT - 1n, U64_LIMIT - 1n]);
  });

  it('needs one host key at least, and at most as many as fit a header of 8192 bytes (95)', () => {
    expect(rejection({ hostKeys: [] })).toEqual({ field: 'hostKeys', message: 'an image needs at least one host key' });
    // Key slots only need the ECDH secret, which the `agree` form of the customer key gives cheaply.
    const customer = { publicKey: host.publicKey, agree: () => new Uint8Array(66).fill(7) };
    const keys = (n: number): EcPoint[] => Array.from({ length: n }, (_, i) => ({ x: new Uint8Array(66).fill(i), y: new Uint8Array(66).fill(1) }));
    const most = builds({ customer, hostKeys: keys(95), pcf: PLAIN });
    expect([most.header.nks, most.layout.headerSize]).toEqual([95, 8160]);
    expect(rejection({ customer, hostKeys: keys(96) })).toEqual({ field: 'hostKeys', message: '96 key slots make the header larger than 8192 bytes' });
  });

  it('lists at most 165 components, as many as one IPIB page holds', () => {
    const extras = (n: number) => Array.from({ length: n }, (_, i) => ({ bytes: new Uint8Array(0), tweakPrefix: 4 + i, tweakRandom: new Uint8Array(6) }));
    // kernel, 163 further components, stage3b: 165.
    const full = builds({ extraComponents: extras(163), tweakPrefixes: { stage3b: 0x1000 }, pcf: PLAIN });
    expect([full.layout.components.length, full.layout.ipib.numComp, full.layout.ipib.len]).toEqual([165, 165, PAGE_SIZE]);
    expect(rejection({ extraComponents: extras(164), tweakPrefixes: { stage3b: 0x1000 } })).toEqual({
      field: 'extraComponents',
      message: 'at most 165 components fit in the IPIB',
    });
  });

  it('needs 6-byte tweak randoms, naming the component', () => {
    expect(rejection({ tweakRandoms: { ...secrets.tweakRandoms, kernel: new Uint8Array(5) } })).toEqual({
      field: 'tweakRandoms.kernel',
      message: 'tweak random must be 6 bytes',
    });
    const extra = (tweakPrefix: number, tweakRandom: Uint8Array) => ({ bytes: Uint8Array.of(9), tweakPrefix, tweakRandom });
    expect(
      rejection({ parmline: 'x', initrd: Uint8Array.of(1), extraComponents: [extra(4, new Uint8Array(6)), extra(5, new Uint8Array(7))], tweakPrefixes: { stage3b: 0x10 } }),
    ).toEqual({ field: 'extraComponents[1]', message: 'tweak random must be 6 bytes' });
  });

  it('needs u16 component prefixes', () => {
    const u16 = { field: 'tweakRandoms.kernel', message: 'tweak prefix must be a u16' };
    expect(rejection({ tweakPrefixes: { kernel: -1 } })).toEqual(u16);
    expect(rejection({ tweakPrefixes: { kernel: 0.5 } })).toEqual(u16);
    expect(rejection({ tweakPrefixes: { stage3b: 0x10000 } })).toEqual({ field: 'tweakRandoms.stage3b', message: 'tweak prefix must be a u16' });
    expect(builds({ tweakPrefixes: { stage3b: 0xffff } }).layout.components[1]?.tweakPrefix).toBe(
      (0xffffn << 48n) | BigInt(`0x${bytesToHex(secrets.tweakRandoms.stage3b)}`),
    );
  });

  it('needs tweak prefixes that increase strictly: an equal one is refused', () => {
    const same = { bytes: Uint8Array.of(9), tweakPrefix: 0, tweakRandom: Uint8Array.from(secrets.tweakRandoms.kernel) };
    expect(rejection({ extraComponents: [same] })).toEqual({
      field: 'extraComponents[0]',
      message: 'tweak prefixes must increase strictly from component to component',
    });
    const next = Uint8Array.from(secrets.tweakRandoms.kernel);
    next[5] = (next[5] ?? 0) + 1; // one more than the kernel's (its last byte is not 0xff)
    expect(secrets.tweakRandoms.kernel[5]).not.toBe(0xff);
    expect(builds({ extraComponents: [{ ...same, tweakRandom: next }] }).layout.components.map((c) => c.kind)).toEqual(['kernel', 'extra', 'stage3b']);
  });
});

describe('buildImage page encryption', () => {
  it('encrypts whole pages straight from the caller\'s bytes, and a partial last page zero-padded', () => {
    const kernel = Uint8Array.from({ length: 2 * PAGE_SIZE + 10 }, (_, i) => i & 0xff);
    const seen: Uint8Array[] = [];
    const r = buildImage({ ...suite, aesXtsEncrypt: (key, tweak, data) => (seen.push(data), suite.aesXtsEncrypt(key, tweak, data)) }, { ...base, kernel });
    expect(r.ok).toBe(true);
    const [p0, p1, p2] = seen;
    expect([p0?.buffer === kernel.buffer, p0?.byteOffset, p1?.buffer === kernel.buffer, p1?.byteOffset]).toEqual([true, 0, true, PAGE_SIZE]);
    expect([p2?.buffer === kernel.buffer, p2?.length, p2?.subarray(0, 10), p2?.subarray(10).every((b) => b === 0)]).toEqual([
      false,
      PAGE_SIZE,
      kernel.subarray(2 * PAGE_SIZE),
      true,
    ]);
  });
});

describe('deriveBuildSecrets', () => {
  const seed = utf8ToBytes('a seed');
  const hkdf = (label: string, length: number): string =>
    Buffer.from(hkdfSync('sha512', seed, utf8ToBytes('semodel image-builder v1'), utf8ToBytes(label), length)).toString('hex');

  it('is HKDF-SHA512 of the seed, salt "semodel image-builder v1", one label per value', () => {
    const s = deriveBuildSecrets(suite, seed);
    expect({
      headerKey: bytesToHex(s.headerKey),
      xtsKey: bytesToHex(s.xtsKey),
      cck: bytesToHex(s.cck),
      iv: bytesToHex(s.iv),
      kernel: bytesToHex(s.tweakRandoms.kernel),
      parmline: bytesToHex(s.tweakRandoms.parmline),
      initrd: bytesToHex(s.tweakRandoms.initrd),
      stage3b: bytesToHex(s.tweakRandoms.stage3b),
    }).toEqual({
      headerKey: hkdf('header-key', 32),
      xtsKey: hkdf('xts-key', 64),
      cck: hkdf('cck', 32),
      iv: hkdf('iv', 12),
      kernel: hkdf('tweak/kernel', 6),
      parmline: hkdf('tweak/parmline', 6),
      initrd: hkdf('tweak/initrd', 6),
      stage3b: hkdf('tweak/stage3b', 6),
    });
  });

  /** The customer scalar of attempt `n`: 66 derived bytes, the first cut to its lowest bit (521 bits). */
  const scalarOf = (n: number): string => {
    const d = Buffer.from(hkdf(`customer-key/${n}`, 66), 'hex');
    d[0] = (d[0] ?? 0) & 1;
    return d.toString('hex');
  };

  it('derives the customer scalar from "customer-key/0", keeping 521 bits', () => {
    expect(bytesToHex(deriveBuildSecrets(suite, seed).customer.privateKey)).toBe(scalarOf(0));
  });

  it('draws the customer scalar again while it is not a valid P-521 scalar, 16 times at most, then takes 1', () => {
    const refusing = (refusals: number) => {
      let calls = 0;
      const s = deriveBuildSecrets({ ...suite, ecPublicKey: (curve, d) => (calls++ < refusals ? undefined : suite.ecPublicKey(curve, d)) }, seed);
      return { key: bytesToHex(s.customer.privateKey), calls };
    };
    expect(refusing(1)).toEqual({ key: scalarOf(1), calls: 2 });
    expect(refusing(15)).toEqual({ key: scalarOf(15), calls: 16 });
    expect(refusing(16)).toEqual({ key: '00'.repeat(65) + '01', calls: 16 });
  });
});
