// Party views: what the hypervisor, a guest and an owner each see of the same platform.
import { describe, expect, it } from 'vitest';
import { equalBytes, PAGE_SIZE } from '../../model/core/bytes.js';
import { canonicalJson } from '../../model/core/canonical-json.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { parseImage } from '../../model/se-format/image-layout.js';
import { step, viewOf, type World } from '../../model/platform/index.js';
import { testWorld } from '../world.js';
import { hostKeysOf, expectedOf, vectorFile } from '../image-unpack/se-vectors.js';

const name = '01-nks1-pcf-default';
const image = vectorFile(name, 'image.bin');
const parsed = parseImage(image);
if (!parsed.ok) throw new Error('vector 01 does not parse');
const [host] = hostKeysOf(name, expectedOf(name));

/** Vector 01 unpacked into guest 1 (verified, not started), and a second guest left in created. */
function platform(): World {
  let s = testWorld(nodeSuite, [host?.privateKey ?? new Uint8Array(66)]);
  s = step(s, { kind: 'create-guest', machine: 0, memoryPages: image.length / PAGE_SIZE }).state;
  s = step(s, { kind: 'create-guest', machine: 0, memoryPages: 8 }).state;
  s = step(s, { kind: 'set-header', guest: 1, header: vectorFile(name, 'header.bin') }).state;
  if (!parsed.ok) throw new Error('unreachable');
  for (const p of [...parsed.value.pages].reverse()) {
    // Reversed order: accepted page by page, but PLD then fails at verify.
    s = step(s, { kind: 'unpack', guest: 1, address: p.address, tweak: p.tweak, page: p.stored }).state;
  }
  return step(s, { kind: 'verify', guest: 1 }).state;
}

describe('viewOf', () => {
  const s = platform();

  it('the hypervisor sees phases, sizes, counts and the header it handed over; no memory, no keys', () => {
    const v = viewOf(s, { kind: 'hypervisor' });
    expect(v).toMatchObject({
      party: 'hypervisor',
      guests: [
        { id: 1, phase: 'verify-failed', memoryPages: image.length / PAGE_SIZE, unpackedPages: 6 },
        { id: 2, phase: 'created', memoryPages: 8, unpackedPages: 0, header: null },
      ],
    });
    const json = canonicalJson(v);
    const secrets = ['header-key.bin', 'xts-key.bin'].map((f) => Buffer.from(vectorFile(name, f)).toString('hex'));
    for (const secret of secrets) expect(json).not.toContain(secret);
    const kernel = Buffer.from(vectorFile(name, 'kernel.bin').subarray(0, 64)).toString('hex');
    expect(json).not.toContain(kernel);
  });

  it('a guest sees its own memory in page order', () => {
    const v = viewOf(s, { kind: 'guest', guest: 1 });
    if (v?.party !== 'guest') throw new Error('no guest view');
    expect(v.memory.map((m) => m.page)).toEqual(parsed.ok ? parsed.value.pages.map((p) => Number(p.address) / PAGE_SIZE) : []);
    const kernelPage = v.memory[0]?.bytes ?? new Uint8Array(0);
    expect(equalBytes(kernelPage, vectorFile(name, 'kernel.bin'))).toBe(true);
  });

  it('the owner learns the phase and which check stopped its guest', () => {
    expect(viewOf(s, { kind: 'owner', guest: 1 })).toEqual({ party: 'owner', id: 1, phase: 'verify-failed', verifyFailure: 'pld' });
    expect(viewOf(s, { kind: 'owner', guest: 2 })).toEqual({ party: 'owner', id: 2, phase: 'created', verifyFailure: null });
  });

  it('a guest or owner of no guest sees nothing', () => {
    expect(viewOf(s, { kind: 'guest', guest: 9 })).toBeNull();
    expect(viewOf(s, { kind: 'owner', guest: 9 })).toBeNull();
  });
});
