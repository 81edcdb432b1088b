/**
 * The server side of the adapter protocol: {@link serveAdapter} answers the protocol's requests
 * with a synchronous system under test. With the model it is the reference adapter
 * (`semodel adapter`); with a faulty variant of the model, a faulty implementation to check the
 * checker with.
 *
 * An `apply` whose action does not decode as a wire action is still applied, so that the system
 * answers it as it answers that input in-process: a spelling (conformance/trace/value.ts, what
 * the client sends for an input the boundary reads as no action) is rebuilt into a value that
 * reads the same; any other JSON is applied as it is. The model answers both `MALFORMED_ACTION`.
 * @module
 */
import { createInterface } from 'node:readline';
import type { Json } from '../../model/core/schema.js';
import {
  ACTION_KINDS,
  actionFromWire,
  configFromWire,
  outcomeToWire,
  partyFromWire,
  viewToWire,
  type ActionKind,
  type PlatformOutcome,
  type SyncSystemUnderTest,
} from '../../model/platform/index.js';
import { spelledKind, valueOfSpelling } from '../trace/value.js';
import { PartyNotModelled } from './failures.js';
import { ADAPTER_ERRORS, ADAPTER_METHODS, type AdapterErrorObject, type AdapterMethod, type HelloResult } from './protocol.js';

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** An error answer, thrown inside a handler. */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Json,
  ) {
    super(message);
  }
}

/** The params a method takes: the names of its fields. */
const PARAMS: Readonly<Record<AdapterMethod, readonly string[]>> = { hello: [], reset: ['config'], apply: ['action'], observe: ['party'], bye: [] };

/** The kind a value that is not a wire action names, if any (its field `kind`, or its spelling's read of `kind`). */
function namedKind(json: unknown): ActionKind | undefined {
  const k = isRecord(json) ? (typeof json['kind'] === 'string' ? json['kind'] : spelledKind(json as Json)) : undefined;
  return (ACTION_KINDS as readonly string[]).includes(k ?? '') ? (k as ActionKind) : undefined;
}

/**
 * The handler of one session: `handle(line)` gives the response line (or undefined for a blank
 * line) and says whether the session ended (`bye`).
 */
export function adapterSession(factory: () => SyncSystemUnderTest, hello: HelloResult): { handle(line: string): { readonly response: string | undefined; readonly bye: boolean } } {
  let system: SyncSystemUnderTest | undefined;
  let isReset = false;

  const params = (method: AdapterMethod, p: unknown): Record<string, unknown> => {
    if (p === undefined && PARAMS[method].length === 0) return {};
    if (!isRecord(p)) throw new RpcError(ADAPTER_ERRORS.INVALID_PARAMS, `${method} takes its params as an object`);
    const expected = PARAMS[method];
    for (const name of expected) if (!Object.prototype.hasOwnProperty.call(p, name)) throw new RpcError(ADAPTER_ERRORS.INVALID_PARAMS, `${method} needs the param '${name}'`);
    for (const name of Object.keys(p)) if (!expected.includes(name)) throw new RpcError(ADAPTER_ERRORS.INVALID_PARAMS, `${method} takes no param '${name}'`);
    return p;
  };

  const current = (method: AdapterMethod): SyncSystemUnderTest => {
    if (system === undefined || !isReset) throw new RpcError(ADAPTER_ERRORS.NOT_RESET, `${method} before any reset`);
    return system;
  };

  const methods: Readonly<Record<AdapterMethod, (p: Record<string, unknown>) => Json>> = {
    hello: () => ({ protocol: hello.protocol, implementation: hello.implementation, version: hello.version, mechanisms: [...hello.mechanisms] }),
    reset(p) {
      const c = configFromWire(p['config']);
      if (!c.ok) throw new RpcError(ADAPTER_ERRORS.CONFIG_UNSUPPORTED, `the configuration does not decode at ${c.error.path}: ${c.error.message}`, { path: c.error.path, message: c.error.message });
      system ??= factory();
      // A refused reset leaves no world to act on.
      isReset = false;
      try {
        system.reset(c.value);
      } catch (e) {
        throw new RpcError(ADAPTER_ERRORS.CONFIG_UNSUPPORTED, messageOf(e));
      }
      isReset = true;
      return {};
    },
    apply(p) {
      const sut = current('apply');
      const json = p['action'];
      const decoded = actionFromWire(json);
      let input: unknown;
      let kind: ActionKind | undefined;
      if (decoded.ok) {
        input = decoded.value;
        kind = decoded.value.kind;
      } else {
        const spelled = valueOfSpelling(json);
        input = spelled.ok ? spelled.value : json;
        kind = namedKind(json);
      }
      let outcome: PlatformOutcome;
      try {
        outcome = sut.apply(input);
      } catch (e) {
        throw new RpcError(ADAPTER_ERRORS.INTERNAL_ERROR, `apply threw: ${messageOf(e)}`);
      }
      if (outcome.kind === 'accepted' && kind === undefined) {
        throw new RpcError(ADAPTER_ERRORS.INTERNAL_ERROR, 'the system accepted an input that names no action kind: its response has no wire form');
      }
      try {
        return { outcome: outcomeToWire(kind ?? 'create-guest', outcome) };
      } catch (e) {
        throw new RpcError(ADAPTER_ERRORS.INTERNAL_ERROR, `the outcome has no wire form: ${messageOf(e)}`);
      }
    },
    observe(p) {
      const party = partyFromWire(p['party']);
      if (!party.ok) throw new RpcError(ADAPTER_ERRORS.INVALID_PARAMS, `the party does not decode at ${party.error.path}: ${party.error.message}`, { path: party.error.path, message: party.error.message });
      const sut = current('observe');
      try {
        const view = sut.observe(party.value);
        return { view: view === null ? null : viewToWire(view) };
      } catch (e) {
        if (e instanceof PartyNotModelled) throw new RpcError(ADAPTER_ERRORS.PARTY_NOT_MODELLED, e.message);
        throw new RpcError(ADAPTER_ERRORS.INTERNAL_ERROR, `observe threw: ${messageOf(e)}`);
      }
    },
    bye: () => ({}),
  };

  const answer = (id: Json, body: { result: Json } | { error: AdapterErrorObject }): string => JSON.stringify({ jsonrpc: '2.0', id, ...body });
  const error = (id: Json, code: number, message: string, data?: Json): string => answer(id, { error: data === undefined ? { code, message } : { code, message, data } });

  return {
    handle(line) {
      if (line.trim() === '') return { response: undefined, bye: false };
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch (e) {
        return { response: error(null, ADAPTER_ERRORS.PARSE_ERROR, `not JSON: ${messageOf(e)}`), bye: false };
      }
      const id = isRecord(msg) && typeof msg['id'] === 'number' && Number.isSafeInteger(msg['id']) && msg['id'] >= 0 ? msg['id'] : null;
      if (!isRecord(msg) || msg['jsonrpc'] !== '2.0' || id === null || typeof msg['method'] !== 'string') {
        return { response: error(id, ADAPTER_ERRORS.INVALID_REQUEST, 'not a request: expected {"jsonrpc":"2.0","id":N,"method":M,"params":{...}} with N a whole number'), bye: false };
      }
      const method = msg['method'];
      if (!(ADAPTER_METHODS as readonly string[]).includes(method)) {
        return { response: error(id, ADAPTER_ERRORS.METHOD_NOT_FOUND, `no method ${JSON.stringify(method)}; the methods are ${ADAPTER_METHODS.join(', ')}`), bye: false };
      }
      const m = method as AdapterMethod;
      try {
        const result = methods[m](params(m, msg['params']));
        return { response: answer(id, { result }), bye: m === 'bye' };
      } catch (e) {
        if (e instanceof RpcError) return { response: error(id, e.code, e.message, e.data), bye: false };
        return { response: error(id, ADAPTER_ERRORS.INTERNAL_ERROR, messageOf(e)), bye: false };
      }
    },
  };
}

/**
 * Serves the adapter protocol on `input` and `output` (NDJSON) with systems from `factory` (one,
 * made at the first reset and reset for every later one). Resolves after answering `bye`, or when
 * `input` ends; lines after `bye` are not read.
 * @example
 * ```ts
 * await serveAdapter(() => modelSystem(), process.stdin, process.stdout, {
 *   protocol: ADAPTER_PROTOCOL, implementation: 'semodel', version: '0.1.0', mechanisms: ['image-unpack'],
 * });
 * ```
 */
export function serveAdapter(factory: () => SyncSystemUnderTest, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, hello: HelloResult): Promise<void> {
  const session = adapterSession(factory, hello);
  return new Promise<void>((resolve) => {
    const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      lines.close();
      resolve();
    };
    lines.on('line', (line) => {
      if (done) return;
      const { response, bye } = session.handle(line);
      if (response !== undefined) output.write(`${response}\n`);
      if (bye) finish();
    });
    lines.on('close', finish);
  });
}
