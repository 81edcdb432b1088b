// The dump vectors of ../shared/vectors/dumps/, which IBM's zgetdump opened or refused: each opens
// to exactly what zgetdump wrote (its decrypted.elf's memory and the CPU state of expected.json),
// or fails as zgetdump did; and the model's writer, given a vector's inputs, makes its dump.elf
// byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { cpuFromJson, cpuToJson, parseExactJson } from '../../model/se-format/dump-cpu-json.js';
import { createDump } from '../../model/se-format/dump-create.js';
import type { DumpCpu } from '../../model/se-format/dump-cpu.js';
import { parseDump } from '../../model/se-format/dump-elf.js';
import { openDump } from '../../model/se-format/dump-open.js';
import type { PageState } from '../../model/se-format/dump-pages.js';
import { realDumpKey } from '../../model/se-format/dump-real.js';
import { sharedVectors } from '../shared-vectors.js';

const ROOT = sharedVectors('dumps');
const NAMES = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface Expected {
  readonly cck: string;
  readonly cckGivenToZgetdump: string;
  readonly dumpKey: string;
  readonly seed: string;
  readonly pageStates: PageState[];
  readonly cpuIvs: string[];
  readonly cpus: unknown[];
  readonly zgetdumpCopyRc: string;
  readonly outputCheck: { readonly badPages: string[] } | null;
  readonly mutation: { readonly how: string } | null;
}

const file = (name: string, f: string): Uint8Array => new Uint8Array(readFileSync(path.join(ROOT, name, f)));
const expected = (name: string): Expected => parseExactJson(readFileSync(path.join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
const cpusOf = (e: Expected): DumpCpu[] =>
  e.cpus.map((c, i) => {
    const r = cpuFromJson(c, i);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });

/** The PT_LOAD segment of zgetdump's output (a plain ELF core, readable with the same parser's ELF rules). */
function zgetdumpMemory(name: string, pages: number): Uint8Array {
  const elf = file(name, 'decrypted.elf');
  // Its single PT_LOAD: program headers at e_phoff, the second one is PT_LOAD.
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(view.getBigUint64(32));
  for (let i = 0; i < view.getUint16(56); i++) {
    const at = phoff + 56 * i;
    if (view.getUint32(at) === 1) {
      const off = Number(view.getBigUint64(at + 8));
      return elf.subarray(off, off + pages * 4096);
    }
  }
  throw new Error(`${name}: no PT_LOAD in decrypted.elf`);
}

describe('dump vectors (zgetdump)', () => {
  it('are all here', () => {
    expect(NAMES).toEqual(['dump01-1cpu-16pages', 'dump02-2cpu-osii-8pages', 'neg1-wrong-cck', 'neg4-page-ciphertext-flipped']);
  });

  it.each(NAMES)('%s: the dump key is HKDF-SHA512 of the image CCK with the seed', (name) => {
    const e = expected(name);
    expect(realDumpKey(nobleSuite, hexToBytes(e.cck), file(name, 'seed.bin'))).toEqual(hexToBytes(e.dumpKey));
  });

  it.each(NAMES)('%s: opens as zgetdump did, with both suites', (name) => {
    const e = expected(name);
    const dump = file(name, 'dump.elf');
    for (const suite of [nobleSuite, nodeSuite]) {
      const r = openDump(suite, dump, { cck: hexToBytes(e.cckGivenToZgetdump) });
      if (e.zgetdumpCopyRc !== '0') {
        // zgetdump: "Unable to read decryption information" (the completion data's GCM tag).
        expect(r.ok ? 'opened' : r.error).toEqual({ kind: 'refused', check: 'completion-auth', message: expect.any(String) });
        continue;
      }
      if (!r.ok) throw new Error(`${name} did not open: ${JSON.stringify(r.error)}`);
      expect(r.value.mode).toBe('real');
      expect(r.value.pageStates).toEqual(e.pageStates);
      expect(r.value.cpus.map(cpuToJson)).toEqual(cpusOf(e).map(cpuToJson));
      const pages = e.pageStates.length;
      expect(Buffer.from(r.value.memory).equals(Buffer.from(zgetdumpMemory(name, pages)))).toBe(true);
      // Against the owner's plaintext: equal but for zero pages (zeros) and the pages the mutation changed.
      const plain = file(name, 'memory-plain.bin');
      const differ = e.pageStates.flatMap((_, i) => (Buffer.from(r.value.memory.subarray(i * 4096, (i + 1) * 4096)).equals(Buffer.from(plain.subarray(i * 4096, (i + 1) * 4096))) ? [] : [i]));
      const zero = e.pageStates.flatMap((s, i) => (s === 'zero' ? [i] : []));
      expect(differ).toEqual([...zero, ...(e.outputCheck?.badPages.map(Number) ?? [])].sort((a, b) => a - b));
    }
  });

  it.each(NAMES.filter((n) => expected(n).mutation === null))('%s: the writer makes dump.elf byte for byte from its inputs', (name) => {
    const e = expected(name);
    const made = createDump(nobleSuite, {
      keys: { mode: 'real', dumpKey: hexToBytes(e.dumpKey), seed: file(name, 'seed.bin'), nonce: file(name, 'tweak-nonce.bin'), xtsKey: file(name, 'xts-key.bin') },
      memory: file(name, 'memory-plain.bin'),
      pageStates: e.pageStates,
      cpus: cpusOf(e),
      cpuIvs: e.cpuIvs.map(hexToBytes),
      completion: { iv: file(name, 'compl-iv.bin'), owner: { x: new Uint8Array(66), y: new Uint8Array(66) } },
    });
    expect(made).toBeDefined();
    expect(Buffer.from(made ?? new Uint8Array(0)).equals(Buffer.from(file(name, 'dump.elf')))).toBe(true);
  });

  it('neg4: real mode does not detect a changed page: it opens, that page is garbage', () => {
    const e = expected('neg4-page-ciphertext-flipped');
    const r = openDump(nobleSuite, file('neg4-page-ciphertext-flipped', 'dump.elf'), { cck: file('neg4-page-ciphertext-flipped', 'cck.bin') });
    expect(r.ok).toBe(true);
    expect(e.outputCheck?.badPages).toEqual(['1']);
  });

  it('a vector truncated anywhere is unusable input, never a crash', () => {
    const dump = file('dump01-1cpu-16pages', 'dump.elf');
    for (const n of [0, 10, 63, 64, 200, 4096, 70000, dump.length - 1]) {
      const r = parseDump(dump.subarray(0, n));
      expect(r.ok, `truncated to ${n}`).toBe(false);
    }
  });
});
