// plannedComponents: the pages the builder encrypts as views of the caller's bytes, in order,
// checked against the calls the builder really makes to its suite.
import { describe, expect, it } from 'vitest';
import { bytesToHex, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/index.js';
import type { CryptoSuite, EcPoint } from '../../model/crypto/suite.js';
import { buildImage, deriveBuildSecrets, plannedComponents, type ImageBuildInput } from '../../model/se-format/image-builder.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { pageTweak } from '../../model/se-format/image-pages.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';

const base = memoizeKeyAgreement(nodeSuite);
const secrets = deriveBuildSecrets(base, utf8ToBytes('planned components'));
const host = base.ecPublicKey('p521', deriveBuildSecrets(base, utf8ToBytes('planned host')).customer.privateKey) as EcPoint;

interface Call {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly length: number;
  readonly tweak: string;
}

/** The builder's aesXtsEncrypt calls on `input`. */
function builderCalls(input: ImageBuildInput): Call[] {
  const calls: Call[] = [];
  const recording: CryptoSuite = {
    ...base,
    aesXtsEncrypt: (key, tweak, data) => {
      calls.push({ buffer: data.buffer, byteOffset: data.byteOffset, length: data.length, tweak: bytesToHex(tweak) });
      return base.aesXtsEncrypt(key, tweak, data);
    },
  };
  const r = buildImage(recording, input);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return calls;
}

/** The plan, page by page, as calls. */
function planCalls(input: ImageBuildInput): Call[] {
  return plannedComponents(input).flatMap((c) =>
    Array.from({ length: c.wholePages }, (_, i) => ({
      buffer: c.bytes.buffer,
      byteOffset: c.bytes.byteOffset + i * PAGE_SIZE,
      length: PAGE_SIZE,
      tweak: bytesToHex(pageTweak(c.tweakPrefix, BigInt(i * PAGE_SIZE))),
    })),
  );
}

/** The builder's calls that view one of `inputs` (the rest are pages the builder made itself). */
const onInputs = (calls: readonly Call[], inputs: readonly Uint8Array[]): Call[] => calls.filter((c) => inputs.some((b) => b.buffer === c.buffer));

describe('plannedComponents', () => {
  const kernel = new Uint8Array(5 * PAGE_SIZE + 100).map((_, i) => i & 0xff);
  const initrd = new Uint8Array(3 * PAGE_SIZE).fill(0x42);
  const extra = new Uint8Array(2 * PAGE_SIZE + 1).fill(0x17);

  it('lists exactly the builder\'s calls on the caller\'s bytes, in order: whole kernel, initrd and further pages', () => {
    const input: ImageBuildInput = {
      ...secrets,
      kernel,
      initrd,
      parmline: 'root=/dev/ram0',
      extraComponents: [{ bytes: extra, tweakPrefix: 3, tweakRandom: new Uint8Array(6).fill(9) }],
      tweakPrefixes: { stage3b: 0x10 },
      hostKeys: [host],
    };
    const plan = planCalls(input);
    expect(plan).toHaveLength(5 + 3 + 2);
    expect(plannedComponents(input).map((c) => c.bytes)).toEqual([kernel, initrd, extra]);
    expect(plannedComponents(input).every((c, i) => c.bytes === [kernel, initrd, extra][i])).toBe(true); // the caller's arrays, not copies
    expect(onInputs(builderCalls(input), [kernel, initrd, extra])).toEqual(plan);
  });

  it('leaves out a last partial page, the parmline and stage3b, which the builder makes itself', () => {
    const input: ImageBuildInput = { ...secrets, kernel: kernel.subarray(0, 100), parmline: 'x', hostKeys: [host] };
    expect(plannedComponents(input).map((c) => c.wholePages)).toEqual([0]);
    expect(planCalls(input)).toEqual([]);
    // Every call of the builder is then on a page it made: none views the kernel.
    expect(onInputs(builderCalls(input), [kernel])).toEqual([]);
  });

  it('lists a component that starts inside a larger buffer at its own offset', () => {
    const backing = new Uint8Array(4 * PAGE_SIZE + 16).fill(1);
    const input: ImageBuildInput = { ...secrets, kernel: backing.subarray(16), hostKeys: [host] };
    expect(planCalls(input).map((c) => c.byteOffset)).toEqual([16, 16 + PAGE_SIZE, 16 + 2 * PAGE_SIZE, 16 + 3 * PAGE_SIZE]);
    expect(onInputs(builderCalls(input), [backing])).toEqual(planCalls(input));
  });

  it('is empty under PCF bit 35, where nothing is encrypted', () => {
    const input: ImageBuildInput = { ...secrets, kernel, initrd, hostKeys: [host], pcf: PCF_NO_DECRYPTION };
    expect(plannedComponents(input)).toEqual([]);
    expect(builderCalls(input)).toEqual([]);
  });
});
