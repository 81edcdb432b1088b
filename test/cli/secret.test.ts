// `semodel secret create|inspect`: IBM's inputs give IBM's bytes, the vectors open from the
// owner's side (and the negative fails at its check), machine-side round trips for every
// secret type, the same host key twice, the JSON shape, and one-line errors.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_TYPES } from '../../model/se-format/secret-types.js';
import { sharedVectors } from '../shared-vectors.js';
import { isOneCleanLine, run, runJson, tempDir } from './cli-harness.js';

const ASR = sharedVectors('add-secret');
const ATT = sharedVectors('attestation');
const s = (name: string, f: string): string => path.join(ASR, name, f);
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);
let n = 0;
const fresh = (): string => at(`out-${n++}.asrcb`);

const POSITIVES = ['asr01-null-none-cuid-one', 'asr02-assoc-none-cuid-one', 'asr03-null-simple-cuid-one', 'asr04-assoc-simple-cuid-one', 'asr05-null-derived-cuid-one', 'asr06-assoc-derived-cuid-one'];
// A host key pair of the attestation vectors: private PEM and certificate.
const HOST_PEM = path.join(ATT, 'att01-nks1-nonce', 'host-key-0.pem');
const HOST_CRT = path.join(ATT, 'att01-nks1-nonce', 'host-key-0.crt');
const TAGS = ['--pld', '01'.repeat(64), '--ald', '02'.repeat(64), '--tld', '03'.repeat(64), '--header-tag', '04'.repeat(16)];

interface Inputs {
  secret: { type: string; name?: string };
  extensionSecret: { mode: 'none' | 'simple' | 'derived'; value?: string };
  cuid: string;
  iv: string;
}

/** The command line that gives a vector's request, from its expected.json inputs. */
function argsOf(name: string): string[] {
  const i = (JSON.parse(readFileSync(s(name, 'expected.json'), 'utf8')) as { inputs: Inputs }).inputs;
  const ext = i.extensionSecret.mode === 'none' ? [] : i.extensionSecret.mode === 'derived' ? ['--extension-secret', 'derived', '--cck', s(name, 'cck.bin')] : ['--extension-secret', at(`${name}.ext`)];
  if (i.extensionSecret.mode === 'simple') writeFileSync(at(`${name}.ext`), Buffer.from(i.extensionSecret.value ?? '', 'hex'));
  const secret = i.secret.type === 'null' ? [] : ['--name', i.secret.name ?? '', '--secret', s(name, 'secret.bin')];
  return ['secret', 'create', '--type', i.secret.type, ...secret, '--host-key', s(name, 'host-key.crt'), ...TAGS, '--cuid', i.cuid, ...ext, '--iv', i.iv, '--request-key', s(name, 'request-key.bin'), '--customer-key', s(name, 'customer-private.bin')];
}

describe('secret create with IBM\'s inputs', () => {
  it.each(POSITIVES)('%s: writes IBM\'s request byte for byte', async (name) => {
    const out = fresh();
    const r = await run(...argsOf(name), '-o', out);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readFileSync(out)).toEqual(readFileSync(s(name, 'request.bin')));
    expect(r.out).toContain(Buffer.from(readFileSync(out)).subarray(-16).toString('hex'));
  });

  it('the customer key as PEM gives the same bytes as its raw 80-byte scalar', async () => {
    // The PEM of IBM's customer scalar, made with node:crypto from its JWK.
    const { createPrivateKey } = await import('node:crypto');
    const d = readFileSync(s('asr01-null-none-cuid-one', 'customer-private.bin')).subarray(14);
    const pub = readFileSync(s('asr01-null-none-cuid-one', 'customer-public.bin'));
    const jwk = { kty: 'EC', crv: 'P-521', d: d.toString('base64url'), x: pub.subarray(14, 80).toString('base64url'), y: pub.subarray(94).toString('base64url') };
    writeFileSync(at('customer.pem'), createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }));
    const args = argsOf('asr01-null-none-cuid-one').map((a) => (a === s('asr01-null-none-cuid-one', 'customer-private.bin') ? at('customer.pem') : a));
    const out = fresh();
    expect((await run(...args, '-o', out)).code).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(s('asr01-null-none-cuid-one', 'request.bin')));
  });

  it('the same host key seven times: seven key slots (IBM\'s null_none_default_cuid_seven, 1832 bytes) and a warning', async () => {
    const name = 'asr01-null-none-cuid-one';
    const args = argsOf(name);
    const seven = Array.from({ length: 6 }, () => ['--host-key', s(name, 'host-key.crt')]).flat();
    const out = fresh();
    const r = await run(...args, ...seven, '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('7 key slots');
    expect(readFileSync(out).length).toBe(1832);
    expect(r.errLines).toHaveLength(6);
    expect(r.err).toMatch(/warning: .* same host key/);
    const i = await runJson('secret', 'inspect', out, '--customer-key', s(name, 'customer-private.bin'), '--host-key', s(name, 'host-key.crt'), '--json');
    expect([i.code, (i.json['keySlots'] as unknown[]).length, i.json['slotIndex']]).toEqual([0, 7, 0]);
  });
});

describe('secret inspect', () => {
  it.each(POSITIVES)('%s: opens from the owner\'s side; every check passes; the fields are expected.json\'s', async (name) => {
    const e = JSON.parse(readFileSync(s(name, 'expected.json'), 'utf8')) as { request: Record<string, unknown> & { secretHeader: { type: number; secretLength: number; id: string | null } }; decrypted: { secret: string; extensionSecret: string }; inputs: Inputs };
    const ext = e.inputs.extensionSecret.mode === 'derived' ? ['--extension-secret', 'derived', '--cck', s(name, 'cck.bin')] : [];
    const r = await runJson('secret', 'inspect', s(name, 'request.bin'), '--customer-key', s(name, 'customer-private.bin'), '--host-key', s(name, 'host-key.crt'), ...ext, '--show-secrets', '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      valid: true,
      side: 'owner',
      checks: { format: 'pass', 'key-slot': 'pass', 'request-auth': 'pass', 'secret-header': 'pass', 'extension-secret': ext.length === 0 ? 'skip' : 'pass' },
      rql: e.request['rql'],
      nks: 1,
      sea: e.request['sea'],
      iv: e.request['iv'],
      cuid: e.request['cuid'],
      headerTag: e.request['headerTag'],
      tag: e.request['tag'],
      flags: e.request['flags'],
      disableDump: false,
      customerPublicKey: e.request['customerPublicKey'],
      secretHeader: { type: e.request.secretHeader.type, typeName: e.inputs.secret.type, length: e.request.secretHeader.secretLength },
      slotIndex: 0,
      secret: e.decrypted.secret,
      extensionSecret: e.decrypted.extensionSecret,
    });
    const text = await run('secret', 'inspect', s(name, 'request.bin'), '--customer-key', s(name, 'customer-private.bin'), '--host-key', s(name, 'host-key.crt'));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^valid \(opened from the owner's side\)/);
    expect(text.out).not.toContain(e.decrypted.extensionSecret);
  });

  it('the negative fails at request-auth (exit 1); a wrong extension secret fails at extension-secret', async () => {
    const neg = await runJson('secret', 'inspect', s('neg1-userdata-aad-bitflip', 'request.bin'), '--customer-key', s('neg1-userdata-aad-bitflip', 'customer-private.bin'), '--host-key', s('neg1-userdata-aad-bitflip', 'host-key.crt'), '--json');
    expect(neg.code).toBe(1);
    expect(neg.json).toMatchObject({ valid: false, failedCheck: 'request-auth', checks: { format: 'pass', 'key-slot': 'pass', 'request-auth': 'fail', 'secret-header': 'skip' } });
    const name = 'asr03-null-simple-cuid-one';
    const wrong = await runJson('secret', 'inspect', s(name, 'request.bin'), '--customer-key', s(name, 'customer-private.bin'), '--host-key', s(name, 'host-key.crt'), '--extension-secret', 'none', '--json');
    expect([wrong.code, wrong.json['failedCheck']]).toEqual([1, 'extension-secret']);
    const text = await run('secret', 'inspect', s('neg1-userdata-aad-bitflip', 'request.bin'), '--customer-key', s('neg1-userdata-aad-bitflip', 'customer-private.bin'), '--host-key', s('neg1-userdata-aad-bitflip', 'host-key.crt'));
    expect(text.out).toMatch(/^not valid: request-auth/);
  });

  it('another customer key, or a host the request has no slot for, fails at key-slot', async () => {
    const name = 'asr01-null-none-cuid-one';
    const other = await runJson('secret', 'inspect', s(name, 'request.bin'), '--customer-key', HOST_PEM, '--host-key', s(name, 'host-key.crt'), '--json');
    expect([other.code, other.json['failedCheck'], other.json['reason']]).toEqual([1, 'key-slot', 'customer-key']);
    const noSlot = await runJson('secret', 'inspect', s(name, 'request.bin'), '--customer-key', s(name, 'customer-private.bin'), '--host-key', HOST_CRT, '--json');
    expect([noSlot.code, noSlot.json['failedCheck'], noSlot.json['reason']]).toEqual([1, 'key-slot', 'no-slot']);
    const machine = await runJson('secret', 'inspect', s(name, 'request.bin'), '--host-key', HOST_PEM, '--json');
    expect([machine.code, machine.json['failedCheck'], machine.json['side']]).toEqual([1, 'key-slot', 'machine']);
  });
});

describe('secret create → inspect on the machine side, every type', () => {
  const value = (t: (typeof SECRET_TYPES)[number]): Buffer => Buffer.alloc(t.payloadSize ?? 21, t.code);
  it.each(SECRET_TYPES.map((t) => [t.name, t] as const))('%s', async (_name, t) => {
    const out = fresh();
    const args = ['secret', 'create', '--type', t.name, '--host-key', HOST_CRT, '--header', path.join(ATT, 'att01-nks1-nonce', 'header.bin'), '--seed', '5', '--disable-dump', '-o', out];
    if (t.listable) args.push('--name', `my ${t.name}`);
    if (t.name !== 'null') {
      writeFileSync(at(`${t.name}.val`), value(t));
      args.push('--secret', at(`${t.name}.val`));
    }
    const c = await run(...args);
    expect([c.code, c.err]).toEqual([0, '']);
    const i = await runJson('secret', 'inspect', out, '--host-key', HOST_PEM, '--show-secrets', '--json');
    expect(i.code).toBe(0);
    expect(i.json).toMatchObject({ valid: true, side: 'machine', disableDump: true, secretHeader: { typeName: t.name }, secret: t.name === 'null' ? '' : value(t).toString('hex') });
  });

  it('an association secret without --secret is drawn from the seed; user data, signed or not, is kept', async () => {
    const base = ['secret', 'create', '--type', 'association', '--name', 'x', '--host-key', HOST_CRT, ...TAGS];
    const [a, b] = [fresh(), fresh()];
    expect((await run(...base, '--seed', '9', '-o', a)).code).toBe(0);
    expect((await run(...base, '--seed', '9', '-o', b)).code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    writeFileSync(at('ud.bin'), Buffer.from('hello'));
    for (const [extra, type] of [[[], 1], [['--user-data-key', HOST_PEM], 2]] as const) {
      const out = fresh();
      expect((await run(...base, '--seed', '9', '--user-data', at('ud.bin'), ...extra, '-o', out)).code).toBe(0);
      const i = await runJson('secret', 'inspect', out, '--host-key', HOST_PEM, '--json');
      expect([i.code, i.json['userDataType'], (i.json['userData'] as string).slice(0, 10)]).toEqual([0, type, Buffer.from('hello').toString('hex')]);
    }
  });
});

describe('secret: help and unusable input', () => {
  it('help texts exit 0; no subcommand exits 2; the top help names the commands', async () => {
    for (const args of [['secret', '--help'], ['secret', 'create', '--help'], ['secret', 'inspect', '--help']]) {
      const r = await run(...args);
      expect([r.code, /^usage: semodel secret/.test(r.out)]).toEqual([0, true]);
    }
    expect((await run('secret')).code).toBe(2);
    expect((await run('--help')).out).toContain('semodel secret inspect');
  });

  const base = ['secret', 'create', '--host-key', HOST_CRT, ...TAGS];
  it.each([
    ['an unknown type', [...base, '--type', 'rsa', '-o', 'never']],
    ['no type', [...base, '-o', 'never']],
    ['a listed type without a name', [...base, '--type', 'aes-256', '--secret', HOST_PEM, '-o', 'never']],
    ['a null secret with a name', [...base, '--type', 'null', '--name', 'x', '-o', 'never']],
    ['a null secret with a value', [...base, '--type', 'null', '--secret', HOST_PEM, '-o', 'never']],
    ['a key of the wrong size', [...base, '--type', 'aes-256', '--name', 'k', '--secret', HOST_PEM, '-o', 'never']],
    ['a key without its value', [...base, '--type', 'aes-256', '--name', 'k', '-o', 'never']],
    ['only some of the explicit randomness', [...base, '--type', 'null', '--iv', '55'.repeat(12), '-o', 'never']],
    ['explicit randomness and a seed', [...base, '--type', 'null', '--iv', '55'.repeat(12), '--request-key', s('asr01-null-none-cuid-one', 'request-key.bin'), '--customer-key', s('asr01-null-none-cuid-one', 'customer-private.bin'), '--seed', '1', '-o', 'never']],
    ['a request key of the wrong size', [...base, '--type', 'null', '--iv', '55'.repeat(12), '--request-key', s('asr01-null-none-cuid-one', 'customer-private.bin'), '--customer-key', s('asr01-null-none-cuid-one', 'customer-private.bin'), '-o', 'never']],
    ['a customer key that is neither PEM nor a scalar', [...base, '--type', 'null', '--iv', '55'.repeat(12), '--request-key', s('asr01-null-none-cuid-one', 'request-key.bin'), '--customer-key', s('asr01-null-none-cuid-one', 'request-key.bin'), '-o', 'never']],
    ['a customer key that is a certificate', [...base, '--type', 'null', '--iv', '55'.repeat(12), '--request-key', s('asr01-null-none-cuid-one', 'request-key.bin'), '--customer-key', HOST_CRT, '-o', 'never']],
    ['a short IV', [...base, '--type', 'null', '--iv', '55', '--request-key', s('asr01-null-none-cuid-one', 'request-key.bin'), '--customer-key', s('asr01-null-none-cuid-one', 'customer-private.bin'), '-o', 'never']],
    ['derived without a CCK', [...base, '--type', 'null', '--extension-secret', 'derived', '-o', 'never']],
    ['a CCK without derived', [...base, '--type', 'null', '--cck', s('asr05-null-derived-cuid-one', 'cck.bin'), '-o', 'never']],
    ['an extension-secret file of the wrong size', [...base, '--type', 'null', '--extension-secret', HOST_PEM, '-o', 'never']],
    ['no binding', ['secret', 'create', '--type', 'null', '--host-key', HOST_CRT, '-o', 'never']],
    ['both --header and tags', [...base, '--header', path.join(ATT, 'att01-nks1-nonce', 'header.bin'), '--type', 'null', '-o', 'never']],
    ['a short PLD', ['secret', 'create', '--type', 'null', '--host-key', HOST_CRT, '--pld', '01', '--ald', '02'.repeat(64), '--tld', '03'.repeat(64), '--header-tag', '04'.repeat(16), '-o', 'never']],
    ['no host key', ['secret', 'create', '--type', 'null', ...TAGS, '-o', 'never']],
    ['no output', [...base, '--type', 'null']],
    ['a user-data key without user data', [...base, '--type', 'null', '--user-data-key', HOST_PEM, '-o', 'never']],
    ['inspect without a host key', ['secret', 'inspect', s('asr01-null-none-cuid-one', 'request.bin')]],
    ['inspect without a request', ['secret', 'inspect', '--host-key', HOST_PEM]],
    ['inspect on the machine side with a certificate', ['secret', 'inspect', s('asr01-null-none-cuid-one', 'request.bin'), '--host-key', HOST_CRT]],
    ['inspect of a missing file', ['secret', 'inspect', at('nothing'), '--host-key', HOST_PEM]],
  ])('%s: exit 2, one line', async (_what, args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(existsSync('never')).toBe(false);
  });

  it('an existing output is kept without --force', async () => {
    const out = fresh();
    writeFileSync(out, 'keep');
    const r = await run('secret', 'create', '--type', 'null', '--host-key', HOST_CRT, ...TAGS, '-o', out);
    expect([r.code, readFileSync(out, 'utf8')]).toEqual([2, 'keep']);
    expect((await run('secret', 'create', '--type', 'null', '--host-key', HOST_CRT, ...TAGS, '-o', out, '--force')).code).toBe(0);
    expect(readFileSync(out).length).toBe(1352);
  });

  it('a file that is no request: inspect reports the format check, exit 1', async () => {
    const r = await runJson('secret', 'inspect', HOST_PEM, '--host-key', HOST_PEM, '--json');
    expect([r.code, r.json['valid'], r.json['failedCheck']]).toEqual([1, false, 'format']);
  });
});
