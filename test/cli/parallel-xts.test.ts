// Page encryption on a worker thread (cli/parallel-xts.ts): the worker's answers are the base
// suite's byte for byte, only planned calls are answered from it, every other call and every
// unshareable plan falls back to the calling thread, and a whole image comes out identical.
import { describe, expect, it } from 'vitest';
import { parallelXts } from '../../cli/parallel-xts.js';
import { bytesToHex, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/index.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { buildImage, deriveBuildSecrets, plannedComponents, streamImage, type ImageBuildInput, type PlannedComponent } from '../../model/se-format/image-builder.js';
import { pageTweak, tweakPrefixOf } from '../../model/se-format/image-pages.js';

const base = nodeSuite;
const key = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);

/** `pages` pages of distinct bytes in a SharedArrayBuffer, `extra` bytes after them. */
function shared(pages: number, extra = 0, salt = 0): Uint8Array {
  const b = new Uint8Array(new SharedArrayBuffer(pages * PAGE_SIZE + extra));
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + (i >> 12) * 7 + salt) & 0xff;
  return b;
}

function component(bytes: Uint8Array, prefix: number): PlannedComponent {
  return { bytes, wholePages: Math.floor(bytes.length / PAGE_SIZE), tweakPrefix: tweakPrefixOf(prefix, Uint8Array.of(1, 2, 3, 4, 5, prefix)) };
}

/** The builder's calls for a plan: each planned page, in order, as a view of the caller's bytes. */
function calls(plan: readonly PlannedComponent[]): { tweak: Uint8Array; data: Uint8Array }[] {
  return plan.flatMap((c) =>
    Array.from({ length: c.wholePages }, (_, i) => ({
      tweak: pageTweak(c.tweakPrefix, BigInt(i * PAGE_SIZE)),
      data: c.bytes.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE),
    })),
  );
}

const small = { minPages: 1, chunkPages: 3, aheadChunks: 1 } as const;

describe('parallelXts', () => {
  it('answers every planned call from the worker with the base suite\'s ciphertext, in chunks of three pages, one chunk ahead', () => {
    const plan = [component(shared(10, 123), 0), component(shared(7, 0, 9), 2)];
    const x = parallelXts(base, key, plan, small);
    try {
      expect(x.threaded).toBe(true);
      for (const c of calls(plan)) expect(bytesToHex(x.suite.aesXtsEncrypt(key, c.tweak, c.data))).toBe(bytesToHex(base.aesXtsEncrypt(key, c.tweak, c.data)));
      expect(x.counts()).toEqual({ fromWorker: 17, onThread: 0 });
    } finally {
      x.close();
    }
  });

  it('computes on the calling thread every call that is not the planned one, and still serves the plan after it', () => {
    const plan = [component(shared(8), 0)];
    const planned = calls(plan);
    const x = parallelXts(base, key, plan, small);
    try {
      const first = planned[0]!;
      const otherKey = Uint8Array.from(key);
      otherKey[63] = (otherKey[63] ?? 0) ^ 1;
      const otherTweak = Uint8Array.from(first.tweak);
      otherTweak[15] = (otherTweak[15] ?? 0) ^ 1;
      const deviations = [
        { k: key, tweak: first.tweak, data: Uint8Array.from(first.data) }, // a copy, not the planned view
        { k: key, tweak: first.tweak, data: planned[1]!.data }, // the wrong page
        { k: key, tweak: otherTweak, data: first.data }, // another tweak
        { k: otherKey, tweak: first.tweak, data: first.data }, // another key
        { k: key, tweak: first.tweak, data: plan[0]!.bytes.subarray(16, 16 + PAGE_SIZE) }, // the right buffer, shifted
      ];
      for (const d of deviations) expect(bytesToHex(x.suite.aesXtsEncrypt(d.k, d.tweak, d.data))).toBe(bytesToHex(base.aesXtsEncrypt(d.k, d.tweak, d.data)));
      expect(x.counts()).toEqual({ fromWorker: 0, onThread: deviations.length });
      for (const c of planned) expect(bytesToHex(x.suite.aesXtsEncrypt(key, c.tweak, c.data))).toBe(bytesToHex(base.aesXtsEncrypt(key, c.tweak, c.data)));
      expect(x.counts()).toEqual({ fromWorker: 8, onThread: deviations.length });
      // Past the end of the plan: on this thread again.
      const again = planned[0]!;
      x.suite.aesXtsEncrypt(key, again.tweak, again.data);
      expect(x.counts()).toEqual({ fromWorker: 8, onThread: deviations.length + 1 });
    } finally {
      x.close();
    }
  });

  it('returns pages that keep their bytes while later ones are made, each its own 4096 bytes, and decryption is the base suite\'s', () => {
    const plan = [component(shared(70), 1)]; // many chunks, at most one ahead
    const x = parallelXts(base, key, plan, small);
    try {
      const planned = calls(plan);
      const outs = planned.map((c) => x.suite.aesXtsEncrypt(key, c.tweak, c.data));
      planned.forEach((c, i) => {
        const out = outs[i]!;
        expect(out.length).toBe(PAGE_SIZE);
        expect(bytesToHex(out)).toBe(bytesToHex(base.aesXtsEncrypt(key, c.tweak, c.data)));
        expect(bytesToHex(x.suite.aesXtsDecrypt(key, c.tweak, out))).toBe(bytesToHex(c.data));
      });
      expect(x.counts().fromWorker).toBe(70);
    } finally {
      x.close();
    }
  });

  it('starts no worker for a plan it cannot share or that is too small, and is then the base suite', () => {
    const unshared = { bytes: new Uint8Array(8 * PAGE_SIZE).fill(3), wholePages: 8, tweakPrefix: 5n };
    const equalHalves = new Uint8Array(64).fill(7);
    const cases = [
      parallelXts(base, key, [unshared], small),
      parallelXts(base, equalHalves, [component(shared(8), 0)], small), // OpenSSL refuses equal halves
      parallelXts(base, key.subarray(0, 32), [component(shared(8), 0)], small), // AES-128-XTS key
      parallelXts(base, key, [component(shared(8), 0)], { minPages: 9 }),
      parallelXts(base, key, [], small),
    ];
    for (const x of cases) {
      expect(x.threaded).toBe(false);
      x.close();
    }
    const x = cases[1]!;
    const c = calls([component(shared(2), 0)])[0]!;
    expect(bytesToHex(x.suite.aesXtsEncrypt(equalHalves, c.tweak, c.data))).toBe(bytesToHex(base.aesXtsEncrypt(equalHalves, c.tweak, c.data)));
    expect(x.counts()).toEqual({ fromWorker: 0, onThread: 1 });
  });

  it('after close, answers every call on the calling thread', () => {
    const plan = [component(shared(5), 0)];
    const x = parallelXts(base, key, plan, small);
    x.close();
    for (const c of calls(plan)) expect(bytesToHex(x.suite.aesXtsEncrypt(key, c.tweak, c.data))).toBe(bytesToHex(base.aesXtsEncrypt(key, c.tweak, c.data)));
    expect(x.counts()).toEqual({ fromWorker: 0, onThread: 5 });
  });

  it('builds the same image as the base suite alone, every whole kernel and initrd page from the worker', () => {
    const suite = memoizeKeyAgreement(base);
    const secrets = deriveBuildSecrets(suite, utf8ToBytes('parallel xts'));
    const host = suite.ecPublicKey('p521', deriveBuildSecrets(suite, utf8ToBytes('host')).customer.privateKey) as EcPoint;
    const input: ImageBuildInput = {
      ...secrets,
      kernel: shared(20, 1000),
      initrd: shared(9, 0, 5),
      parmline: 'root=/dev/ram0',
      hostKeys: [host],
    };
    const expected = buildImage(suite, input);
    if (!expected.ok) throw new Error(JSON.stringify(expected.error));
    const x = parallelXts(suite, secrets.xtsKey, plannedComponents(input), { minPages: 1, chunkPages: 4, aheadChunks: 2 });
    const image = new Uint8Array(expected.value.layout.imageSize);
    try {
      const r = streamImage(x.suite, input, (offset, bytes) => image.set(bytes, offset));
      expect(r.ok).toBe(true);
      // 20 + 9 whole pages planned; the kernel's partial page, the parmline and stage3b (2) on this thread.
      expect(x.counts()).toEqual({ fromWorker: 29, onThread: 4 });
    } finally {
      x.close();
    }
    expect(bytesToHex(image)).toBe(bytesToHex(expected.value.image));
  });

  it('plans nothing when PCF bit 35 stores the pages unencrypted', () => {
    const secrets = deriveBuildSecrets(base, utf8ToBytes('plaintext'));
    expect(plannedComponents({ ...secrets, kernel: shared(3), hostKeys: [], pcf: 0x10000000n })).toEqual([]);
    expect(plannedComponents({ ...secrets, kernel: shared(3, 5), hostKeys: [] }).map((c) => c.wholePages)).toEqual([3]);
  });
});
