// `semodel hkd verify`: the line without --json, IBM's chained root file and a certificate file
// that carries CRLs, unusable input (missing file or flag, bad PEM, bad time) as one line and
// exit 2, and the help naming every flag and check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HKD_CHECKS } from '../../model/se-format/hkd-verify.js';
import { isOneCleanLine, run, tempDir } from '../cli/cli-harness.js';
import { caseFile } from './hkd-vector-files.js';

const v = (f: string): string => caseFile('hkd01-valid', f);
const VALID = ['hkd', 'verify', v('host.crt'), '--cert', v('ibm.crt'), '--cert', v('inter_ca.crt'), '--crl', v('ibm.crl'), '--crl', v('inter_ca.crl'), '--root-ca', v('root_ca.chained.crt'), '--at', '2026-01-01T00:00:00Z'];

describe('semodel hkd verify', () => {
  it('says the verdict in one line, with the signing key or the failed check', async () => {
    const ok = await run(...VALID);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`${v('host.crt')}: valid, signed by C=US, O=International Business Machines Corporation, CN=International Business Machines Corporation, ST=New York, L=Poughkeepsie, OU=IBM Z Host Key Signing Service`);
    const revoked = caseFile('hkd04-hkd-revoked', 'host_rev.crt');
    const no = await run('hkd', 'verify', revoked, ...VALID.slice(3));
    expect([no.code, no.out]).toEqual([1, `${revoked}: invalid, check hkd-revoked failed`]);
  });

  it('reads CRLs carried in a certificate file, as IBM loads *.chained.crt', async () => {
    const t = tempDir();
    try {
      const chained = path.join(t.dir, 'inter_ca.chained.crt');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(chained, Buffer.concat([readFileSync(v('inter_ca.crt')), readFileSync(v('inter_ca.crl'))]));
      const r = await run('hkd', 'verify', v('host.crt'), '--cert', v('ibm.crt'), '--cert', chained, '--crl', v('ibm.crl'), '--root-ca', v('root_ca.chained.crt'), '--at', '2026-01-01T00:00:00Z', '--json');
      expect([r.code, r.out]).toEqual([0, '{"verdict":"valid"}']);
      const without = await run('hkd', 'verify', v('host.crt'), '--cert', v('ibm.crt'), '--cert', v('inter_ca.crt'), '--crl', v('ibm.crl'), '--root-ca', v('root_ca.chained.crt'), '--at', '2026-01-01T00:00:00Z', '--json');
      expect([without.code, without.out]).toEqual([1, '{"verdict":"invalid","failedCheck":"chain-crl-missing"}']);
    } finally {
      t.cleanup();
    }
  });

  it('refuses unusable input with one line and exit 2', async () => {
    const at = VALID.indexOf('--at');
    for (const argv of [
      VALID.slice(0, at), // no --at
      [...VALID.slice(0, at), '--at', '2026-01-01'], // no time of day
      [...VALID.slice(0, at), '--at', '2026-13-01T00:00:00Z'], // no such month
      [...VALID.slice(0, at), '--at', 'yesterday'],
      ['hkd', 'verify', path.join(path.dirname(v('host.crt')), 'missing.crt'), ...VALID.slice(3)],
      ['hkd', 'verify', v('expected.json'), ...VALID.slice(3)], // not PEM
      ['hkd', 'verify', v('ibm.crl'), ...VALID.slice(3)], // a CRL as the document
      ['hkd', 'verify', v('host.crt'), '--root-ca', v('root_ca.chained.crt'), '--at', '2026-01-01T00:00:00Z'], // no --cert
      ['hkd', 'verify', v('host.crt'), '--cert', v('ibm.crt'), '--at', '2026-01-01T00:00:00Z'], // no --root-ca
      ['hkd', 'verify', '--cert', v('ibm.crt'), '--root-ca', v('root_ca.chained.crt'), '--at', '2026-01-01T00:00:00Z'], // no HKD
      ['hkd', 'verify', v('host.crt'), ...VALID.slice(3, -4), '--root-ca', v('ibm.crl'), '--at', '2026-01-01T00:00:00Z'], // a root file without a certificate
      ['hkd', 'verify', ...VALID.slice(2), '--offline'], // unknown flag
      ['hkd', 'check'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(isOneCleanLine(r), `${argv.join(' ')}: ${r.err}`).toBe(true);
    }
  });

  it('has a help naming every flag and every check, exit 0', async () => {
    const r = await run('hkd', 'verify', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--cert', '--crl', '--root-ca', '--at', '--json']) expect(r.out).toContain(flag);
    for (const check of HKD_CHECKS) expect(r.out).toContain(check);
    expect((await run('hkd', '--help')).code).toBe(0);
    expect((await run('hkd')).code).toBe(2);
    expect((await run('--help')).out).toContain('semodel hkd verify HKD');
  });
});
