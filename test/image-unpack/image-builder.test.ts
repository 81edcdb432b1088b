// The owner's side: images built by the model parse, open and verify as real ones do, for any
// components; optional parts, PCF bit 35, the PSW override and further components; bad input.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, equalBytes, utf8ToBytes, zeroPad } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { describeImage } from '../../model/se-format/describe.js';
import { DEFAULT_KERNEL_PSW_ADDR, PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { openHeader, type HostKeyPair } from '../../model/se-format/header-keys.js';
import { buildImage, buildImageChunks, deriveBuildSecrets, streamImage, type BuildSecrets, type ImageBuildInput } from '../../model/se-format/image-builder.js';
import { parseImage, type ParsedImage } from '../../model/se-format/image-layout.js';
import { imageDigests, pagePlaintext } from '../../model/se-format/image-pages.js';
import { NO_BLOB } from '../../model/se-format/stage3-args.js';
import { PROPERTY_RUNS } from '../runs.js';

/** noble, with its few P-521 key agreements computed once. */
const suite = memoizeKeyAgreement(nobleSuite);

function hostFromSeed(seed: number): HostKeyPair {
  const privateKey = deriveBuildSecrets(suite, Uint8Array.of(0xa0, seed)).customer.privateKey;
  return { privateKey, publicKey: suite.ecPublicKey('p521', privateKey) as EcPoint };
}

function built(input: ImageBuildInput) {
  const r = buildImage(suite, input);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function parsed(image: Uint8Array): ParsedImage {
  const p = parseImage(image);
  if (!p.ok) throw new Error(JSON.stringify(p.error));
  return p.value;
}

/** Opens, decrypts and verifies an image as the firmware would; returns its components' plaintexts. */
function unpacked(image: Uint8Array, host: HostKeyPair): Uint8Array[] {
  const p = parsed(image);
  const o = openHeader(suite, p.header, host);
  if (!o.ok) throw new Error(JSON.stringify(o.error));
  const d = imageDigests(suite, p.pages);
  expect([bytesToHex(d.pld), bytesToHex(d.ald), bytesToHex(d.tld), d.nep]).toEqual([
    bytesToHex(p.header.pld),
    bytesToHex(p.header.ald),
    bytesToHex(p.header.tld),
    p.header.nep,
  ]);
  let next = 0;
  return p.components.map((c) => {
    const pages = p.pages.slice(next, (next += c.tweaks.length));
    return concatBytes(...pages.map((page) => pagePlaintext(suite, o.value.secrets.xtsKey, p.header.pcf, page) ?? new Uint8Array(0)));
  });
}

describe('deriveBuildSecrets', () => {
  it('derives the same secrets from the same seed and others from another', () => {
    const a = deriveBuildSecrets(suite, utf8ToBytes('seed'));
    expect(deriveBuildSecrets(suite, utf8ToBytes('seed'))).toEqual(a);
    const b = deriveBuildSecrets(suite, utf8ToBytes('seed2'));
    expect(bytesToHex(b.headerKey)).not.toBe(bytesToHex(a.headerKey));
    expect(bytesToHex(b.customer.privateKey)).not.toBe(bytesToHex(a.customer.privateKey));
    expect(suite.ecPublicKey('p521', a.customer.privateKey)).toBeDefined();
    expect([a.headerKey.length, a.xtsKey.length, a.cck.length, a.iv.length, a.tweakRandoms.kernel.length]).toEqual([32, 64, 32, 12, 6]);
  });
});

describe('buildImage', () => {
  let hosts: HostKeyPair[];
  let secrets: BuildSecrets;
  beforeAll(() => {
    hosts = [hostFromSeed(1), hostFromSeed(2)];
    secrets = deriveBuildSecrets(suite, utf8ToBytes('image-builder test'));
  });

  it('builds an image that every host opens and that verifies and decrypts to its inputs', () => {
    const kernel = Uint8Array.from({ length: 9000 }, (_, i) => i * 7);
    const initrd = Uint8Array.from({ length: 4096 }, (_, i) => i ^ 0x5a);
    const b = built({ ...secrets, kernel, parmline: 'root=/dev/ram0 ø', initrd, hostKeys: hosts.map((h) => h.publicKey) });
    expect(b.header.nks).toBe(2);
    for (const host of hosts) {
      const [k, p, i] = unpacked(b.image, host);
      expect(k).toEqual(zeroPad(kernel, 12288));
      expect(p).toEqual(zeroPad(concatBytes(utf8ToBytes('root=/dev/ram0 ø'), Uint8Array.of(0)), 4096));
      expect(i).toEqual(initrd);
    }
    const p = parsed(b.image);
    const o = openHeader(suite, p.header, hosts[1] as HostKeyPair);
    if (!o.ok) throw new Error('does not open');
    expect(o.value.secrets.psw.addr).toBe(b.layout.components[3]?.guestAddress);
    const d = describeImage(suite, p, o.value);
    expect(d.components.map((c) => c.originalLength)).toEqual(b.layout.components.map((c) => c.originalLength));
    expect(d.components.map((c) => c.kind)).toEqual(['kernel', 'parmline', 'initrd', 'stage3b']);
  });

  it('streams the same image piece by piece, and as consecutive chunks, keeping no page', () => {
    const input = { ...secrets, kernel: Uint8Array.from({ length: 10_000 }, (_, i) => i * 3), initrd: new Uint8Array(5000).fill(7), parmline: 'x', hostKeys: hosts.map((h) => h.publicKey) };
    const whole = built(input);
    const streamed = new Uint8Array(whole.image.length);
    const covered = new Uint8Array(whole.image.length);
    const r = streamImage(suite, input, (offset, bytes) => {
      streamed.set(bytes, offset);
      covered.fill(covered[offset] === 0 ? 1 : 2, offset, offset + bytes.length); // pieces must not overlap
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(covered.every((c) => c === 1)).toBe(true); // ...and must tile the whole image
    expect(equalBytes(streamed, whole.image)).toBe(true);
    expect(r.value.layout.pages).toEqual([]);
    expect(r.value.pageCount).toBe(whole.layout.pages.length);
    const chunks = buildImageChunks(suite, input);
    if (!chunks.ok) throw new Error('chunks');
    expect(equalBytes(concatBytes(...chunks.value.chunks), whole.image)).toBe(true);
  });

  it('is deterministic', () => {
    const input = { ...secrets, kernel: Uint8Array.of(1, 2, 3), hostKeys: [(hosts[0] as HostKeyPair).publicKey] };
    expect(equalBytes(built(input).image, built(input).image)).toBe(true);
  });

  it('leaves out absent components and gives an empty one a page', () => {
    const b = built({ ...secrets, kernel: new Uint8Array(0), parmline: '', hostKeys: [(hosts[0] as HostKeyPair).publicKey] });
    expect(b.layout.components.map((c) => [c.kind, c.length, c.originalLength])).toEqual([
      ['kernel', 4096, 0],
      ['parmline', 4096, 1],
      ['stage3b', 8192, 6144],
    ]);
    expect(b.layout.stage3bArgs.initrd).toEqual(NO_BLOB);
    expect(b.layout.stage3bArgs.cmdline).toEqual({ addr: b.layout.components[1]?.guestAddress, size: 1n });
    expect(b.header.nep).toBe(4n);
    const [kernel] = unpacked(b.image, hosts[0] as HostKeyPair);
    expect(kernel).toEqual(new Uint8Array(4096));
  });

  it('stores components in plaintext under PCF bit 35, and puts the PSW override into stage3b', () => {
    const kernel = utf8ToBytes('plain kernel');
    const b = built({ ...secrets, kernel, pcf: 0xe0n | PCF_NO_DECRYPTION, pswAddress: 0x20000n, hostKeys: [(hosts[0] as HostKeyPair).publicKey] });
    expect(b.layout.pages[0]?.stored).toEqual(zeroPad(kernel, 4096));
    expect(b.layout.stage3bArgs.psw.addr).toBe(0x20000n);
    const plain = built({ ...secrets, kernel, hostKeys: [(hosts[0] as HostKeyPair).publicKey] });
    expect(plain.layout.stage3bArgs.psw.addr).toBe(DEFAULT_KERNEL_PSW_ADDR);
    expect(plain.layout.pages[0]?.stored).not.toEqual(zeroPad(kernel, 4096));
  });

  it('places further components before stage3b when the prefixes increase', () => {
    const extra = { bytes: utf8ToBytes('extra'), tweakPrefix: 4, tweakRandom: new Uint8Array(6) };
    const b = built({
      ...secrets,
      kernel: Uint8Array.of(1),
      extraComponents: [extra],
      tweakPrefixes: { stage3b: 0x10 },
      hostKeys: [(hosts[0] as HostKeyPair).publicKey],
    });
    expect(b.layout.components.map((c) => [c.kind, c.tweakPrefix >> 48n])).toEqual([
      ['kernel', 0n],
      ['extra', 4n],
      ['stage3b', 0x10n],
    ]);
    const [, e] = unpacked(b.image, hosts[0] as HostKeyPair);
    expect(e).toEqual(zeroPad(utf8ToBytes('extra'), 4096));
  });

  it('rejects bad input, naming the field', () => {
    const base: ImageBuildInput = { ...secrets, kernel: Uint8Array.of(1), hostKeys: [(hosts[0] as HostKeyPair).publicKey] };
    const cases: [Partial<ImageBuildInput>, string][] = [
      [{ xtsKey: new Uint8Array(32) }, 'xtsKey'],
      [{ iv: new Uint8Array(11) }, 'iv'],
      [{ stage3a: new Uint8Array(8) }, 'stage3a'],
      [{ stage3b: new Uint8Array(64) }, 'stage3b'],
      [{ hostKeys: [] }, 'hostKeys'],
      [{ pcf: 1n << 64n }, 'pcf'],
      [{ tweakRandoms: { ...secrets.tweakRandoms, stage3b: new Uint8Array(5) } }, 'tweakRandoms.stage3b'],
      [{ extraComponents: [{ bytes: Uint8Array.of(1), tweakPrefix: 3, tweakRandom: new Uint8Array(6).fill(0xff) }] }, 'tweakRandoms.stage3b'],
      [{ extraComponents: [{ bytes: Uint8Array.of(1), tweakPrefix: 0, tweakRandom: new Uint8Array(6) }] }, 'extraComponents[0]'],
      [{ extraComponents: Array.from({ length: 170 }, (_, i) => ({ bytes: new Uint8Array(0), tweakPrefix: 4 + i, tweakRandom: new Uint8Array(6) })) }, 'extraComponents'],
      [{ hostKeys: [{ x: new Uint8Array(66), y: new Uint8Array(66) }] }, 'hostKeys[0]'],
    ];
    for (const [change, field] of cases) {
      const r = buildImage(suite, { ...base, ...change });
      expect(r.ok ? undefined : r.error.field, field).toBe(field);
    }
  });

  it('round-trips any components through build, parse, open, verify and decrypt', () => {
    const host = hosts[0] as HostKeyPair;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 9000 }),
        fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        fc.option(fc.uint8Array({ maxLength: 5000 }), { nil: undefined }),
        fc.boolean(),
        (kernel, parmline, initrd, plain) => {
          const b = built({ ...secrets, kernel, parmline, initrd, pcf: plain ? 0xe0n | PCF_NO_DECRYPTION : 0xe0n, hostKeys: [host.publicKey] });
          const parts = unpacked(b.image, host);
          const inputs: Uint8Array[] = [kernel];
          if (parmline !== undefined) inputs.push(concatBytes(utf8ToBytes(parmline), Uint8Array.of(0)));
          if (initrd !== undefined) inputs.push(initrd);
          inputs.forEach((input, i) => expect(parts[i]).toEqual(zeroPad(input, Math.max(4096, Math.ceil(input.length / 4096) * 4096))));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
