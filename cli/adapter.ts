/**
 * `semodel adapter`: the model itself behind the adapter protocol (docs/adapter-protocol.md), the
 * reference adapter. It reads JSON-RPC requests from stdin, one per line, and writes each answer
 * to stdout; `semodel conform --adapter "semodel adapter"` checks the checker against the model.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { ADAPTER_PROTOCOL, serveAdapter, type HelloResult } from '../conformance/adapter/index.js';
import { FAULTY_NAMES, faultyImplementation, faultyList } from '../conformance/faulty/index.js';
import { nobleSuite } from '../model/crypto/noble-suite.js';
import { nodeSuite } from '../model/crypto/node-suite.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import { MODULES, modelSystem, type ModelSystem, type SyncSystemUnderTest } from '../model/platform/index.js';
import { memoizeKeyAgreement } from '../properties/memoized-suite.js';
import { parse, type Options, type Parsed } from './args.js';
import { semodelVersion, UsageError, type Io } from './io.js';

/** The help text of `semodel adapter`. */
export const ADAPTER_HELP = `usage: semodel adapter

Serves the model on stdin and stdout as an adapter of the protocol ${ADAPTER_PROTOCOL}
(docs/adapter-protocol.md): one JSON-RPC 2.0 request per line on stdin (hello, reset, apply,
observe, bye), one answer per line on stdout. It answers bye, or the end of stdin, by exiting.
This is the reference adapter: what another implementation's adapter must answer alike.

  --faulty NAME  serve a deliberately wrong implementation instead of the model (the
                 conformance kit's proof that 'semodel conform' catches it); --faulty list
                 names them: ${FAULTY_NAMES.join(', ')}
  -h, --help     this text

Exit status: 0 after bye or the end of stdin, 2 bad arguments.`;

/** The command's options: one entry per option (each option's meaning is in the help text). */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  faulty: { type: 'string' },
} as const satisfies Options;

/** The system the options ask for: the model with the configured suite. */
/** The suites the reference adapter computes with: the configured one, its key agreements remembered. */
const MEMOIZED: Readonly<Record<string, CryptoSuite>> = { noble: memoizeKeyAgreement(nobleSuite), node: memoizeKeyAgreement(nodeSuite) };

/**
 * The model as the reference adapter serves it. A checker resets it hundreds of times with the
 * same few host keys: remembering P-521 key agreements (about 20 ms each in pure JavaScript)
 * changes no result and makes a conformance run about 40% faster.
 */
function referenceSystem(): SyncSystemUnderTest {
  let model: ModelSystem = modelSystem();
  return {
    name: 'semodel',
    reset(config) {
      const suite = MEMOIZED[config.suite];
      model = suite === undefined ? modelSystem() : modelSystem({ suite });
      model.reset(config);
    },
    apply: (action) => model.apply(action),
    observe: (party) => model.observe(party),
  };
}

function systemOf(values: Parsed<typeof OPTIONS>['values']): () => SyncSystemUnderTest {
  if (values.faulty === undefined) return referenceSystem;
  const faulty = faultyImplementation(values.faulty);
  if (faulty === undefined) throw new UsageError(`unknown faulty implementation '${values.faulty}'; one of: ${FAULTY_NAMES.join(', ')} ('semodel adapter --faulty list' describes them)`);
  return faulty.system;
}

/** What the reference adapter answers to hello. */
export function referenceHello(): HelloResult {
  return { protocol: ADAPTER_PROTOCOL, implementation: 'semodel', version: semodelVersion(), mechanisms: MODULES.map((m) => m.name) };
}

/** Where the session runs: the process's stdin and stdout unless a test passes its own. */
export interface AdapterStreams {
  readonly input: Readable;
  readonly output: Writable;
}

/**
 * The adapter command.
 * @example
 * ```sh
 * printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"hello"}' | semodel adapter
 * ```
 */
export async function adapterCommand(argv: string[], io: Io, streams?: AdapterStreams): Promise<number> {
  const { values } = parse(argv, OPTIONS, false, 'adapter');
  if (values.help === true) {
    io.out(ADAPTER_HELP);
    return 0;
  }
  if (values.faulty === 'list') {
    io.out(faultyList());
    return 0;
  }
  const factory = systemOf(values);
  const input = streams?.input ?? process.stdin;
  const output = streams?.output ?? process.stdout;
  if (streams === undefined && process.stdin.isTTY) {
    io.err(`semodel adapter: reading ${ADAPTER_PROTOCOL} requests from stdin, one JSON object per line; try {"jsonrpc":"2.0","id":1,"method":"hello"}`);
  }
  const hello = values.faulty === undefined ? referenceHello() : { ...referenceHello(), implementation: `semodel --faulty ${values.faulty}` };
  await serveAdapter(factory, input, output, hello);
  // Stop reading stdin, so that the process exits after bye even if stdin stays open.
  if (streams === undefined) process.stdin.destroy();
  return 0;
}
