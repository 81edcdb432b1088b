// `semodel dump create|open`: the vectors open as zgetdump opened them (memory and --json CPUs),
// the wrong CCK fails its check with exit 1, create with a vector's inputs makes a dump that opens
// to its memory, seed mode round trips with a P-521 key, unusable input is one line and exit 2,
// and --help says that real mode cannot detect a changed page.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExactJson } from '../../model/se-format/dump-cpu-json.js';
import { sharedVectors } from '../shared-vectors.js';
import { isOneCleanLine, run, runJson, tempDir } from '../cli/cli-harness.js';

const DUMPS = sharedVectors('dumps');
const ATT = sharedVectors('attestation');
const v = (name: string, f: string): string => path.join(DUMPS, name, f);
const KEY_PEM = path.join(ATT, 'att01-nks1-nonce', 'host-key-0.pem');
const KEY_CRT = path.join(ATT, 'att01-nks1-nonce', 'host-key-0.crt');
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);

interface Expected {
  readonly pageStates: string[];
  readonly cpus: Record<string, unknown>[];
}
const expected = (name: string): Expected => parseExactJson(readFileSync(v(name, 'expected.json'), 'utf8')) as Expected;
/** A register value of expected.json as a bigint (numbers keep every digit through parseExactJson). */
const big = (x: unknown): bigint => BigInt(String(x));

describe('semodel dump', () => {
  it('opens dump01 as zgetdump did: memory of decrypted.elf, CPUs and page states in --json', async () => {
    const r = await runJson<{ mode: string; cpus: Record<string, unknown>[]; pageStates: string[] }>('dump', 'open', v('dump01-1cpu-16pages', 'dump.elf'), '--cck', v('dump01-1cpu-16pages', 'cck.bin'), '-o', at('m1.bin'), '--json');
    expect(r.code).toBe(0);
    const e = expected('dump01-1cpu-16pages');
    expect(r.json.mode).toBe('real');
    expect(r.json.pageStates).toEqual(e.pageStates);
    const cpu = r.json.cpus[0] ?? {};
    const want = e.cpus[0] ?? {};
    for (const f of ['prefix', 'fpc', 'todpreg', 'timer', 'todcmp', 'gsd', 'gssm', 'gs_epl_a']) expect(big(cpu[f]), f).toBe(big(want[f]));
    for (const f of ['gprs', 'acrs', 'ctrs', 'fprs', 'vxrs_low', 'psw']) expect((cpu[f] as unknown[]).map(big), f).toEqual((want[f] as unknown[]).map(big));
    expect(cpu['vxrs_high']).toBe(want['vxrs_high']);
    const memory = readFileSync(at('m1.bin'));
    const plain = readFileSync(v('dump01-1cpu-16pages', 'memory-plain.bin'));
    e.pageStates.forEach((s, i) => {
      const page = memory.subarray(i * 4096, (i + 1) * 4096);
      expect(s === 'zero' ? page.every((b) => b === 0) : page.equals(plain.subarray(i * 4096, (i + 1) * 4096)), `page ${i}`).toBe(true);
    });
  });

  it('the wrong CCK fails completion-auth with exit 1, and writes nothing', async () => {
    const r = await run('dump', 'open', v('neg1-wrong-cck', 'dump.elf'), '--cck', v('neg1-wrong-cck', 'cck.bin'), '-o', at('never.bin'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('check completion-auth failed');
    expect(() => readFileSync(at('never.bin'))).toThrow();
  });

  it('neg4 opens (real mode cannot detect a changed page), and --help says so', async () => {
    expect((await run('dump', 'open', v('neg4-page-ciphertext-flipped', 'dump.elf'), '--cck', v('neg4-page-ciphertext-flipped', 'cck.bin'), '-o', at('m4.bin'))).code).toBe(0);
    const help = await run('dump', 'open', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('CANNOT DETECT A CHANGED PAGE');
  });

  it("create with dump02's memory, CPUs and page states makes a dump that opens to them; --seed repeats", async () => {
    const e = expected('dump02-2cpu-osii-8pages');
    writeFileSync(at('states.json'), JSON.stringify(e.pageStates));
    const args = ['dump', 'create', '--memory', v('dump02-2cpu-osii-8pages', 'memory-plain.bin'), '--cpus', v('dump02-2cpu-osii-8pages', 'expected.json'), '--page-states', at('states.json'), '--cck', v('dump02-2cpu-osii-8pages', 'cck.bin'), '--seed', '7'];
    expect((await run(...args, '-o', at('d2.elf'))).code).toBe(0);
    expect((await run(...args, '-o', at('d2b.elf'))).code).toBe(0);
    expect(readFileSync(at('d2.elf')).equals(readFileSync(at('d2b.elf')))).toBe(true);
    const r = await runJson<{ cpus: { osii: boolean }[] }>('dump', 'open', at('d2.elf'), '--cck', v('dump02-2cpu-osii-8pages', 'cck.bin'), '-o', at('m2.bin'), '--json');
    expect(r.code).toBe(0);
    expect(r.json.cpus.map((c) => c.osii)).toEqual([false, true]);
    expect(readFileSync(at('m2.bin')).equals(readFileSync(v('dump02-2cpu-osii-8pages', 'memory-plain.bin')))).toBe(true);
  });

  it('seed mode: create for a public key, open with its private key; a changed byte is refused', async () => {
    writeFileSync(at('cpus.json'), '[]');
    const mem = v('dump02-2cpu-osii-8pages', 'memory-plain.bin');
    expect((await run('dump', 'create', '--memory', mem, '--cpus', v('dump01-1cpu-16pages', 'expected.json'), '--owner-key', KEY_CRT, '-o', at('s.elf'))).code).toBe(0);
    const ok = await runJson<{ mode: string }>('dump', 'open', at('s.elf'), '--owner-key', KEY_PEM, '-o', at('ms.bin'), '--json');
    expect([ok.code, ok.json.mode]).toEqual([0, 'seed']);
    expect(readFileSync(at('ms.bin')).equals(readFileSync(mem))).toBe(true);
    const changed = readFileSync(at('s.elf'));
    changed[5000] = (changed[5000] ?? 0) ^ 1;
    writeFileSync(at('s2.elf'), changed);
    const bad = await run('dump', 'open', at('s2.elf'), '--owner-key', KEY_PEM, '-o', at('ms2.bin'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('check page-auth failed');
  });

  it('unusable input and arguments: one line, exit 2', async () => {
    writeFileSync(at('odd.bin'), new Uint8Array(100));
    for (const args of [
      ['dump', 'open', v('dump01-1cpu-16pages', 'cck.bin'), '--cck', v('dump01-1cpu-16pages', 'cck.bin'), '-o', at('x.bin')],
      ['dump', 'open', v('dump01-1cpu-16pages', 'dump.elf'), '-o', at('x.bin')],
      ['dump', 'open', v('dump01-1cpu-16pages', 'dump.elf'), '--owner-key', KEY_PEM, '-o', at('x.bin')],
      ['dump', 'create', '--memory', at('odd.bin'), '--cpus', at('cpus.json'), '--cck', v('dump01-1cpu-16pages', 'cck.bin'), '-o', at('x.elf')],
      ['dump', 'create', '--memory', v('dump01-1cpu-16pages', 'memory-plain.bin'), '--cpus', v('dump01-1cpu-16pages', 'cck.bin'), '--cck', v('dump01-1cpu-16pages', 'cck.bin'), '-o', at('x.elf')],
      ['dump', 'frobnicate'],
    ]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(isOneCleanLine(r), args.join(' ')).toBe(true);
    }
  });
});
