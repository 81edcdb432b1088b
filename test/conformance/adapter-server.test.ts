// The reference adapter: its answers to good and bad requests (in-process), the `semodel adapter`
// command, the JSON Schema of every message checked against real traffic with the command, and
// the round trip: schema-generated actions (well-formed and hostile) give through
// `semodel adapter` exactly the outcomes and views the model gives in-process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterCommand } from '../../cli/adapter.js';
import { actionForWire, adapterJsonSchemas, adapterSchemaFiles, adapterSession, ADAPTER_ERRORS, openAdapter, PartyNotModelled, serveAdapter } from '../../conformance/adapter/index.js';
import { actionToWire, configToWire, modelSystem, partyToWire, type Party, type PlatformOutcome, type SyncSystemUnderTest, type SystemUnderTest, type View, type WorldConfig } from '../../model/platform/index.js';
import { arbImage, CONFIG, MACHINE } from '../../properties/image-unpack/fixtures.js';
import { platformTotal } from '../../properties/platform/totality.js';
import { propertyModel } from '../../properties/property.js';
import { runAsync, runSync } from '../../properties/sut-calls.js';
import { PROJECT, run } from '../cli/cli-harness.js';
import { schemaViolation } from './fixtures/json-schema.js';

const BIN = path.join(PROJECT, 'bin', 'semodel.mjs');
const ADAPTER_COMMAND = `'${process.execPath}' '${BIN}' adapter`;
const HELLO = { protocol: 'semodel-adapter/1', implementation: 'test', version: '1', mechanisms: ['image-unpack'] };
const SMALL: WorldConfig = { suite: 'noble', machines: [{ id: 0, hostKeys: [], seed: new Uint8Array(2) }], adapters: [{ id: 0, machine: 0, type: 'ep11', masterKey: new Uint8Array(0) }] };

const req = (id: number, method: string, params?: unknown): string => JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });

/** A session over the model whose answers are parsed. */
function session(factory: () => SyncSystemUnderTest = () => modelSystem()) {
  const s = adapterSession(factory, HELLO);
  return (line: string) => {
    const r = s.handle(line);
    return { ...r, json: r.response === undefined ? undefined : (JSON.parse(r.response) as Record<string, unknown>) };
  };
}

describe('adapterSession: answers to requests', () => {
  it('hello, reset, apply, observe, bye', () => {
    const send = session();
    expect(send(req(1, 'hello')).json).toEqual({ jsonrpc: '2.0', id: 1, result: HELLO });
    expect(send(req(2, 'reset', { config: configToWire(SMALL) })).json).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
    expect(send(req(3, 'apply', { action: { kind: 'create-guest', machine: 0, memoryPages: 2 } })).json).toEqual({ jsonrpc: '2.0', id: 3, result: { outcome: { kind: 'accepted', response: { guest: 1 } } } });
    expect(send(req(4, 'observe', { party: { kind: 'owner', guest: 1 } })).json).toEqual({ jsonrpc: '2.0', id: 4, result: { view: { party: 'owner', id: 1, phase: 'created', verifyFailure: null } } });
    expect(send(req(5, 'observe', { party: { kind: 'guest', guest: 9 } })).json).toEqual({ jsonrpc: '2.0', id: 5, result: { view: null } });
    expect(send(req(6, 'apply', { action: 'not an action' })).json).toMatchObject({ result: { outcome: { kind: 'rejected', code: 'MALFORMED_ACTION' } } });
    expect(send('').response).toBeUndefined();
    expect(send(req(7, 'bye', {}))).toMatchObject({ bye: true, json: { id: 7, result: {} } });
  });

  it('standard JSON-RPC errors for what is not a usable request', () => {
    const send = session();
    const code = (line: string) => [(send(line).json?.['error'] as { code: number }).code, send(line).json?.['id']];
    expect(code('{oops')).toEqual([ADAPTER_ERRORS.PARSE_ERROR, null]);
    expect(code('[1,2]')).toEqual([ADAPTER_ERRORS.INVALID_REQUEST, null]);
    expect(code('{"jsonrpc":"1.0","id":3,"method":"hello"}')).toEqual([ADAPTER_ERRORS.INVALID_REQUEST, 3]);
    expect(code('{"jsonrpc":"2.0","id":"x","method":"hello"}')).toEqual([ADAPTER_ERRORS.INVALID_REQUEST, null]);
    expect(code('{"jsonrpc":"2.0","method":"hello"}')).toEqual([ADAPTER_ERRORS.INVALID_REQUEST, null]);
    expect(code(req(4, 'launch'))).toEqual([ADAPTER_ERRORS.METHOD_NOT_FOUND, 4]);
    expect(code(req(5, 'apply', []))).toEqual([ADAPTER_ERRORS.INVALID_PARAMS, 5]);
    expect(code(req(6, 'apply', {}))).toEqual([ADAPTER_ERRORS.INVALID_PARAMS, 6]);
    expect(code(req(7, 'observe', { party: { kind: 'hypervisor' }, extra: 1 }))).toEqual([ADAPTER_ERRORS.INVALID_PARAMS, 7]);
    expect(code(req(8, 'observe', { party: { kind: 'alien' } }))).toEqual([ADAPTER_ERRORS.INVALID_PARAMS, 8]);
  });

  it('NOT_RESET before a reset, CONFIG_UNSUPPORTED for a configuration that does not decode or that the model refuses', () => {
    const send = session();
    expect(send(req(1, 'apply', { action: { kind: 'destroy-guest', guest: 1 } })).json?.['error']).toEqual({ code: ADAPTER_ERRORS.NOT_RESET, message: 'apply before any reset' });
    expect(send(req(2, 'observe', { party: { kind: 'hypervisor' } })).json?.['error']).toMatchObject({ code: ADAPTER_ERRORS.NOT_RESET });
    expect(send(req(3, 'reset', { config: { suite: 'rot13', machines: [], adapters: [] } })).json?.['error']).toEqual({
      code: ADAPTER_ERRORS.CONFIG_UNSUPPORTED,
      message: 'the configuration does not decode at $.suite: expected one of noble, node',
      data: { path: '$.suite', message: 'expected one of noble, node' },
    });
    const twice = { suite: 'noble', machines: [{ id: 0, hostKeys: [], seed: '' }, { id: 0, hostKeys: [], seed: '' }], adapters: [] };
    expect(send(req(4, 'reset', { config: twice })).json?.['error']).toEqual({ code: ADAPTER_ERRORS.CONFIG_UNSUPPORTED, message: 'invalid configuration at $.machines[1].id: machine 0 is configured twice' });
    // A refused reset leaves nothing to act on, even after an earlier good one.
    expect(send(req(5, 'reset', { config: configToWire(SMALL) })).json?.['result']).toEqual({});
    send(req(6, 'reset', { config: twice }));
    expect(send(req(7, 'apply', { action: { kind: 'destroy-guest', guest: 1 } })).json?.['error']).toMatchObject({ code: ADAPTER_ERRORS.NOT_RESET });
  });

  it('a system that throws is INTERNAL_ERROR; one that throws PartyNotModelled is PARTY_NOT_MODELLED', () => {
    const m = modelSystem();
    const send = session(() => ({
      name: 'partial',
      reset: (c) => m.reset(c),
      apply: () => {
        throw new Error('boom');
      },
      observe: (p) => {
        throw new PartyNotModelled(p);
      },
    }));
    send(req(1, 'reset', { config: configToWire(SMALL) }));
    expect(send(req(2, 'apply', { action: { kind: 'destroy-guest', guest: 1 } })).json?.['error']).toEqual({ code: ADAPTER_ERRORS.INTERNAL_ERROR, message: 'apply threw: boom' });
    expect(send(req(3, 'observe', { party: { kind: 'client' } })).json?.['error']).toEqual({ code: ADAPTER_ERRORS.PARTY_NOT_MODELLED, message: 'the implementation does not model the view of party client' });
  });

  it('a hostile input, spelled by the client, reaches the model as the value it was', () => {
    // A getter that throws on the second field: the model refuses it, and so it must through the spelling.
    const build = () => Object.defineProperty({ kind: 'create-guest', machine: 0 }, 'memoryPages', { enumerable: true, get: () => { throw new Error('no'); } });
    const inProcess = modelSystem();
    inProcess.reset(SMALL);
    const send = session();
    send(req(1, 'reset', { config: configToWire(SMALL) }));
    const answer = send(req(2, 'apply', { action: actionForWire(build()).json })).json?.['result'];
    expect(answer).toEqual({ outcome: { kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' } });
    expect(inProcess.apply(build())).toEqual({ kind: 'rejected', code: 'MALFORMED_ACTION', requirement: 'REQ-PLATFORM-1' });
    // An inherited action reads as well-formed: it goes as its wire form and is accepted.
    const inherited = Object.create({ kind: 'create-guest', machine: 0, memoryPages: 3 }) as object;
    expect(actionForWire(inherited).wellFormed).toBe(true);
    expect(send(req(3, 'apply', { action: actionForWire(inherited).json })).json?.['result']).toEqual({ outcome: { kind: 'accepted', response: { guest: 1 } } });
  });
});

describe('serveAdapter and semodel adapter in-process', () => {
  it('serves lines from a stream until bye and reads nothing after it', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const written: string[] = [];
    output.on('data', (b: Buffer) => written.push(b.toString('utf8')));
    const done = serveAdapter(() => modelSystem(), input, output, HELLO);
    input.write(`${req(1, 'hello')}\n${req(2, 'bye')}\n${req(3, 'hello')}\n`);
    await done;
    const lines = written.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
  });

  it('resolves at the end of input without bye', async () => {
    const input = new PassThrough();
    const done = serveAdapter(() => modelSystem(), input, new PassThrough(), HELLO);
    input.end(`${req(1, 'hello')}\n`);
    await expect(done).resolves.toBeUndefined();
  });

  it('semodel adapter --help, and a bad option is one line and exit 2', async () => {
    const help = await run('adapter', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: semodel adapter\n/);
    const bad = await run('adapter', '--fast');
    expect([bad.code, bad.err]).toEqual([2, "semodel: unknown option '--fast'; see 'semodel adapter --help'"]);
    expect((await run('--help')).out).toContain('semodel adapter');
  });

  it('adapterCommand answers hello with the implemented mechanisms and the package version', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const written: string[] = [];
    output.on('data', (b: Buffer) => written.push(b.toString('utf8')));
    const io = { out: () => undefined, err: () => undefined } as never;
    const done = adapterCommand([], io, { input, output });
    input.end(`${req(1, 'hello')}\n${req(2, 'bye')}\n`);
    expect(await done).toBe(0);
    const version = (JSON.parse(readFileSync(path.join(PROJECT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(JSON.parse(written.join('').split('\n')[0] ?? '')).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { protocol: 'semodel-adapter/1', implementation: 'semodel', version, mechanisms: ['platform', 'secure-ipl', 'image-unpack', 'request-controls', 'hsm-binding', 'startup-order', 'secure-dump', 'secure-interception', 'shrouded-deployment', 'migration', 'confidential-boot'] },
    });
  });
});

/** The error codes of requests that are not instances of their schema. */
const UNREADABLE: readonly number[] = [ADAPTER_ERRORS.PARSE_ERROR, ADAPTER_ERRORS.INVALID_REQUEST, ADAPTER_ERRORS.METHOD_NOT_FOUND, ADAPTER_ERRORS.INVALID_PARAMS, ADAPTER_ERRORS.CONFIG_UNSUPPORTED];

describe('JSON Schema of every message (docs/schema/adapter/), checked against real traffic', () => {
  const schemas = adapterJsonSchemas();
  const [image] = fc.sample(arbImage, { seed: 8, numRuns: 1 });

  /** A session with `semodel adapter`: each request line and the answer line it got. */
  function traffic(): { request: string; response: string }[] {
    if (image === undefined) throw new Error('no image');
    const page = image.pages[0];
    const lines = [
      req(1, 'hello'),
      req(2, 'apply', { action: { kind: 'verify', guest: 1 } }),
      req(3, 'reset', { config: configToWire(CONFIG) }),
      req(4, 'apply', { action: actionToWire({ kind: 'create-guest', machine: MACHINE, memoryPages: image.memoryPages }) }),
      req(5, 'apply', { action: actionToWire({ kind: 'set-header', guest: 1, header: image.header }) }),
      req(6, 'apply', { action: actionToWire({ kind: 'unpack', guest: 1, address: page?.address ?? 0n, tweak: page?.tweak ?? new Uint8Array(16), page: page?.stored ?? new Uint8Array(0) }) }),
      req(7, 'apply', { action: actionForWire(new Proxy({ kind: 'start' }, { get: (_t, k) => (k === 'kind' ? 'start' : undefined) })).json }),
      req(8, 'apply', { action: actionToWire({ kind: 'destroy-guest', guest: 99 }) }),
      ...(['hypervisor', 'host-manager', 'client'] as const).map((kind, i) => req(9 + i, 'observe', { party: { kind } })),
      req(12, 'observe', { party: partyToWire({ kind: 'guest', guest: 1 }) }),
      req(13, 'observe', { party: { kind: 'owner', guest: 1 } }),
      req(14, 'observe', { party: { kind: 'adapter', adapter: 0 } }),
      req(15, 'observe', { party: { kind: 'guest', guest: 42 } }),
      req(16, 'observe', { party: { kind: 'guest', guest: -1 } }),
      req(17, 'reset', { config: { suite: 'noble' } }),
      req(18, 'launch'),
      'not json',
      req(19, 'bye'),
    ];
    const r = spawnSync(process.execPath, [BIN, 'adapter'], { cwd: PROJECT, input: `${lines.join('\n')}\n`, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const answers = r.stdout.trimEnd().split('\n');
    expect(answers).toHaveLength(lines.length);
    return lines.map((request, i) => ({ request, response: answers[i] ?? '' }));
  }

  it('every request and every answer of a session is an instance of its schema', () => {
    const t = traffic();
    let errors = 0;
    for (const { request, response } of t) {
      const answer = JSON.parse(response) as Record<string, unknown>;
      let method: string | undefined;
      try {
        method = (JSON.parse(request) as { method?: string }).method;
      } catch {
        method = undefined;
      }
      const known = method !== undefined && `${method}.request` in schemas;
      // The requests the adapter refuses as unreadable are the ones the schemas refuse.
      const code = (answer['error'] as { code?: number } | undefined)?.code;
      const refused = code !== undefined && UNREADABLE.includes(code);
      if (known) expect(schemaViolation(schemas[`${method}.request`] ?? {}, JSON.parse(request)) === null, request).toBe(!refused);
      if ('error' in answer) {
        errors++;
        expect(schemaViolation(schemas['error.response'] ?? {}, answer), response).toBeNull();
      } else {
        expect(known, request).toBe(true);
        expect(schemaViolation(schemas[`${method}.response`] ?? {}, answer), response).toBeNull();
      }
    }
    // Errors: NOT_RESET, INVALID_PARAMS, CONFIG_UNSUPPORTED, METHOD_NOT_FOUND, PARSE_ERROR.
    expect(errors).toBe(5);
    const outcomes = t.slice(3, 8).map((x) => (JSON.parse(x.response) as { result: { outcome: { kind: string; code?: string } } }).result.outcome);
    expect(outcomes.map((o) => o.code ?? o.kind)).toEqual(['accepted', 'accepted', 'accepted', 'MALFORMED_ACTION', 'GUEST_NOT_FOUND']);
  });

  it('the schemas reject what is not a message (the validator can fail)', () => {
    const apply = schemas['apply.response'] ?? {};
    expect(schemaViolation(apply, { jsonrpc: '2.0', id: 1, result: { outcome: { kind: 'rejected', code: 'X', requirement: 'REQ-PLATFORM-1' } } })).toBeNull();
    expect(schemaViolation(apply, { jsonrpc: '2.0', id: 1, result: { outcome: { kind: 'rejected', code: 7, requirement: 'REQ-PLATFORM-1' } } })).toMatch(/outcome/);
    expect(schemaViolation(apply, { jsonrpc: '2.0', id: 1, result: {} })).toMatch(/missing outcome/);
    expect(schemaViolation(schemas['hello.response'] ?? {}, { jsonrpc: '2.0', id: 1, result: { ...HELLO, protocol: 'semodel-adapter/2' } })).toMatch(/protocol/);
    expect(schemaViolation(schemas['observe.request'] ?? {}, { jsonrpc: '2.0', id: 1, method: 'observe', params: { party: { kind: 'guest' } } })).toMatch(/party/);
    expect(schemaViolation(schemas['error.response'] ?? {}, { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } })).toMatch(/code/);
  });

  it('the committed docs/schema/adapter/ files are what semodel schema writes', () => {
    for (const f of adapterSchemaFiles()) expect(readFileSync(path.join(PROJECT, 'docs', 'schema', f.name), 'utf8'), f.name).toBe(f.text);
  });
});

/** Every answer of a system, in order, for comparing two runs. */
type Entry = { readonly op: 'reset' } | { readonly op: 'apply'; readonly outcome: PlatformOutcome } | { readonly op: 'observe'; readonly party: Party; readonly view: View | null };

function loggedSync(inner: SyncSystemUnderTest, log: Entry[]): SyncSystemUnderTest {
  return {
    name: inner.name,
    reset: (c) => {
      inner.reset(c);
      log.push({ op: 'reset' });
    },
    apply: (a) => {
      const outcome = inner.apply(a);
      log.push({ op: 'apply', outcome });
      return outcome;
    },
    observe: (party) => {
      const view = inner.observe(party);
      log.push({ op: 'observe', party, view });
      return view;
    },
  };
}

function loggedAsync(inner: SystemUnderTest, log: Entry[]): SystemUnderTest {
  return {
    name: inner.name,
    reset: async (c) => {
      await inner.reset(c);
      log.push({ op: 'reset' });
    },
    apply: async (a) => {
      const outcome = await inner.apply(a);
      log.push({ op: 'apply', outcome });
      return outcome;
    },
    observe: async (party) => {
      const view = await inner.observe(party);
      log.push({ op: 'observe', party, view });
      return view;
    },
  };
}

describe('round trip through semodel adapter', () => {
  it('the platform totality property gives the same outcomes and views through the adapter as in-process', async () => {
    // Two independent copies of the same inputs: a hostile value may change as it is read.
    const RUNS = 16;
    const forModel = fc.sample(platformTotal.arbitrary, { seed: 2024, numRuns: RUNS });
    const forAdapter = fc.sample(platformTotal.arbitrary, { seed: 2024, numRuns: RUNS });
    const sut = await openAdapter(ADAPTER_COMMAND, { cwd: PROJECT, timeoutMs: 20_000 });
    try {
      let applies = 0;
      for (let i = 0; i < RUNS; i++) {
        const expected: Entry[] = [];
        const got: Entry[] = [];
        const model = propertyModel();
        runSync(platformTotal.run(forModel[i] as never, model), loggedSync(model, expected));
        await runAsync(platformTotal.run(forAdapter[i] as never, propertyModel()), loggedAsync(sut, got));
        expect(got.length).toBe(expected.length);
        for (const [j, e] of expected.entries()) expect(got[j], `run ${i}, answer ${j}`).toEqual(e);
        applies += expected.filter((e) => e.op === 'apply').length;
      }
      expect(applies).toBeGreaterThanOrEqual(250);
      expect(sut.failure).toBeUndefined();
    } finally {
      await sut.close();
    }
  }, 120_000);
});
