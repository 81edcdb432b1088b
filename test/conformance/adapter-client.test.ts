// The adapter client against adapters that misbehave (test/conformance/fixtures/misbehave.mjs):
// each failure is an AdapterFailure of the right kind with a one-line message, the process is
// stopped, every later call rejects at once with the same failure, and nothing hangs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actionForWire, AdapterFailure, openAdapter, PartyNotModelled, splitCommand, type AdapterFailureKind, type AdapterSystem } from '../../conformance/adapter/index.js';
import type { WorldConfig } from '../../model/platform/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, 'fixtures', 'misbehave.mjs');

/** A word quoted for {@link splitCommand}. */
const quote = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;
/** The command line that runs the misbehaving fixture in `mode`. */
const misbehave = (mode: string): string => [process.execPath, FIXTURE, mode].map(quote).join(' ');

const CONFIG: WorldConfig = { suite: 'noble', machines: [{ id: 0, hostKeys: [], seed: new Uint8Array(4) }], adapters: [] };
const CREATE = { kind: 'create-guest', machine: 0, memoryPages: 4 };
const TIMEOUT = 300;

/** The failure `p` rejects with (and that it is one). */
async function failureOf(p: Promise<unknown>): Promise<AdapterFailure> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AdapterFailure);
  return e as AdapterFailure;
}

/** Opens the fixture in `mode` and resets it. */
async function opened(mode: string): Promise<AdapterSystem> {
  const sut = await openAdapter(misbehave(mode), { timeoutMs: TIMEOUT });
  await sut.reset(CONFIG);
  return sut;
}

/** Checks a failure's kind and message, and that later calls reject at once with the same one. */
async function expectSticky(sut: AdapterSystem, f: AdapterFailure, kind: AdapterFailureKind, message: RegExp): Promise<void> {
  expect(f.kind).toBe(kind);
  expect(f.message).toMatch(message);
  expect(f.message).not.toContain('\n');
  expect(sut.failure).toBe(f);
  const t0 = performance.now();
  await expect(sut.apply(CREATE)).rejects.toBe(f);
  await expect(sut.observe({ kind: 'hypervisor' })).rejects.toBe(f);
  await expect(sut.reset(CONFIG)).rejects.toBe(f);
  expect(performance.now() - t0).toBeLessThan(100);
  // close after a failure resolves (the process is already stopped).
  await sut.close();
}

describe('splitCommand', () => {
  it('splits at blanks and honours quotes and backslashes like a shell', () => {
    expect(splitCommand(`node  bin/semodel.mjs adapter`)).toEqual(['node', 'bin/semodel.mjs', 'adapter']);
    expect(splitCommand(`python3 "my adapter.py" --x 'a b' c\\ d "q\\"x" ''`)).toEqual(['python3', 'my adapter.py', '--x', 'a b', 'c d', 'q"x', '']);
    expect(splitCommand(`a|b $HOME`)).toEqual(['a|b', '$HOME']);
    expect(() => splitCommand(`a 'b`)).toThrow(/unclosed ' quote/);
    expect(() => splitCommand(`a \\`)).toThrow(/backslash/);
  });
});

describe('actionForWire: what apply sends', () => {
  it('a well-formed action as its wire form, anything else as a spelling with no top-level kind', () => {
    expect(actionForWire({ kind: 'unpack', guest: 1, address: 4096n, tweak: new Uint8Array(16), page: new Uint8Array(2) })).toEqual({
      json: { kind: 'unpack', guest: 1, address: '0x1000', tweak: '00'.repeat(16), page: '0000' },
      kind: 'unpack',
      wellFormed: true,
    });
    const hostile = actionForWire({ kind: 'destroy-guest', guest: NaN });
    expect(hostile).toEqual({ json: { $reads: [['kind', 'destroy-guest'], ['guest', { $number: 'NaN' }]], $array: false }, kind: 'destroy-guest', wellFormed: false });
    const trapped = actionForWire(new Proxy({}, { get: () => { throw new Error('trap'); } }));
    expect(trapped).toEqual({ json: { $reads: [['kind', { $throws: 'trap' }]], $array: false }, kind: undefined, wellFormed: false });
    expect(actionForWire(7n)).toEqual({ json: { $bigint: '7' }, kind: undefined, wellFormed: false });
  });
});

describe('openAdapter against misbehaving adapters', () => {
  it('a well-behaved session: hello, reset, apply, observe, bye; closed afterwards', async () => {
    const sut = await openAdapter(misbehave('none'), { timeoutMs: TIMEOUT });
    expect(sut.hello).toEqual({ protocol: 'semodel-adapter/1', implementation: 'misbehave-none', version: '0', mechanisms: [] });
    expect(sut.name).toBe('misbehave-none 0');
    await sut.reset(CONFIG);
    expect(await sut.apply(CREATE)).toEqual({ kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' });
    expect(await sut.observe({ kind: 'guest', guest: 1 })).toBeNull();
    await sut.close();
    await sut.close();
    expect((await failureOf(sut.apply(CREATE))).message).toBe('the adapter was closed');
  });

  it('a program that does not exist: spawn', async () => {
    const f = await failureOf(openAdapter('no-such-adapter-program-8f3a --x', { timeoutMs: TIMEOUT }));
    expect(f.kind).toBe('spawn');
    expect(f.message).toMatch(/^cannot start the adapter "no-such-adapter-program-8f3a --x": ENOENT/);
    expect((await failureOf(openAdapter('   '))).message).toBe('cannot start the adapter: the command is empty');
    expect((await failureOf(openAdapter(`node 'x`))).kind).toBe('spawn');
  });

  it('hello with another protocol: protocol', async () => {
    const f = await failureOf(openAdapter(misbehave('wrong-protocol'), { timeoutMs: TIMEOUT }));
    expect([f.kind, f.message]).toEqual(['protocol', 'hello answered protocol "semodel-adapter/2", expected "semodel-adapter/1"']);
  });

  it('no answer to hello within the start timeout: timeout', async () => {
    const t0 = performance.now();
    const f = await failureOf(openAdapter(misbehave('hang-hello'), { timeoutMs: TIMEOUT, startTimeoutMs: TIMEOUT }));
    expect([f.kind, f.message]).toEqual(['timeout', 'no answer to hello within 300 ms']);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('crashes during apply: crash, with the exit code, the step and its last stderr lines', async () => {
    const sut = await opened('crash');
    const f = await failureOf(sut.apply(CREATE));
    expect(f.stderr).toEqual(['about to fail', 'last words']);
    expect(sut.stderrTail()).toEqual(['about to fail', 'last words']);
    expect([f.method, f.step]).toEqual(['apply', 1]);
    await expectSticky(sut, f, 'crash', /^adapter exited with code 3 during apply \(step 1\)$/);
  });

  it('killed by a signal during apply: crash', async () => {
    const sut = await opened('signal');
    await expectSticky(sut, await failureOf(sut.apply(CREATE)), 'crash', /^adapter was killed by SIGKILL during apply \(step 1\)$/);
  });

  it('exits with status 0 without answering: exit', async () => {
    const sut = await opened('exit-during');
    await expectSticky(sut, await failureOf(sut.apply(CREATE)), 'exit', /^adapter exited with code 0 during apply \(step 1\)$/);
  });

  it('exits between calls: the next call rejects at once with exit', async () => {
    const sut = await opened('early-exit');
    // Give the exit time to be seen; the call must not wait for a timeout either way.
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    const f = await failureOf(sut.apply(CREATE));
    expect(performance.now() - t0).toBeLessThan(100);
    await expectSticky(sut, f, 'exit', /^adapter exited with code 0 after reset$/);
  });

  it('hangs on apply: timeout after timeoutMs, the process stopped', async () => {
    const sut = await opened('hang');
    const t0 = performance.now();
    const f = await failureOf(sut.apply(CREATE));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(performance.now() - t0).toBeLessThan(3000);
    await expectSticky(sut, f, 'timeout', /^no answer to apply \(step 1\) within 300 ms$/);
  });

  it('writes a line that is not JSON: garbage, naming the line', async () => {
    const sut = await opened('garbage');
    await expectSticky(sut, await failureOf(sut.apply(CREATE)), 'garbage', /^line 3 of stdout is not JSON: "this is not json"$/);
  });

  it('answers with the wrong id, or an earlier one (out of order): protocol', async () => {
    const a = await opened('wrong-id');
    await expectSticky(a, await failureOf(a.apply(CREATE)), 'protocol', /^answer id 4 does not match request id 3 \(apply \(step 1\)\)$/);
    const b = await opened('stale-id');
    await expectSticky(b, await failureOf(b.apply(CREATE)), 'protocol', /^answer id 2 does not match request id 3/);
  });

  it('answers a line that is no JSON-RPC response, or a result of the wrong shape: protocol', async () => {
    const a = await opened('not-a-response');
    await expectSticky(a, await failureOf(a.apply(CREATE)), 'protocol', /^line 3 of stdout is not a JSON-RPC 2.0 response/);
    const b = await opened('bad-result');
    await expectSticky(b, await failureOf(b.apply(CREATE)), 'protocol', /^the result of apply \(step 1\) must be \{outcome\}, got/);
  });

  it('an outcome that does not decode: protocol, with the decoder path', async () => {
    const sut = await opened('bad-outcome');
    await expectSticky(sut, await failureOf(sut.apply(CREATE)), 'protocol', /^the outcome of apply \(step 1, create-guest\) does not decode at \$\.response\.guest: expected a non-negative safe integer$/);
  });

  it('an answer nobody asked for: protocol, reported by the next call', async () => {
    const sut = await opened('unsolicited');
    await new Promise((r) => setTimeout(r, 200));
    await expectSticky(sut, await failureOf(sut.apply(CREATE)), 'protocol', /^line 3 of stdout answers id 2 but no request is waiting \(after reset\)$/);
  });

  it('a JSON-RPC error answer: error, with its code', async () => {
    const sut = await opened('error');
    const f = await failureOf(sut.apply(CREATE));
    expect(f.code).toBe(-32002);
    await expectSticky(sut, f, 'error', /^adapter answered error -32002 \(NOT_RESET\) to apply \(step 1\): apply before any reset$/);
  });

  it('PARTY_NOT_MODELLED on observe: PartyNotModelled, and the adapter stays usable', async () => {
    const sut = await opened('not-modelled');
    const e: unknown = await sut.observe({ kind: 'guest', guest: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PartyNotModelled);
    expect((e as PartyNotModelled).party).toEqual({ kind: 'guest', guest: 1 });
    expect((e as PartyNotModelled).message).toBe('the implementation does not model the view of party guest: no views here');
    expect(sut.failure).toBeUndefined();
    expect(await sut.apply(CREATE)).toMatchObject({ code: 'MALFORMED_ACTION' });
    await sut.close();
  });

  it('close when bye is never answered: resolves anyway, the process stopped', async () => {
    const sut = await opened('hang-bye');
    const t0 = performance.now();
    await sut.close();
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(sut.failure?.kind).toBe('timeout');
  });
});
