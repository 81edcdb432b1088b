/**
 * `semodel explore --mechanism M --depth D [--guests G] [--json]`: small-scope exhaustive
 * exploration of the model (properties/explore): every sequence of a finite action alphabet up to
 * depth D, duplicates dropped by canonical state hash, every invariant checked at every state.
 * A violation is written as a trace file (docs/trace-format.md) that `semodel trace replay` reads.
 * @module
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { encodeTrace } from '../conformance/trace/codec.js';
import { recordingSystem } from '../conformance/trace/recorder.js';
import { modelSystem } from '../model/platform/index.js';
import { alphabetOf, EXPLORABLE, type Alphabet, type Explorable } from '../properties/explore/alphabet.js';
import { explore as search, type Violation } from '../properties/explore/search.js';
import { PROPERTY_SUITE } from '../properties/suite.js';
import { parse } from './args.js';
import { DEFAULT_OUT } from './campaign-files.js';
import { grouped } from './campaign-table.js';
import { UsageError, type Io } from './io.js';

export const EXPLORE_HELP = `usage: semodel explore --mechanism M --depth D [--guests G] [--max-states N] [--out DIR] [--json]

Explores every sequence of a small action alphabet up to depth D, breadth-first, dropping states
already seen (SHA-256 of the canonical JSON of every party's view and of each guest's accepted
unpacks in order), and checks every invariant after every step: totality (a code of the kind's
rejection table), rejections change no view unless recorded, no plaintext in the hypervisor's
view, start only after verify, a failed verify is final, a running guest holds an image's plaintext.
  --mechanism M     ${EXPLORABLE.join(' or ')}
  --depth D         longest action sequence (1 to 40)
  --guests G        guests the alphabet addresses (default 1, at most 3)
  --max-states N    stop after N distinct states (default 200000)
  --out DIR         a violation's trace file goes here (default ${DEFAULT_OUT})
  --json            print {mechanism, depth, guests, alphabet, states, distinct, frontier, statesPerSecond,
                    truncated, violations: [{invariant, message, actions, file}]}
Exit status: 0 no invariant broken, 1 one broken (its trace is written), 2 bad arguments.`;

/** A whole number flag from `min` to `max`. */
function whole(flag: string, value: string | undefined, fallback: number | undefined, min: number, max: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${flag} is required; see 'semodel explore --help'`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got '${value}'`);
  return Number(value);
}

/** Records the violation's actions on the model as a trace file in `outDir`; returns its path. */
export function writeViolation(io: Io, outDir: string, alphabet: Alphabet, mechanism: string, v: Violation): string {
  const rec = recordingSystem(modelSystem({ suite: PROPERTY_SUITE }));
  rec.system.reset(alphabet.config);
  for (const i of v.path) {
    const letter = alphabet.letters[i];
    if (letter !== undefined) rec.system.apply(letter.action);
  }
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `explore-${mechanism}-${v.invariant}-${v.path.length}.trace.jsonl`);
  io.writeFile(file, encodeTrace(rec.trace()), true);
  return file;
}

/** The explore command. Returns the exit status. */
export function explore(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      mechanism: { type: 'string' },
      depth: { type: 'string' },
      guests: { type: 'string' },
      'max-states': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'explore',
  );
  if (values.help === true) {
    io.out(EXPLORE_HELP);
    return 0;
  }
  const mechanism = values.mechanism;
  if (mechanism === undefined) throw new UsageError(`--mechanism is required: ${EXPLORABLE.join(' or ')}`);
  if (!(EXPLORABLE as readonly string[]).includes(mechanism)) throw new UsageError(`explore has no action alphabet for '${mechanism}' yet; one of: ${EXPLORABLE.join(', ')}`);
  const depth = whole('depth', values.depth, undefined, 1, 40);
  const guests = whole('guests', values.guests, 1, 1, 3);
  const maxStates = whole('max-states', values['max-states'], 200_000, 1, 10_000_000);
  const outDir = values.out ?? DEFAULT_OUT;
  const alphabet = alphabetOf(mechanism as Explorable, guests);
  const t0 = io.now();
  const r = search(alphabet, { depth, maxStates });
  const ms = io.now() - t0;
  const perSecond = ms > 0 ? Math.round((r.states * 1000) / ms) : 0;
  const violations = r.violations.map((v) => ({
    invariant: v.invariant,
    message: v.message,
    actions: v.path.map((i) => alphabet.letters[i]?.name ?? '?'),
    file: writeViolation(io, outDir, alphabet, mechanism, v),
  }));
  if (values.json === true) {
    io.out(
      JSON.stringify(
        { mechanism, depth: r.depth, guests, alphabet: alphabet.letters.map((l) => l.name), states: r.states, distinct: r.distinct, frontier: r.frontier, statesPerSecond: perSecond, truncated: r.truncated, violations },
        null,
        2,
      ),
    );
  } else {
    io.out(`explore ${mechanism}: ${alphabet.letters.length} actions, ${guests} guest${guests > 1 ? 's' : ''}, depth ${r.depth}${r.truncated ? ' (stopped at --max-states)' : ''}`);
    io.out(`  ${grouped(r.states)} states, ${grouped(r.distinct)} distinct, ${grouped(perSecond)} states/s`);
    io.out(`  new distinct states by depth: ${r.frontier.join(' ')}`);
    if (violations.length === 0) io.out('  no invariant broken');
    for (const v of violations) {
      io.out(`VIOLATED ${v.invariant}: ${v.message}`);
      io.out(`  after: ${v.actions.join(', ')}`);
      io.out(`  trace: ${v.file} (semodel trace replay ${v.file})`);
    }
  }
  return violations.length === 0 ? 0 : 1;
}
