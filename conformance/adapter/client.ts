/**
 * The client side of the adapter protocol: {@link openAdapter} starts an adapter process and
 * offers it as a {@link SystemUnderTest}, so that properties, schedules and traces run against
 * another implementation exactly as against the model.
 *
 * The command is split into words ({@link splitCommand}) and run without a shell, in a process
 * group of its own, so that stopping it also stops what it started (`npx` starts a second node).
 * Requests go one at a time; each waits for its answer at most `timeoutMs`. Whatever the adapter
 * does wrong (it cannot start, crashes, exits, hangs, writes garbage, answers another id, answers
 * an error) becomes an {@link AdapterFailure} with a one-line message: the process is stopped and
 * every later call rejects at once with the same failure. Nothing here waits without a timeout.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fromWire, type Json } from '../../model/core/schema.js';
import {
  ACTION_KINDS,
  actionToWire,
  configToWire,
  outcomeFromWire,
  partyToWire,
  readAction,
  viewFromWire,
  type ActionKind,
  type Party,
  type PlatformOutcome,
  type SystemUnderTest,
  type View,
  type WorldConfig,
} from '../../model/platform/index.js';
import { readRecorder, spelledKind, spellReads, spellValue } from '../trace/value.js';
import { CommandLineError, splitCommand } from './command.js';
import { AdapterFailure, oneLine, PartyNotModelled, type AdapterFailureKind } from './failures.js';
import { HELLO_RESULT } from './messages.js';
import { ADAPTER_ERRORS, ADAPTER_PROTOCOL, type AdapterMethod, type HelloResult } from './protocol.js';

export { AdapterFailure, PartyNotModelled } from './failures.js';

/** Options of {@link openAdapter}. */
export interface AdapterOptions {
  /** How long one call may wait for its answer, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** How long `hello` may wait, which includes the adapter's start-up (default: the larger of 30000 and `timeoutMs`). */
  readonly startTimeoutMs?: number;
  /** The adapter's working folder (default: this process's). */
  readonly cwd?: string;
  /** The adapter's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told of every line the adapter writes to stderr. */
  readonly onStderr?: (line: string) => void;
}

/** An implementation behind an adapter, as a system under test. */
export interface AdapterSystem extends SystemUnderTest {
  /** What the adapter answered to `hello`. */
  readonly hello: HelloResult;
  /** The command line it was started with. */
  readonly command: string;
  /** The failure that stopped it, once it failed. */
  readonly failure: AdapterFailure | undefined;
  /**
   * What a party sees now. Rejects with {@link PartyNotModelled} when the implementation has no
   * view of that party (the adapter stays usable), with an {@link AdapterFailure} when it failed.
   */
  observe(party: Party): Promise<View | null>;
  /** Ends the session: sends `bye`, waits for the process to exit (briefly), stops it otherwise. Never rejects. */
  close(): Promise<void>;
  /** The last lines (at most 50) the adapter wrote to stderr. */
  stderrTail(): string[];
}

/** Default per-call timeout. */
const DEFAULT_TIMEOUT_MS = 10_000;
/** Default start-up allowance for `hello` (an adapter may compile its sources first). */
const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long `close` waits for the process to exit after `bye`. */
const EXIT_WAIT_MS = 2_000;
/** How long after the process exited (or closed stdout) its last lines may still arrive. */
const SETTLE_MS = 250;
/** Lines of stderr kept for {@link AdapterSystem.stderrTail}. */
const STDERR_LINES = 50;
/** A longer line of stdout (or one still unfinished) is garbage: no message of the protocol comes close. */
const MAX_LINE_CHARS = 256 * 1024 * 1024;

/** The names of the protocol's error codes, for messages. */
const ERROR_NAMES = new Map<number, string>(Object.entries(ADAPTER_ERRORS).map(([name, code]) => [code, name]));

const isRecord = (j: unknown): j is Record<string, unknown> => typeof j === 'object' && j !== null && !Array.isArray(j);

/** A request waiting for its answer. */
interface Pending {
  readonly id: number;
  readonly method: AdapterMethod;
  readonly what: string;
  readonly step: number | undefined;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (failure: AdapterFailure) => void;
  readonly timer: NodeJS.Timeout;
}

/** An answer: a result, or the error PARTY_NOT_MODELLED to observe. */
type Answer = { readonly result: unknown } | { readonly notModelled: string };

/**
 * How an input is sent in `apply`: the wire form of the action the model's boundary reads it
 * as, or, when it reads as no action, its spelling (conformance/trace/value.ts) by what the
 * boundary read of it. The spelling of an input that is not an action never has a top-level
 * `kind`, so an adapter that only decodes wire forms answers it `MALFORMED_ACTION`, as the model
 * does; the reference adapter rebuilds the value and hands it to the model, which reads the same.
 * @returns the JSON to send and the action kind it names (the spelling's read of `kind`, if any)
 */
export function actionForWire(input: unknown): { readonly json: Json; readonly kind: ActionKind | undefined; readonly wellFormed: boolean } {
  const watched = typeof input === 'object' && input !== null ? readRecorder(input) : undefined;
  const action = readAction(watched?.proxy ?? input);
  if (action !== undefined) return { json: actionToWire(action), kind: action.kind, wellFormed: true };
  const json = watched === undefined ? spellValue(input) : spellReads(input as object, watched.reads);
  const named = spelledKind(json);
  return { json, kind: (ACTION_KINDS as readonly string[]).includes(named ?? '') ? (named as ActionKind) : undefined, wellFormed: false };
}

/** The one-line excerpt of a line of stdout, for a message. */
const excerpt = (line: string): string => JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);

/**
 * Starts an adapter and says hello: resolves when it answered `hello` with protocol
 * `semodel-adapter/1`, rejects with an {@link AdapterFailure} (kind `spawn`, `timeout`,
 * `crash`, `exit`, `garbage`, `protocol` or `error`) otherwise, the process stopped.
 * @param command the command line, split like a shell splits simple commands (quotes, backslashes) and run without one
 * @example
 * ```ts
 * const sut = await openAdapter('npx semodel adapter', { timeoutMs: 5000 });
 * await sut.reset(config);
 * await sut.apply({ kind: 'create-guest', machine: 0, memoryPages: 4 }); // { kind: 'accepted', response: { guest: 1 } }
 * await sut.close();
 * ```
 */
export async function openAdapter(command: string, options: AdapterOptions = {}): Promise<AdapterSystem> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const startTimeoutMs = options.startTimeoutMs ?? Math.max(DEFAULT_START_TIMEOUT_MS, timeoutMs);
  let words: string[];
  try {
    words = splitCommand(command);
  } catch (e) {
    throw new AdapterFailure('spawn', `cannot start the adapter ${JSON.stringify(command)}: ${e instanceof CommandLineError ? e.message : String(e)}`);
  }
  const [program, ...args] = words;
  if (program === undefined) throw new AdapterFailure('spawn', 'cannot start the adapter: the command is empty');

  let child: ChildProcess;
  try {
    child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      // A process group of its own: stopping the adapter stops what it started.
      detached: true,
      windowsHide: true,
    });
  } catch (e) {
    throw new AdapterFailure('spawn', `cannot start the adapter ${JSON.stringify(command)}: ${e instanceof Error ? e.message : String(e)}`);
  }

  let failure: AdapterFailure | undefined;
  let pending: Pending | undefined;
  let nextId = 1;
  let steps = 0;
  let lineNo = 0;
  let lastCall = 'start';
  let closing = false;
  let gone = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  const stderr: string[] = [];
  let stderrPartial = '';
  let stdoutPartial = '';

  /** True once every end of the adapter's stdio is closed: nothing of its group is left to stop. */
  let ended = false;
  const stop = (): void => {
    if (ended || child.pid === undefined) return;
    try {
      // The group: also what the adapter started, which may outlive it (npx's node).
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // No group (all of it already exited, or the platform has none): the process itself.
      if (!gone) child.kill('SIGKILL');
    }
  };

  /** Records the first failure, stops the process and rejects the waiting call; returns the failure that stands. */
  const fail = (kind: AdapterFailureKind, message: string, code?: number): AdapterFailure => {
    if (failure !== undefined) return failure;
    const p = pending;
    const f = new AdapterFailure(kind, message, {
      ...(p === undefined ? {} : { method: p.method }),
      ...(p?.step === undefined ? {} : { step: p.step }),
      ...(code === undefined ? {} : { code }),
      stderr: [...stderr],
    });
    failure = f;
    stop();
    if (p !== undefined) {
      pending = undefined;
      clearTimeout(p.timer);
      p.reject(f);
    }
    return f;
  };

  const keepStderr = (line: string): void => {
    stderr.push(line.length > 1000 ? `${line.slice(0, 1000)}…` : line);
    if (stderr.length > STDERR_LINES) stderr.shift();
    try {
      options.onStderr?.(line);
    } catch {
      // A listener's bug is not the adapter's failure.
    }
  };

  /** One line of stdout: the answer to the waiting request, or a failure. */
  const onLine = (raw: string): void => {
    lineNo++;
    if (failure !== undefined) return;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Blank lines carry nothing; some JSON writers end with one.
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      fail('garbage', `line ${lineNo} of stdout is not JSON: ${excerpt(line)}`);
      return;
    }
    const hasResult = isRecord(msg) && Object.prototype.hasOwnProperty.call(msg, 'result');
    const hasError = isRecord(msg) && Object.prototype.hasOwnProperty.call(msg, 'error');
    if (!isRecord(msg) || msg['jsonrpc'] !== '2.0' || !Object.prototype.hasOwnProperty.call(msg, 'id') || hasResult === hasError) {
      fail('protocol', `line ${lineNo} of stdout is not a JSON-RPC 2.0 response (jsonrpc "2.0", id, and result or error): ${excerpt(line)}`);
      return;
    }
    const id = msg['id'];
    const p = pending;
    if (p === undefined) {
      fail('protocol', `line ${lineNo} of stdout answers id ${JSON.stringify(id)} but no request is waiting (after ${lastCall})`);
      return;
    }
    // An error about a request the adapter could not read carries id null.
    if (id !== p.id && !(hasError && id === null)) {
      fail('protocol', `answer id ${JSON.stringify(id)} does not match request id ${p.id} (${p.what})`);
      return;
    }
    if (hasError) {
      const e = msg['error'];
      if (!isRecord(e) || typeof e['code'] !== 'number' || !Number.isInteger(e['code']) || typeof e['message'] !== 'string') {
        fail('protocol', `the error answer to ${p.what} is not a JSON-RPC error object {code, message}: ${excerpt(line)}`);
        return;
      }
      const code = e['code'];
      if (p.method === 'observe' && code === ADAPTER_ERRORS.PARTY_NOT_MODELLED) {
        pending = undefined;
        clearTimeout(p.timer);
        p.resolve({ notModelled: e['message'] });
        return;
      }
      const name = ERROR_NAMES.get(code);
      fail('error', `adapter answered error ${code}${name === undefined ? '' : ` (${name})`} to ${p.what}: ${e['message']}`, code);
      return;
    }
    pending = undefined;
    clearTimeout(p.timer);
    p.resolve({ result: msg['result'] });
  };

  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdoutPartial += chunk;
    let nl = stdoutPartial.indexOf('\n');
    while (nl >= 0) {
      const line = stdoutPartial.slice(0, nl);
      stdoutPartial = stdoutPartial.slice(nl + 1);
      onLine(line);
      nl = stdoutPartial.indexOf('\n');
    }
    if (stdoutPartial.length > MAX_LINE_CHARS) fail('garbage', `line ${lineNo + 1} of stdout is longer than ${MAX_LINE_CHARS} characters`);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrPartial += chunk;
    const lines = stderrPartial.split('\n');
    stderrPartial = lines.pop() ?? '';
    for (const l of lines) keepStderr(l.endsWith('\r') ? l.slice(0, -1) : l);
    if (stderrPartial.length > 64 * 1024) {
      keepStderr(stderrPartial);
      stderrPartial = '';
    }
  });
  // Writing to an adapter that is gone fails with EPIPE: the exit says more, and the call times out at worst.
  child.stdin?.on('error', () => undefined);

  /** The process is gone (or its stdout is): what that means depends on whether anything was expected. */
  const settle = (): void => {
    if (gone) return;
    gone = true;
    if (settleTimer !== undefined) clearTimeout(settleTimer);
    if (stdoutPartial !== '') {
      const last = stdoutPartial;
      stdoutPartial = '';
      onLine(last);
    }
    if (stderrPartial !== '') keepStderr(stderrPartial);
    stderrPartial = '';
    if (closing && pending === undefined) return;
    const how =
      exit === undefined
        ? 'closed its stdout'
        : exit.signal !== null
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.code ?? 'unknown'}`;
    const kind: AdapterFailureKind = exit !== undefined && (exit.signal !== null || exit.code !== 0) ? 'crash' : 'exit';
    fail(kind, `adapter ${how} ${pending === undefined ? `after ${lastCall}` : `during ${pending.what}`}`);
  };

  child.on('error', (e: NodeJS.ErrnoException) => {
    // 'error' without a pid: it never started.
    if (child.pid === undefined) {
      gone = true;
      fail('spawn', `cannot start the adapter ${JSON.stringify(command)}: ${e.code ?? e.message}${e.code === 'ENOENT' ? ` (no program ${program})` : ''}`);
    }
  });
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    // Its last lines may still be in the pipe; a process it left behind may hold stdout open.
    settleTimer ??= setTimeout(settle, SETTLE_MS);
  });
  child.stdout?.on('end', () => {
    settleTimer ??= setTimeout(settle, SETTLE_MS);
  });
  child.on('close', () => {
    ended = true;
    settle();
  });

  /** Sends one request and waits for its answer. */
  const call = (method: AdapterMethod, params: Json | undefined, step?: number, limit = timeoutMs): Promise<Answer> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (pending !== undefined) return Promise.reject(new Error(`adapter calls go one at a time: ${method} while ${pending.what} is waiting`));
    const id = nextId++;
    const what = step === undefined ? method : `${method} (step ${step})`;
    lastCall = what;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => fail('timeout', `no answer to ${what} within ${limit} ms`), limit);
      pending = { id, method, what, step, resolve, reject, timer };
      const line = `${JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params })}\n`;
      // Gone between calls without a failure only while closing.
      if (gone) fail('exit', `the adapter is gone: cannot send ${what}`);
      else child.stdin?.write(line);
    });
  };

  /** A result of exactly the fields `fields`, or a protocol failure. */
  const resultFields = (answer: Answer, what: string, fields: readonly string[]): Record<string, unknown> => {
    const r = 'result' in answer ? answer.result : undefined;
    const keys = isRecord(r) ? Object.keys(r) : [];
    if (!isRecord(r) || keys.length !== fields.length || !fields.every((f) => keys.includes(f))) {
      throw fail('protocol', `the result of ${what} must be ${fields.length === 0 ? '{}' : `{${fields.join(', ')}}`}, got ${oneLine(JSON.stringify(r) ?? String(r), 120)}`);
    }
    return r;
  };

  const answer = await call('hello', undefined, undefined, startTimeoutMs);
  const r = 'result' in answer ? answer.result : undefined;
  if (!isRecord(r) || r['protocol'] !== ADAPTER_PROTOCOL) {
    throw fail('protocol', `hello answered protocol ${oneLine(JSON.stringify(isRecord(r) ? r['protocol'] : r) ?? 'nothing', 120)}, expected ${JSON.stringify(ADAPTER_PROTOCOL)}`);
  }
  const decoded = fromWire(HELLO_RESULT, r);
  if (!decoded.ok) {
    throw fail('protocol', `the result of hello does not decode at ${decoded.error.path}: ${decoded.error.message}`);
  }
  const hello: HelloResult = decoded.value;

  let closed: Promise<void> | undefined;
  const system: AdapterSystem = {
    name: `${hello.implementation} ${hello.version}`,
    hello,
    command,
    get failure() {
      return failure;
    },
    async reset(config: WorldConfig) {
      const a = await call('reset', { config: configToWire(config) });
      resultFields(a, 'reset', []);
    },
    async apply(input: unknown): Promise<PlatformOutcome> {
      if (failure !== undefined) throw failure;
      const sent = actionForWire(input);
      const step = ++steps;
      const a = await call('apply', { action: sent.json }, step);
      const { outcome } = resultFields(a, `apply (step ${step})`, ['outcome']);
      // An input that names no kind has no response schema: a rejection decodes as any kind's;
      // an acceptance (the model never accepts such an input) is passed on with its response as
      // it came, for the checker to find that it differs from the model.
      if (sent.kind === undefined && isRecord(outcome) && outcome['kind'] === 'accepted') {
        if (isRecord(outcome['response']) && Object.keys(outcome).length === 2) return { kind: 'accepted', response: outcome['response'] };
        throw fail('protocol', `the outcome of apply (step ${step}) is accepted but not {kind, response}: ${oneLine(JSON.stringify(outcome), 120)}`);
      }
      // Any kind's rejected schema is the same: create-guest stands for an input that names none.
      const o = outcomeFromWire(sent.kind ?? 'create-guest', outcome);
      if (!o.ok) throw fail('protocol', `the outcome of apply (step ${step}${sent.kind === undefined ? '' : `, ${sent.kind}`}) does not decode at ${o.error.path}: ${o.error.message}`);
      return o.value;
    },
    async observe(party: Party): Promise<View | null> {
      const a = await call('observe', { party: partyToWire(party) });
      if ('notModelled' in a) throw new PartyNotModelled(party, `the implementation does not model the view of party ${party.kind}: ${a.notModelled}`);
      const { view } = resultFields(a, `observe ${party.kind}`, ['view']);
      if (view === null) return null;
      const v = viewFromWire(party.kind, view);
      if (!v.ok) throw fail('protocol', `the view of party ${party.kind} does not decode at ${v.error.path}: ${v.error.message}`);
      return v.value;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        if (failure === undefined && !gone) {
          try {
            await call('bye', undefined, undefined, Math.min(timeoutMs, EXIT_WAIT_MS));
          } catch {
            // A failed bye is still the end of the session.
          }
        }
        child.stdin?.end();
        if (!gone) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              stop();
              resolve();
            }, EXIT_WAIT_MS);
            child.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (gone) {
              clearTimeout(timer);
              resolve();
            }
          });
        }
        failure ??= new AdapterFailure('exit', 'the adapter was closed');
      })();
      return closed;
    },
    stderrTail: () => [...stderr],
  };
  return system;
}
