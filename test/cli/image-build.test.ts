// `semodel image build`: host key files of every accepted form, build → verify round trips,
// repeatable builds with --seed, --cck, and that nothing existing is overwritten without --force.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedOf } from '../../cli/image-build.js';
import { IMAGE_SUITE } from '../../cli/image-common.js';
import { loadHostKeys } from '../../cli/host-keys.js';
import { processIo } from '../../cli/io.js';
import { bytesToHex, utf8ToBytes } from '../../model/core/bytes.js';
import { buildImage, deriveBuildSecrets } from '../../model/se-format/image-builder.js';
import { isOneCleanLine, run, runJson, tempDir, vec } from './cli-harness.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const at = (f: string): string => path.join(dir, f);

// A host key pair made here, in every PEM form the command accepts.
const pair = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
writeFileSync(at('host.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(at('host-sec1.pem'), pair.privateKey.export({ type: 'sec1', format: 'pem' }));
writeFileSync(at('host-pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
const other = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
writeFileSync(at('other.pem'), other.privateKey.export({ type: 'pkcs8', format: 'pem' }));

// Inputs: a kernel that is not a page multiple, an initrd, a CCK.
const kernel = new Uint8Array(3 * 4096 + 123).map((_, i) => (i * 7 + 3) & 0xff);
writeFileSync(at('kernel.bin'), kernel);
writeFileSync(at('initrd.bin'), new Uint8Array(5000).fill(0x5a));
const cck = new Uint8Array(32).map((_, i) => 0xc0 + i);
writeFileSync(at('cck.bin'), cck);
writeFileSync(at('cck-short.bin'), cck.subarray(0, 31));

const inputs = ['--kernel', at('kernel.bin'), '--initrd', at('initrd.bin'), '--parmline', 'console=ttysclp0 root=/dev/vda'];
let n = 0;
const fresh = (): string => at(`out-${n++}.img`);

describe('image build', () => {
  it('builds an image that verifies with the host private key (round trip), one line of summary', async () => {
    const out = fresh();
    const b = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '1', '-o', out);
    expect(b.code).toBe(0);
    expect(b.err).toBe('');
    expect(b.out.split('\n')).toHaveLength(1);
    const size = readFileSync(out).length;
    expect(b.out).toContain(out);
    expect(b.out).toContain(`${size} bytes`);
    expect(b.out).toContain('1 key slot');
    expect(b.out).toMatch(/\b9 secured pages\b/); // kernel 4 + parmline 1 + initrd 2 + stage3b 2
    const v = await run('image', 'verify', out, '--host-key', at('host.pem'));
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^valid\b/);
  });

  it('takes a public key or a SEC1 private key as host key; verify needs the private one', async () => {
    const out = fresh();
    expect((await run('image', 'build', ...inputs, '--host-key', at('host-pub.pem'), '--seed', '2', '-o', out)).code).toBe(0);
    expect((await run('image', 'verify', out, '--host-key', at('host-sec1.pem'))).code).toBe(0);
    expect((await run('image', 'verify', out, '--host-key', at('host.pem'))).code).toBe(0);
    const pub = await run('image', 'verify', out, '--host-key', at('host-pub.pem'));
    expect(pub.code).toBe(2);
    expect(pub.err).toContain('public key');
  });

  it('takes certificates; one key slot per --host-key, in order', async () => {
    const out = fresh();
    const b = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--host-key', vec('keys', 'host-key-A1.crt'), '--host-key', vec('keys', 'host-key-A0.pem'), '--seed', '3', '-o', out);
    expect(b.code).toBe(0);
    expect(b.out).toContain('3 key slots');
    const { json } = await runJson<Record<string, any>>('image', 'inspect', out, '--host-key', at('host.pem'), '--host-key', vec('keys', 'host-key-A1.pem'), '--host-key', vec('keys', 'host-key-A0.crt'), '--json');
    expect(json['header']['nks']).toBe(3);
    expect(json['hostKeys'].map((k: { keySlot: number }) => k.keySlot)).toEqual([0, 1, 2]);
    for (const key of [vec('keys', 'host-key-A0.pem'), vec('keys', 'host-key-A1.pem'), at('host.pem')]) {
      const v = await runJson<Record<string, any>>('image', 'verify', out, '--host-key', key, '--json');
      expect(v.code, key).toBe(0);
    }
    const wrong = await runJson<Record<string, any>>('image', 'verify', out, '--host-key', at('other.pem'), '--json');
    expect(wrong.code).toBe(1);
    expect(wrong.json['failedCheck']).toBe('key-slot');
  });

  it('repeats byte for byte with the same --seed, differs with another', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    expect((await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '42', '-o', a)).code).toBe(0);
    expect((await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '0042', '-o', b)).code).toBe(0);
    expect((await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '43', '-o', c)).code).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(c))).not.toBe(0);
  });

  it('a kernel large enough to be encrypted on a worker thread (5 MiB) gives the image the model builds', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 77).map((_, i) => (i * 13 + (i >>> 12)) & 0xff);
    writeFileSync(at('big-kernel.bin'), big);
    const out = fresh();
    const b = await run('image', 'build', '--kernel', at('big-kernel.bin'), '--initrd', at('initrd.bin'), '--host-key', at('host.pem'), '--seed', '5', '-o', out);
    expect(b.code).toBe(0);
    const hostKeys = loadHostKeys(processIo, IMAGE_SUITE, [at('host.pem')]).map((k) => k.publicKey);
    const expected = buildImage(IMAGE_SUITE, { ...deriveBuildSecrets(IMAGE_SUITE, seedOf('5')), kernel: big, initrd: new Uint8Array(5000).fill(0x5a), hostKeys });
    if (!expected.ok) throw new Error(JSON.stringify(expected.error));
    expect(Buffer.compare(readFileSync(out), expected.value.image)).toBe(0);
  });

  it('--seed N is SHA-256 of the decimal digits of N', () => {
    expect(bytesToHex(seedOf('007'))).toBe(bytesToHex(IMAGE_SUITE.sha256(utf8ToBytes('7'))));
    expect(bytesToHex(seedOf('18446744073709551616'))).toBe(bytesToHex(IMAGE_SUITE.sha256(utf8ToBytes('18446744073709551616'))));
  });

  it('without --seed says the image is not reproducible, and two builds differ', async () => {
    const [a, b] = [fresh(), fresh()];
    const r = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '-o', a);
    expect(r.code).toBe(0);
    expect(r.out).toContain('not reproducible');
    expect((await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '-o', b)).code).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).not.toBe(0);
  });

  it('--cck sets the CCK; --pcf and --scf set the flags; no decryption still verifies', async () => {
    const out = fresh();
    const b = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--cck', at('cck.bin'), '--pcf', '0x100000e0', '--scf', '0x4000000000000000', '--seed', '5', '-o', out);
    expect(b.code).toBe(0);
    const { json } = await runJson<Record<string, any>>('image', 'inspect', out, '--host-key', at('host.pem'), '--show-secrets', '--json');
    expect(json['header']['cck']).toBe(bytesToHex(cck));
    expect(json['header']['pcf']).toBe('0x00000000100000e0');
    expect(json['header']['scf']).toBe('0x4000000000000000');
    expect(json['components'].map((c: { kind: string }) => c.kind)).toEqual(['kernel', 'parmline', 'initrd', 'stage3b']);
    expect(json['components'][0]['originalLength']).toBe(kernel.length);
    expect(json['components'][1]['originalLength']).toBe('console=ttysclp0 root=/dev/vda'.length + 1);
    // Stored in plaintext: the kernel's bytes are in the file as they are.
    const file = readFileSync(out);
    const kAt = Number(json['components'][0]['guestAddress']);
    expect(Buffer.compare(file.subarray(kAt, kAt + kernel.length), kernel)).toBe(0);
    expect((await run('image', 'verify', out, '--host-key', at('host.pem'))).code).toBe(0);
  });

  it('a CCK file of the wrong size is refused (exit 2), and nothing is written', async () => {
    const out = fresh();
    const r = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--cck', at('cck-short.bin'), '-o', out);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(r.err).toContain('cck-short.bin');
    expect(r.err).toContain('32 bytes');
    expect(existsSync(out)).toBe(false);
  });

  it('never overwrites an existing file without --force', async () => {
    const out = fresh();
    writeFileSync(out, 'precious');
    const r = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '1', '-o', out);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(r.err).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const forced = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '1', '-o', out, '--force');
    expect(forced.code).toBe(0);
    expect((await run('image', 'verify', out, '--host-key', at('host.pem'))).code).toBe(0);
  });

  it('writes through a temporary file that never stays behind, and into a missing folder not at all', async () => {
    const r = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '--seed', '1', '-o', at('no-such-dir/out.img'));
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('semodel-tmp'))).toEqual([]);
  });

  it('refuses to write over one of its inputs, even with --force', async () => {
    const r = await run('image', 'build', ...inputs, '--host-key', at('host.pem'), '-o', at('kernel.bin'), '--force');
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(Buffer.compare(readFileSync(at('kernel.bin')), kernel)).toBe(0);
  });

  it('refuses host keys that are not P-521 EC keys, naming the file', async () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(at('p256.pem'), p256.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(at('rsa.pem'), rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(at('locked.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }));
    writeFileSync(at('not-pem.pem'), 'hello\n');
    writeFileSync(at('broken.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    for (const [file, says] of [
      ['p256.pem', 'prime256v1'],
      ['rsa.pem', 'RSA'],
      ['locked.pem', 'encrypted'],
      ['not-pem.pem', 'not a PEM file'],
      ['broken.pem', 'cannot parse'],
    ] as const) {
      const out = fresh();
      const r = await run('image', 'build', '--kernel', at('kernel.bin'), '--host-key', at(file), '-o', out);
      expect(r.code, file).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
      expect(r.err).toContain(at(file));
      expect(r.err).toContain(says);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('refuses the same host key twice', async () => {
    const r = await run('image', 'build', '--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '--host-key', at('host-pub.pem'), '-o', fresh());
    expect(r.code).toBe(2);
    expect(r.err).toContain('same host key');
  });

  it('needs --kernel, --host-key and -o; checks --seed, --pcf and --scf', async () => {
    const cases: string[][] = [
      ['--host-key', at('host.pem'), '-o', fresh()],
      ['--kernel', at('kernel.bin'), '-o', fresh()],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem')],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '-o', fresh(), '--seed', '-1'],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '-o', fresh(), '--seed', 'abc'],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '-o', fresh(), '--pcf', 'xyz'],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '-o', fresh(), '--scf', '0x11112222333344445'],
      ['--kernel', at('missing.bin'), '--host-key', at('host.pem'), '-o', fresh()],
      ['--kernel', at('kernel.bin'), '--host-key', at('host.pem'), '-o', fresh(), 'extra'],
    ];
    const before = readdirSync(dir).length;
    for (const args of cases) {
      const r = await run('image', 'build', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
    }
    expect(readdirSync(dir).length).toBe(before);
  });

  it('an empty kernel and no initrd or parmline still make a valid image', async () => {
    writeFileSync(at('empty.bin'), new Uint8Array(0));
    const out = fresh();
    expect((await run('image', 'build', '--kernel', at('empty.bin'), '--host-key', at('host.pem'), '--seed', '9', '-o', out)).code).toBe(0);
    const v = await runJson<Record<string, any>>('image', 'verify', out, '--host-key', at('host.pem'), '--json');
    expect(v.code).toBe(0);
    expect(v.json['pages']).toBe(3); // kernel 1 (empty still takes a page) + stage3b 2
  });
});
