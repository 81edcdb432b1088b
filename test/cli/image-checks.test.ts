// `semodel image verify` names the check that stops an image: edited copies of a real vector
// (in a temp folder, never the vectors themselves) fail at header-format, key-slot, header-auth,
// tweak-reuse, and at verify's digests.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedOf, hostKeyArgs, hostKeyFiles, isOneCleanLine, PROJECT, run, runJson, tempDir, vec } from './cli-harness.js';

const NAME = '02-nks2-dump-cck';
const expected = expectedOf(NAME);
const keys = hostKeyFiles(NAME);
const headerOffset = Number(expected['layout']['headerOffset']);
const ipibOffset = Number(expected['layout']['ipibOffset']);
const nks = Number(expected['header']['nks']);
const { dir, cleanup } = tempDir();
afterAll(cleanup);

let counter = 0;
/** A copy of the vector's image with `edit` applied, in the temp folder. */
function editedImage(edit: (b: Uint8Array) => void): string {
  const bytes = new Uint8Array(readFileSync(vec(NAME, 'image.bin')));
  edit(bytes);
  const file = path.join(dir, `edited-${counter++}.bin`);
  writeFileSync(file, bytes);
  return file;
}

const verifyJson = (file: string, ...more: string[]) => runJson<Record<string, any>>('image', 'verify', file, ...hostKeyArgs(keys), '--json', ...more);

describe('image verify reports the failing check', () => {
  it('an unsupported header version: header-format (exit 1)', async () => {
    const file = editedImage((b) => {
      b[headerOffset + 0x0a] = 0x02; // version 0x00000100 → 0x00000200
    });
    const { code, json } = await verifyJson(file);
    expect(code).toBe(1);
    expect(json).toMatchObject({ valid: false, failedCheck: 'header-format', code: 'UNSUPPORTED_VERSION', requirement: 'REQ-UNPACK-3', step: 'set-header' });
    expect(String(json['detail'])).toMatch(/version at offset 0x/);
    expect(json['checks']).toEqual({ 'header-format': 'FAIL', 'key-slot': 'NOT-RUN', 'header-auth': 'NOT-RUN', pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' });
    const r = await run('image', 'verify', file, ...hostKeyArgs(keys));
    expect(r.out).toMatch(/^invalid: header-format \(UNSUPPORTED_VERSION, REQ-UNPACK-3\)/);
  });

  it('a damaged wrapped key in the only slot of the given host: key-slot (KEY_SLOT_AUTH)', async () => {
    const file = editedImage((b) => {
      const at = headerOffset + 0x1a0 + 32; // slot 0's wrapped key
      b[at] = (b[at] ?? 0) ^ 0x01;
    });
    const { code, json } = await runJson<Record<string, any>>('image', 'verify', file, '--host-key', keys[0] ?? '', '--json');
    expect(code).toBe(1);
    expect(json).toMatchObject({ failedCheck: 'key-slot', code: 'KEY_SLOT_AUTH', requirement: 'REQ-UNPACK-4', keySlot: null });
    // No page was unpacked: the digests were never compared (issue 7: NOT-RUN, no longer PASS).
    expect(json['checks']).toEqual({ 'header-format': 'PASS', 'key-slot': 'FAIL', 'header-auth': 'NOT-RUN', pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' });
    const r = await run('image', 'verify', file, '--host-key', keys[0] ?? '');
    expect(r.out).toMatch(/\nchecks: header-format PASS, key-slot FAIL, header-auth NOT-RUN, pld NOT-RUN, ald NOT-RUN, tld NOT-RUN, nep NOT-RUN$/);
  });

  it('a damaged encrypted area: header-auth', async () => {
    const file = editedImage((b) => {
      const at = headerOffset + 0x1a0 + 80 * nks + 5;
      b[at] = (b[at] ?? 0) ^ 0x80;
    });
    const { code, json } = await verifyJson(file);
    expect(code).toBe(1);
    expect(json).toMatchObject({ failedCheck: 'header-auth', code: 'HEADER_AUTH', requirement: 'REQ-UNPACK-5', step: 'set-header', unpacked: 0 });
    expect(json['checks']).toEqual({ 'header-format': 'PASS', 'key-slot': 'PASS', 'header-auth': 'FAIL', pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' });
  });

  it('two components with the same tweak prefix: tweak-reuse at the second component, with its address', async () => {
    const comps = expected['components'] as { guestAddress: string }[];
    const file = editedImage((b) => {
      const entry = (i: number) => ipibOffset + 8 + 0x80 + 24 * i; // IPIB component i: tweakPref, addr, len
      b.copyWithin(entry(1), entry(0), entry(0) + 8);
    });
    const { code, json } = await verifyJson(file);
    expect(code).toBe(1);
    expect(json).toMatchObject({
      failedCheck: 'tweak-reuse',
      code: 'TWEAK_REUSED',
      requirement: 'REQ-UNPACK-10',
      step: 'unpack',
      address: comps[1]?.guestAddress,
      keySlot: 0,
    });
    expect(json['unpacked']).toBe(Number(expected['components'][0]['pageCount']));
    // The run stopped at unpack: verify never compared the digests (issue 7: NOT-RUN, was tld FAIL).
    expect(json['checks']).toEqual({ 'header-format': 'PASS', 'key-slot': 'PASS', 'header-auth': 'PASS', pld: 'NOT-RUN', ald: 'NOT-RUN', tld: 'NOT-RUN', nep: 'NOT-RUN' });
    const r = await run('image', 'verify', file, ...hostKeyArgs(keys));
    expect(r.out).toMatch(/^invalid: tweak-reuse \(TWEAK_REUSED, REQ-UNPACK-10\) at unpack of page 0x0*18000/);
  });

  it('a changed tweak prefix of the last component: tld', async () => {
    const comps = expected['components'] as { guestAddress: string; length: number }[];
    const stage3b = comps[comps.length - 1];
    const file = editedImage((b) => {
      // Change the stage3b component's tweak prefix: every tweak changes, the stored pages do not.
      const entry = ipibOffset + 8 + 0x80 + 24 * (comps.length - 1);
      b[entry + 7] = (b[entry + 7] ?? 0) ^ 0x01;
    });
    expect(stage3b).toBeDefined();
    const { code, json } = await verifyJson(file);
    expect(code).toBe(1);
    // Pages and addresses are as sealed, tweaks are not: PLD and ALD pass, TLD fails.
    expect(json).toMatchObject({ failedCheck: 'tld', code: 'TLD_MISMATCH', requirement: 'REQ-UNPACK-12', step: 'verify' });
    expect(json['checks']).toMatchObject({ pld: 'PASS', ald: 'PASS', tld: 'FAIL', nep: 'PASS' });
  });

  it('a stored page changed: pld, as the negative vectors', async () => {
    const file = editedImage((b) => {
      const at = Number(expected['components'][0]['guestAddress']) + 100;
      b[at] = (b[at] ?? 0) ^ 0xff;
    });
    const { code, json } = await verifyJson(file);
    expect(code).toBe(1);
    expect(json).toMatchObject({ failedCheck: 'pld', code: 'PLD_MISMATCH', step: 'verify' });
    // Every page was unpacked and verify ran: all four digests were compared.
    expect(json['checks']).toEqual({ 'header-format': 'PASS', 'key-slot': 'PASS', 'header-auth': 'PASS', pld: 'FAIL', ald: 'PASS', tld: 'PASS', nep: 'PASS' });
  });

  it('an image whose IPIB points outside the file is unusable input (exit 2, field and offset)', async () => {
    const file = editedImage((b) => {
      const entry = ipibOffset + 8 + 0x80; // component 0: make its length huge
      b[entry + 16] = 0x7f;
    });
    const r = await run('image', 'verify', file, ...hostKeyArgs(keys));
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r)).toBe(true);
    expect(r.err).toMatch(/ipib\.components\[0\]\.len at offset 0x[0-9a-f]+/);
  });
});

describe('image verify: one rule for a failed check (1) and unusable input (2)', () => {
  const whole = readFileSync(vec(NAME, 'image.bin'));
  const headerSize = Number(expected['layout']['headerSize']);
  // Cuts everywhere: in the boot area, before the header, inside it (fixed part, key slots,
  // encrypted area, tag), in the IPIB'd components, one byte short of the end.
  const cuts = [0, 1, 100, 4096, 0x10000, headerOffset - 1, headerOffset, headerOffset + 8, headerOffset + 100, headerOffset + 0x1a0 + 10, headerOffset + headerSize - 1, headerOffset + headerSize, headerOffset + headerSize + 4096, whole.length - 4096, whole.length - 1];
  it.each(cuts)('a file cut to %i bytes is unusable input: exit 2, one line, no report', async (size) => {
    const file = path.join(dir, `cut-${size}.bin`);
    writeFileSync(file, whole.subarray(0, size));
    for (const json of [[], ['--json']]) {
      const r = await run('image', 'verify', file, ...hostKeyArgs(keys), ...json);
      expect(r.code, r.err).toBe(2);
      expect(isOneCleanLine(r), r.err).toBe(true);
      expect(r.err).toMatch(/not a usable SE image or header/);
      expect(r.out).toBe('');
    }
  });

  it('a cut inside the header names the header, its offset and how much of it is there', async () => {
    const file = path.join(dir, 'cut-in-header.bin');
    writeFileSync(file, whole.subarray(0, headerOffset + headerSize - 1));
    const r = await run('image', 'verify', file, ...hostKeyArgs(keys));
    expect(r.err).toBe(`semodel: ${file}: not a usable SE image or header: the file ends inside its SE header at 0x${headerOffset.toString(16)} (${headerSize - 1} of its ${headerSize} bytes); is it truncated?`);
  });

  it('the help and the README state the rule', async () => {
    const help = (await run('image', 'verify', '--help')).out;
    expect(help).toMatch(/1 a check failed: the file holds a whole image/);
    expect(help).toMatch(/2 unusable\s+input or arguments: the file is not a whole image/);
    expect(help).toMatch(/NOT-RUN/);
    const readme = readFileSync(path.join(PROJECT, 'README.md'), 'utf8');
    expect(readme).toMatch(/truncated/);
    expect(readme).toMatch(/NOT-RUN/);
  });
});
