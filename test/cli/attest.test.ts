// `semodel attest create|measure|verify`: create → measure → verify round trips, IBM's pvattest
// vectors through the CLI (measure rebuilds their responses, verify gives pvattest's verdicts),
// the JSON shape, and one-line errors with exit 2 for unusable input.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeArcb } from '../../model/se-format/arcb.js';
import { decodeExchange } from '../../model/se-format/pvattest-exchange.js';
import { sharedVectors } from '../shared-vectors.js';
import { isOneCleanLine, run, runJson, tempDir } from './cli-harness.js';

const ATT = sharedVectors('attestation');
const ASR = sharedVectors('add-secret');
const v = (name: string, f: string): string => path.join(ATT, name, f);
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);
let n = 0;
const fresh = (ext: string): string => at(`out-${n++}.${ext}`);
const hexOf = (f: string): string => Buffer.from(readFileSync(f)).toString('hex');

const A = 'att02-nks2-nonce-user256'; // two host keys, its header has slots for both
const POSITIVES = ['att01-nks1-nonce', 'att02-nks2-nonce-user256', 'att03-nks1-nononce-phkh-img-att'];

describe('attest create → measure → verify', () => {
  it.each([
    [[], '0x4000000000000000', 0],
    [['--no-nonce'], '0x0000000000000000', 0],
    [['--phkh-img', '--phkh-att'], '0x7000000000000000', 64],
    [['--no-nonce', '--secret-store-hash'], '0x0800000000000000', 64],
  ])('flags %j: the request asks for PAF %s; the response verifies with the ARPK', async (flags, paf, additional) => {
    const req = fresh('req');
    const arpk = fresh('arpk');
    const c = await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--host-key', v(A, 'host-key-1.pem'), ...flags, '--seed', '3', '-o', req, '--arpk', arpk);
    expect([c.code, c.err]).toEqual([0, '']);
    expect(c.out).toContain('2 key slots');
    expect(c.out).toContain(`flags ${paf}`);
    expect(readFileSync(arpk).length).toBe(32);
    const file = decodeExchange(new Uint8Array(readFileSync(req)));
    expect(file.ok && [file.value.measurementSize, file.value.additionalSize]).toEqual([64, additional]);
    const arcb = file.ok ? decodeArcb(file.value.arcb) : undefined;
    expect(arcb?.ok && `0x${arcb.value.paf.toString(16).padStart(16, '0')}`).toBe(paf);
    writeFileSync(at('user.bin'), Uint8Array.of(1, 2, 3));
    const resp = fresh('resp');
    const m = await run('attest', 'measure', '--request', req, '--host-key', v(A, 'host-key-1.pem'), '--header', v(A, 'header.bin'), '--cuid', hexOf(v(A, 'cuid.bin')), '--user-data', at('user.bin'), '--secret', path.join(ASR, 'asr01-null-none-cuid-one', 'request.bin'), '-o', resp);
    expect([m.code, m.err]).toEqual([0, '']);
    const ok = await runJson('attest', 'verify', '--response', resp, '--header', v(A, 'header.bin'), '--arpk', arpk, '--json');
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ verified: true, cuid: hexOf(v(A, 'cuid.bin')), userData: '010203', paf });
    expect((ok.json['additionalData'] as string).length).toBe(2 * additional);
    // Against another image's header the measurement differs.
    const other = await runJson('attest', 'verify', '--response', resp, '--header', v('att01-nks1-nonce', 'header.bin'), '--arpk', arpk, '--json');
    expect(other.code).toBe(1);
    expect(other.json).toMatchObject({ verified: false, failedCheck: 'measurement' });
  });

  it('--seed repeats a request byte for byte; without it two requests differ; no --arpk warns', async () => {
    const [a, b, c] = [fresh('req'), fresh('req'), fresh('req')];
    for (const out of [a, b]) expect((await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--seed', '11', '-o', out)).code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const r = await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '-o', c);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(random)');
    expect(r.err).toMatch(/warning: no --arpk/);
    expect(readFileSync(c)).not.toEqual(readFileSync(a));
  });

  it('the same host key twice gets two key slots and a warning', async () => {
    const out = fresh('req');
    const r = await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--host-key', v(A, 'host-key-0.pem'), '--seed', '1', '-o', out, '--arpk', fresh('arpk'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 key slots');
    expect(r.err).toMatch(/same host key/);
  });
});

describe('IBM\'s pvattest vectors through the CLI', () => {
  it.each(POSITIVES)('%s: measure with the host private key writes pvattest\'s response byte for byte', async (name) => {
    const out = fresh('resp');
    const userData = existsSync(v(name, 'user-data.bin')) ? ['--user-data', v(name, 'user-data.bin')] : [];
    const r = await run('attest', 'measure', '--request', v(name, 'request.bin'), '--host-key', v(name, 'host-key-0.pem'), '--header', v(name, 'header.bin'), '--cuid', hexOf(v(name, 'cuid.bin')), ...userData, '-o', out);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readFileSync(out)).toEqual(readFileSync(v(name, 'response.bin')));
  });

  it.each([...POSITIVES, 'neg1-measurement-bitflip', 'neg2-cuid-changed', 'neg7-arcb-aad-tampered'])('%s: verify gives pvattest\'s verdict', async (name) => {
    const e = JSON.parse(readFileSync(v(name, 'expected.json'), 'utf8')) as { expectedVerifyRc: number; cuid: string; userData: string; additionalData: string };
    const r = await runJson('attest', 'verify', '--response', v(name, 'response.bin'), '--header', v(name, 'header.bin'), '--arpk', v(name, 'arpk.bin'), '--json');
    expect(r.code).toBe(e.expectedVerifyRc === 0 ? 0 : 1);
    expect(r.json).toMatchObject({ verified: e.expectedVerifyRc === 0, cuid: e.cuid, userData: e.userData, additionalData: e.additionalData });
    expect(r.json['failedCheck']).toBe([undefined, 'request-auth', 'measurement'][e.expectedVerifyRc]);
    const text = await run('attest', 'verify', '--response', v(name, 'response.bin'), '--header', v(name, 'header.bin'), '--arpk', v(name, 'arpk.bin'));
    expect(text.out.split('\n')[0]).toMatch(e.expectedVerifyRc === 0 ? /^verified/ : /^not verified/);
  });

  it('measure with a host key the request has no slot for fails its check: exit 1, one line', async () => {
    const r = await run('attest', 'measure', '--request', v('att01-nks1-nonce', 'request.bin'), '--host-key', v('att03-nks1-nononce-phkh-img-att', 'host-key-0.pem'), '--header', v('att01-nks1-nonce', 'header.bin'), '--cuid', '00'.repeat(16), '-o', fresh('resp'));
    expect(r.code).toBe(1);
    expect(isOneCleanLine(r)).toBe(true);
    expect(r.err).toContain('key-slot');
  });
});

describe('attest: help and unusable input', () => {
  it('help texts exit 0; no subcommand exits 2; an unknown one is one line', async () => {
    for (const args of [['attest', '--help'], ['attest', 'create', '--help'], ['attest', 'measure', '--help'], ['attest', 'verify', '--help']]) {
      const r = await run(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage: semodel attest/);
    }
    expect((await run('attest')).code).toBe(2);
    const u = await run('attest', 'frobnicate');
    expect([u.code, isOneCleanLine(u)]).toEqual([2, true]);
    expect((await run('--help')).out).toContain('semodel attest verify');
  });

  it.each([
    ['create without a host key', ['attest', 'create', '-o', 'x']],
    ['create without -o', ['attest', 'create', '--host-key', v(A, 'host-key-0.crt')]],
    ['create onto an input', ['attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '-o', v(A, 'host-key-0.crt')]],
    ['create with a bad seed', ['attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--seed', 'x', '-o', 'never']],
    ['measure with a public host key', ['attest', 'measure', '--request', v(A, 'request.bin'), '--host-key', v(A, 'host-key-0.crt'), '--header', v(A, 'header.bin'), '--cuid', '00'.repeat(16), '-o', 'never']],
    ['measure with a short CUID', ['attest', 'measure', '--request', v(A, 'request.bin'), '--host-key', v(A, 'host-key-0.pem'), '--header', v(A, 'header.bin'), '--cuid', '00', '-o', 'never']],
    ['measure without --request', ['attest', 'measure', '--host-key', v(A, 'host-key-0.pem'), '--header', v(A, 'header.bin'), '--cuid', '00'.repeat(16), '-o', 'never']],
    ['measure of a file that is no exchange file', ['attest', 'measure', '--request', v(A, 'arcb.bin'), '--host-key', v(A, 'host-key-0.pem'), '--header', v(A, 'header.bin'), '--cuid', '00'.repeat(16), '-o', 'never']],
    ['measure with 257 bytes of user data', ['attest', 'measure', '--request', v(A, 'request.bin'), '--host-key', v(A, 'host-key-0.pem'), '--header', v(A, 'header.bin'), '--cuid', '00'.repeat(16), '--user-data', v(A, 'response.bin'), '-o', 'never']],
    ['measure of an image-PHKH request with a header that has no slot for this host', ['attest', 'measure', '--request', v('att03-nks1-nononce-phkh-img-att', 'request.bin'), '--host-key', v('att03-nks1-nononce-phkh-img-att', 'host-key-0.pem'), '--header', v('att01-nks1-nonce', 'header.bin'), '--cuid', '00'.repeat(16), '-o', 'never']],
    ['verify with an ARPK of the wrong size', ['attest', 'verify', '--response', v(A, 'response.bin'), '--header', v(A, 'header.bin'), '--arpk', v(A, 'cuid.bin')]],
    ['verify of a file that is no exchange file', ['attest', 'verify', '--response', v(A, 'arcb.bin'), '--header', v(A, 'header.bin'), '--arpk', v(A, 'arpk.bin')]],
    ['verify with a missing header', ['attest', 'verify', '--response', v(A, 'response.bin'), '--header', at('nothing'), '--arpk', v(A, 'arpk.bin')]],
    ['verify without --arpk', ['attest', 'verify', '--response', v(A, 'response.bin'), '--header', v(A, 'header.bin')]],
  ])('%s: exit 2, one line', async (_what, args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(existsSync('never')).toBe(false);
  });

  it('an existing output is kept without --force, replaced with it', async () => {
    const out = fresh('req');
    writeFileSync(out, 'keep');
    const r = await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--seed', '1', '-o', out);
    expect([r.code, readFileSync(out, 'utf8')]).toEqual([2, 'keep']);
    const arpk = fresh('arpk');
    writeFileSync(arpk, 'keep');
    const fresh2 = fresh('req');
    expect((await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--seed', '1', '-o', fresh2, '--arpk', arpk)).code).toBe(2);
    expect(existsSync(fresh2)).toBe(false);
    expect((await run('attest', 'create', '--host-key', v(A, 'host-key-0.crt'), '--seed', '1', '-o', out, '--arpk', arpk, '--force')).code).toBe(0);
    expect(readFileSync(arpk).length).toBe(32);
  });
});
