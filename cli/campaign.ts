/**
 * `semodel campaign`: runs the registered properties of one or every mechanism and prints a
 * table, or JSON with `--json`. `npm start` runs it with the default budget.
 * @module
 */
import { MECHANISMS, isMechanismName, runProperty, type MechanismName, type PropertyRun } from '../properties/property.js';
import { allProperties } from '../properties/registry.js';
import { parse, parseCount } from './args.js';
import { UsageError, type Io } from './io.js';

/** Runs per property when `--runs` is not given. */
export const DEFAULT_RUNS = 200;
/** Seed when `--seed` is not given: fixed, so that a default campaign replays. */
export const DEFAULT_SEED = 2026;

export const CAMPAIGN_HELP = `usage: semodel campaign [--mechanism NAME] [--runs N] [--seed N] [--json]

Runs the model's registered properties with fast-check and prints a summary.
  --mechanism NAME  only this mechanism's properties (platform, ${MECHANISMS.join(', ')})
  --runs N          runs per property (default ${DEFAULT_RUNS})
  --seed N          seed of the whole campaign (default ${DEFAULT_SEED}); a failure prints it for replay
  --json            print {seed, properties: [{mechanism, name, requirements, runs, status, counterexample?}], passed, failed}
Exit status: 0 when every property passed, 1 when one failed, 2 for bad arguments.`;

function table(rows: readonly PropertyRun[]): string {
  const head = ['mechanism', 'property', 'requirements', 'runs', 'result', 'time'];
  const body = rows.map((r) => [
    r.mechanism,
    r.name,
    r.requirements.join(' '),
    String(r.runs),
    r.status,
    `${(r.timeMs / 1000).toFixed(2)} s`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The campaign command. Returns the exit status. */
export function campaign(argv: string[], io: Io): number {
  const { values } = parse(argv, {
    mechanism: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help === true) {
    io.out(CAMPAIGN_HELP);
    return 0;
  }
  const mechanism = values.mechanism;
  if (mechanism !== undefined && mechanism !== 'platform' && !isMechanismName(mechanism)) {
    throw new UsageError(`unknown mechanism '${mechanism}'; one of: platform, ${MECHANISMS.join(', ')}`);
  }
  const runs = parseCount('runs', values.runs, DEFAULT_RUNS);
  if (runs < 1) throw new UsageError('--runs must be at least 1');
  const seed = parseCount('seed', values.seed, DEFAULT_SEED);
  const selected = allProperties.filter((p) => mechanism === undefined || p.mechanism === mechanism);
  const results: PropertyRun[] = [];
  for (const p of selected) {
    const r = runProperty(p, { numRuns: runs, seed, now: () => io.now() });
    results.push(r);
    if (values.json !== true && r.status === 'failed') {
      io.err(`FAILED ${r.mechanism}/${r.name} (seed ${seed}): ${r.error ?? ''}\n  counterexample: ${r.counterexample ?? ''}`);
    }
  }
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.length - passed;
  if (values.json === true) {
    io.out(
      JSON.stringify(
        {
          seed,
          properties: results.map((r) => ({
            mechanism: r.mechanism,
            name: r.name,
            requirements: r.requirements,
            runs: r.runs,
            status: r.status,
            timeMs: Math.round(r.timeMs),
            ...(r.counterexample === undefined ? {} : { counterexample: r.counterexample, error: r.error }),
          })),
          passed,
          failed,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(table(results));
    const covered = new Set(results.map((r) => r.mechanism));
    const pending = MECHANISMS.filter((m) => (mechanism === undefined || m === mechanism) && !covered.has(m as MechanismName | 'platform'));
    io.out(`\n${passed} passed, ${failed} failed (seed ${seed}, ${runs} runs per property)`);
    if (pending.length > 0) io.out(`mechanisms with no properties yet: ${pending.join(', ')}`);
  }
  return failed === 0 ? 0 : 1;
}
