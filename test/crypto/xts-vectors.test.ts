// AES-XTS on both suites against the published vectors in ../shared/vectors/xts/ (IEEE 1619
// Annex B and Wycheproof) and against node:crypto's own aes-128-xts / aes-256-xts.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../model/core/bytes.js';
import { nobleSuite, nodeSuite, type CryptoSuite } from '../../model/crypto/index.js';
import { PROPERTY_RUNS } from '../runs.js';
import { sharedVectors } from '../shared-vectors.js';

/** The shared XTS vectors, beside the project. */
const VECTORS_DIR = `${sharedVectors('xts')}/`;

function readVectorFile(name: string): unknown {
  if (!existsSync(VECTORS_DIR)) {
    throw new Error(
      `XTS vectors folder missing: expected ${VECTORS_DIR} (the shared folder "shared/vectors/xts" ` +
        `beside the project directory). These tests need ieee1619_vectors.json and wycheproof_aes_xts_test.json there.`,
    );
  }
  const file = `${VECTORS_DIR}${name}`;
  if (!existsSync(file)) throw new Error(`XTS vector file missing: ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

interface XtsCase {
  readonly id: string;
  readonly key: Uint8Array;
  readonly tweak: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly ciphertext: Uint8Array;
}

function field(o: unknown, name: string, where: string): string {
  const v = (o as Record<string, unknown>)[name];
  if (typeof v !== 'string') throw new Error(`${where}: field "${name}" must be a string`);
  return v;
}

interface IeeeFile {
  vectors: unknown[];
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: { keySize: number; ivSize: number; tests: unknown[] }[];
}

const ieeeFile = readVectorFile('ieee1619_vectors.json') as IeeeFile;
const wycheproofFile = readVectorFile('wycheproof_aes_xts_test.json') as WycheproofFile;

// IEEE: the tweak is given, exactly the 16 bytes to use.
const ieeeCases: XtsCase[] = ieeeFile.vectors.map((v) => {
  const id = `IEEE 1619 vector ${String((v as { vector: unknown }).vector)}`;
  return {
    id,
    key: hexToBytes(field(v, 'key', id)),
    tweak: hexToBytes(field(v, 'tweak', id)),
    plaintext: hexToBytes(field(v, 'ptx', id)),
    ciphertext: hexToBytes(field(v, 'ctx', id)),
  };
});

// Wycheproof: the iv (1..16 bytes) zero-padded on the right to 16 bytes.
const wycheproofCases: XtsCase[] = wycheproofFile.testGroups.flatMap((g) =>
  g.tests.map((t) => {
    const id = `Wycheproof tcId ${String((t as { tcId: unknown }).tcId)} (${g.keySize}-bit key, ${g.ivSize}-bit iv)`;
    const iv = hexToBytes(field(t, 'iv', id));
    if (iv.length > 16) throw new Error(`${id}: iv longer than 16 bytes`);
    const tweak = new Uint8Array(16);
    tweak.set(iv);
    return {
      id,
      key: hexToBytes(field(t, 'key', id)),
      tweak,
      plaintext: hexToBytes(field(t, 'msg', id)),
      ciphertext: hexToBytes(field(t, 'ct', id)),
    };
  }),
);

describe('XTS vector files', () => {
  it('hold the vectors their README describes', () => {
    expect(ieeeCases.map((c) => c.id)).toEqual(Array.from({ length: 19 }, (_, i) => `IEEE 1619 vector ${i + 1}`));
    expect(wycheproofCases).toHaveLength(wycheproofFile.numberOfTests);
    const keySizes = new Set(wycheproofCases.map((c) => c.key.length));
    expect([...keySizes].sort((a, b) => a - b)).toEqual([32, 48, 64]);
  });

  it('IEEE tweaks are the data-unit sequence number as a 16-byte little-endian integer', () => {
    for (const v of ieeeFile.vectors) {
      let seq = BigInt(field(v, 'dataUnitSeq', 'IEEE'));
      const expected = new Uint8Array(16);
      for (let i = 0; i < 16; i++, seq >>= 8n) expected[i] = Number(seq & 0xffn);
      expect(field(v, 'tweak', 'IEEE')).toBe(bytesToHex(expected));
    }
  });
});

const SUITES: readonly CryptoSuite[] = [nobleSuite, nodeSuite];

describe.each(SUITES)('$name suite', (suite) => {
  it.each([...ieeeCases, ...wycheproofCases])('$id encrypts and decrypts', (c) => {
    expect(bytesToHex(suite.aesXtsEncrypt(c.key, c.tweak, c.plaintext))).toBe(bytesToHex(c.ciphertext));
    expect(bytesToHex(suite.aesXtsDecrypt(c.key, c.tweak, c.ciphertext))).toBe(bytesToHex(c.plaintext));
  });

  it('rejects wrong sizes with a RangeError', () => {
    const key = new Uint8Array(64).fill(1);
    key[40] = 2;
    expect(() => suite.aesXtsEncrypt(new Uint8Array(40), new Uint8Array(16), new Uint8Array(16))).toThrow(RangeError);
    expect(() => suite.aesXtsEncrypt(key, new Uint8Array(15), new Uint8Array(16))).toThrow(RangeError);
    expect(() => suite.aesXtsDecrypt(key, new Uint8Array(16), new Uint8Array(15))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Against node:crypto's own XTS, called directly (distinct key halves: OpenSSL refuses equal ones).

function rawXts(encrypt: boolean, key: Uint8Array, tweak: Uint8Array, data: Uint8Array): string {
  const name = key.length === 32 ? 'aes-128-xts' : 'aes-256-xts';
  const c = encrypt ? createCipheriv(name, key, tweak) : createDecipheriv(name, key, tweak);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
}

const distinctHalvesKey = fc
  .constantFrom(32, 64)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
  .filter((k) => bytesToHex(k.subarray(0, k.length / 2)) !== bytesToHex(k.subarray(k.length / 2)));
const tweak16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const dataUnit = fc
  .oneof(fc.integer({ min: 16, max: 80 }), fc.integer({ min: 16, max: 2 * 4096 + 15 }), fc.constantFrom(4096, 4097, 4111))
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

describe('against raw node:crypto createCipheriv aes-128-xts / aes-256-xts', () => {
  it.each(SUITES)('$name suite encrypts and decrypts like OpenSSL', (suite) => {
    fc.assert(
      fc.property(distinctHalvesKey, tweak16, dataUnit, (key, tweak, data) => {
        const ct = rawXts(true, key, tweak, data);
        expect(bytesToHex(suite.aesXtsEncrypt(key, tweak, data))).toBe(ct);
        expect(bytesToHex(suite.aesXtsDecrypt(key, tweak, data))).toBe(rawXts(false, key, tweak, data));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
