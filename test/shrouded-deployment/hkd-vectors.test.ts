// Every host-key-document vector (IBM's fake signing-key chain) gives its verdict and failedCheck
// through the library, with both crypto suites, at checkedAt and at both ends of the window the
// verdict holds for, and through `semodel hkd verify --json`; the chain failures carry OpenSSL's error code that IBM's error names.
import { describe, expect, it } from 'vitest';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { nodeSuite } from '../../model/crypto/node-suite.js';
import { hkdInputsOf } from '../../model/se-format/hkd-inputs.js';
import { HKD_CHECKS, verifyHkd, type HkdInputs } from '../../model/se-format/hkd-verify.js';
import { runJson } from '../cli/cli-harness.js';
import { caseFile, expectedOf, filesOf, HKD_CASES, unixSeconds } from './hkd-vector-files.js';

function inputsOf(name: string): HkdInputs {
  const inputs = hkdInputsOf(filesOf(name));
  if (typeof inputs === 'string') throw new Error(`${name}: ${inputs}`);
  return inputs;
}

describe('host-key-document vectors through the library', () => {
  it('has all 17 cases', () => {
    expect(HKD_CASES).toHaveLength(17);
  });

  it.each(HKD_CASES)('%s: verdict and failedCheck, both suites, the whole window', (name) => {
    const e = expectedOf(name);
    const inputs = inputsOf(name);
    const times = [unixSeconds(e.checkedAt), unixSeconds(e.verdictHoldsFor.from), unixSeconds(e.verdictHoldsFor.until) - 1];
    for (const suite of [nodeSuite, nobleSuite]) {
      for (const at of times) {
        const v = verifyHkd(suite, inputs, at);
        const got = v.verdict === 'valid' ? { verdict: 'valid', failedCheck: null } : { verdict: 'invalid', failedCheck: v.failedCheck };
        expect(got, `${suite.name} at ${new Date(at * 1000).toISOString()}`).toEqual({ verdict: e.verdict, failedCheck: e.failedCheck });
      }
    }
  });

  it.each(HKD_CASES.filter((n) => expectedOf(n).ibmError?.includes('IbmSignInvalid(') === true))('%s: the chain failure has the OpenSSL code of IBM\'s error', (name) => {
    const e = expectedOf(name);
    const codes = [...(/IbmSignInvalid\(([^)]*)\)/.exec(e.ibmError ?? '')?.[1] ?? '').matchAll(/\d+/g)].map((m) => Number(m[0]));
    const v = verifyHkd(nodeSuite, inputsOf(name), unixSeconds(e.checkedAt));
    expect(v.verdict).toBe('invalid');
    expect(codes).toContain(v.verdict === 'invalid' ? v.opensslError : -1);
  });

  it('names only the checks of the vectors\' vocabulary', () => {
    for (const name of HKD_CASES) {
      const e = expectedOf(name);
      if (e.failedCheck !== null) expect(HKD_CHECKS).toContain(e.failedCheck);
    }
  });

  it('a valid document names its signing key; one second before its notBefore it is not yet valid', () => {
    const inputs = inputsOf('hkd01-valid');
    const v = verifyHkd(nodeSuite, inputs, unixSeconds('2026-01-01T00:00:00Z'));
    expect(v.verdict === 'valid' ? v.signingKey.subject.text : '').toContain('OU=IBM Z Host Key Signing Service');
    expect(verifyHkd(nodeSuite, inputs, inputs.hkd.notBefore)).toMatchObject({ verdict: 'valid' });
    expect(verifyHkd(nodeSuite, inputs, inputs.hkd.notBefore - 1)).toEqual({ verdict: 'invalid', failedCheck: 'hkd-not-yet-valid' });
  });

  it('refuses unusable files with a message naming the file', () => {
    const files = filesOf('hkd01-valid');
    expect(hkdInputsOf({ ...files, hkd: { name: 'x.crt', bytes: new TextEncoder().encode('hello') } })).toMatch(/^x\.crt: /);
    expect(hkdInputsOf({ ...files, rootCa: files.crls[0] ?? files.hkd })).toMatch(/holds no certificate/);
    expect(hkdInputsOf({ ...files, certs: [{ name: 'bad.pem', bytes: new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }] })).toMatch(/^bad\.pem: PEM block 1/);
  });
});

describe('host-key-document vectors through the CLI', () => {
  it.each(HKD_CASES)('%s: semodel hkd verify --json gives the verdict, exit 0 valid / 1 invalid', async (name) => {
    const e = expectedOf(name);
    const argv = [
      'hkd',
      'verify',
      caseFile(name, e.inputs.hkd),
      ...e.inputs.certs.flatMap((c) => ['--cert', caseFile(name, c)]),
      ...e.inputs.crls.flatMap((c) => ['--crl', caseFile(name, c)]),
      '--root-ca',
      caseFile(name, e.inputs.rootCa),
      '--at',
      e.checkedAt,
      '--json',
    ];
    const r = await runJson(...argv);
    expect(r.json).toEqual(e.verdict === 'valid' ? { verdict: 'valid' } : { verdict: 'invalid', failedCheck: e.failedCheck });
    expect(r.code).toBe(e.verdict === 'valid' ? 0 : 1);
  });
});
