// `semodel ipl check-component|run`: every signed-component vector gives its verdict and first
// failing check through the CLI (exit 0 accept, 1 reject), with DER and PEM anchors; a whole IPL
// of signed vectors continues with its report, a damaged kernel halts with its code, unusable
// input is one line and exit 2, and the help names the flags the issue gives.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIplReport } from '../../model/se-format/ipl-report.js';
import { hexToBytes } from '../../model/core/bytes.js';
import { sharedVectors } from '../shared-vectors.js';
import { isOneCleanLine, run, runJson } from '../cli/cli-harness.js';

const ROOT = sharedVectors('signed-components');
const CASES = readdirSync(ROOT).filter((n) => /^(sig|neg)\d/.test(n)).sort();
const k = (f: string): string => path.join(ROOT, 'keys', f);
const c = (name: string): string => path.join(ROOT, name, 'component.bin');
const DER_ANCHORS = ['rsa2048.der', 'rsa4096.der', 'p384.der', 'p256.der'].flatMap((f) => ['--trusted', k(f)]);

describe('semodel ipl check-component', () => {
  it.each(CASES)('%s: the kernel verdict and first failing check', async (name) => {
    const e = JSON.parse(readFileSync(path.join(ROOT, name, 'expected.json'), 'utf8')) as { verdict: string; firstFailingCheck: string | null; hashAlgorithm: string | null };
    const r = await runJson('ipl', 'check-component', c(name), ...DER_ANCHORS, '--json');
    if (e.verdict === 'accept') {
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ verdict: 'accept', hash: e.hashAlgorithm });
      expect(r.json['signer']).toMatch(/^O=semodel test vectors, CN=semodel signing key /);
    } else {
      expect(r.code).toBe(1);
      expect(r.json).toEqual({ verdict: 'reject', failedCheck: e.firstFailingCheck });
    }
  });

  it('reads a PEM file of several certificates, and says the verdict in a line without --json', async () => {
    const ok = await run('ipl', 'check-component', c('sig04-kernel-p256-sha256'), '--trusted', k('trust-anchors.pem'));
    expect([ok.code, ok.out]).toEqual([0, `${c('sig04-kernel-p256-sha256')}: accept, signed by O=semodel test vectors, CN=semodel signing key ECDSA P-256 (sha256)`]);
    const no = await run('ipl', 'check-component', c('sig04-kernel-p256-sha256'), '--trusted', k('rsa2048.crt'));
    expect([no.code, no.out]).toEqual([1, `${c('sig04-kernel-p256-sha256')}: reject, check untrusted-key failed`]);
  });

  it('refuses unusable input with one line and exit 2', async () => {
    for (const argv of [
      ['ipl', 'check-component', c('sig01-kernel-rsa2048-sha256')],
      ['ipl', 'check-component', c('sig01-kernel-rsa2048-sha256'), '--trusted', c('sig01-kernel-rsa2048-sha256')],
      ['ipl', 'check-component', '--trusted', k('rsa2048.der')],
      ['ipl', 'check-component', path.join(ROOT, 'missing.bin'), '--trusted', k('rsa2048.der')],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
    }
  });
});

describe('semodel ipl run', () => {
  const table = ['--component', `stage3=${c('sig03-stage3-p384-sha384')}`, '--component', `kernel=${c('sig01-kernel-rsa2048-sha256')}`, '--component', `initrd=${c('sig02-initrd-rsa4096-sha512')}@0x2000000`];

  it('continues a load of signed vectors, with a report whose flags and certificates say what verified each', async () => {
    const r = await runJson<{ verdict: string; entry: string; report: string; components: { kind: string; flags: string; certificateIndex: number; len: number; addr: string }[] }>('ipl', 'run', ...table, '--trusted', k('trust-anchors.pem'), '--json');
    expect(r.code).toBe(0);
    expect(r.json.verdict).toBe('continue');
    expect(r.json.entry).toBe('0x10000');
    expect(r.json.components.map((e) => [e.kind, e.addr, e.len, e.flags, e.certificateIndex])).toEqual([
      ['stage3', '0xa000', 7995, '0xc0', 0],
      ['kernel', '0x10000', 66873, '0xc0', 1],
      ['initrd', '0x2000000', 102403, '0xc0', 2],
    ]);
    const report = hexToBytes(r.json.report);
    const certs = decodeIplReport(report)?.certificates ?? [];
    const der = (f: string): Uint8Array => new Uint8Array(readFileSync(k(f)));
    expect(certs.map((x) => report.subarray(Number(x.addr), Number(x.addr + x.len)))).toEqual([der('p384.der'), der('rsa2048.der'), der('rsa4096.der')]);
  });

  it('halts with the code of the first failing check: a damaged kernel, an unsigned kernel, another PSW', async () => {
    const halt = async (...argv: string[]) => (await runJson('ipl', 'run', ...argv, '--trusted', k('trust-anchors.pem'), '--json'));
    const stage3 = ['--component', `stage3=${c('sig03-stage3-p384-sha384')}`];
    expect(await halt(...stage3, '--component', `kernel=${c('neg14-signature-data-bitflip')}`)).toMatchObject({ code: 1, json: { verdict: 'halt', code: 'SIGNATURE_INVALID', requirement: 'REQ-IPL-3', check: 'signature' } });
    expect(await halt(...stage3, '--component', `kernel=${c('neg08-siglen-ffffffff')}`)).toMatchObject({ code: 1, json: { code: 'SIGNATURE_SIG_LEN' } });
    expect(await halt(...stage3, '--component', `kernel=${c('neg01-unsigned-kernel')}`)).toMatchObject({ code: 1, json: { code: 'DESIGNATED_UNSIGNED', check: 'designated' } });
    expect(await halt(...table, '--psw', '0x0000000080010000')).toMatchObject({ code: 1, json: { code: 'INVALID_LOAD_ADDRESS' } });
    const line = await run('ipl', 'run', ...stage3, '--component', `kernel=${c('neg17-untrusted-rsa2048')}`, '--trusted', k('trust-anchors.pem'));
    expect([line.code, line.out]).toEqual([1, 'halt: SIGNATURE_UNTRUSTED_KEY (REQ-IPL-3, check untrusted-key)']);
  });

  it('refuses unusable input with one line and exit 2, and its help names the flags', async () => {
    for (const argv of [
      ['ipl', 'run', '--trusted', k('rsa2048.der')],
      ['ipl', 'run', '--component', `bootloader=${c('sig01-kernel-rsa2048-sha256')}`, '--trusted', k('rsa2048.der')],
      ['ipl', 'run', '--component', `kernel=${c('sig01-kernel-rsa2048-sha256')}`],
      ['ipl', 'run', '--component', `kernel=${c('sig01-kernel-rsa2048-sha256')}@zz`, '--trusted', k('rsa2048.der')],
      ['ipl', 'frobnicate'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
    }
    const help = await run('ipl', 'run', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--component KIND=FILE[@ADDR] [--component ...]... --trusted CERT... [--psw HEX] [--json]');
    const top = await run('ipl', '--help');
    expect(top.out).toContain('semodel ipl check-component FILE --trusted CERT [--trusted CERT]... [--json]');
  });
});
