/**
 * `npm run mutate:group -- NAME`: Stryker over one group of the model's files, tried against that
 * group's own test suites only.
 *
 * A whole run (`npm run mutate`) tries every mutant against every model suite that covers it.
 * Stryker's vitest runner loads each covering test file afresh for each mutant, and the checker
 * type-checks each one, so a mechanism's two thousand mutants took some ten hours on a 2-core
 * machine. Narrowing the tests to the group's suites (SEMODEL_MUTATION_TESTS, read by
 * vitest.mutation.config.ts) and the type check to model/ (tsconfig.mutation.json) brings that
 * to about an hour. A mutant the narrowed tests miss might be killed by another suite, so a
 * group's score is a lower bound of the whole run's.
 *
 * Each group has its own incremental file and report under `reports/mutation-NAME/`: a second run
 * only tries the mutants whose code or covering tests changed.
 *
 * Options: `--list` prints the groups; `--runs N` sets SEMODEL_MUTATION_RUNS (property runs per
 * property, default 30); `--concurrency N` (default 3: Stryker starts two checkers and one test
 * runner, and hands the checkers' share to test runners once every mutant is checked).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** A group: the files Stryker mutates and the test files it runs against them. */
export interface MutationGroup {
  /** Which issue's target the group measures, in a few words. */
  readonly about: string;
  /** Globs of model files to mutate. */
  readonly mutate: readonly string[];
  /** Globs of the test files that try the mutants. */
  readonly tests: readonly string[];
}

/** The groups, by name. */
export const GROUPS: Readonly<Record<string, MutationGroup>> = {
  'hypervisor-touch': {
    about: 'issue 10: secure-dump, secure-interception and the dump formats',
    mutate: ['model/secure-dump/**/*.ts', 'model/se-format/dump-*.ts', 'model/secure-interception/**/*.ts'],
    tests: [
      'test/secure-dump/{handlers,faulty-caught,properties,stimulus}.test.ts',
      'test/secure-interception/*.test.ts',
      'test/se-format/dump-*.test.ts',
      'test/platform/rejection-tables.test.ts',
      'test/platform/generated-docs.test.ts',
    ],
  },
  'boot-and-deploy': {
    about: 'issue 12: secure-ipl, startup-order, shrouded-deployment, confidential-boot and their formats',
    mutate: [
      'model/secure-ipl/**/*.ts',
      'model/startup-order/**/*.ts',
      'model/shrouded-deployment/**/*.ts',
      'model/confidential-boot/**/*.ts',
      'model/se-format/{appended-signature,ipl-report,signed-component,x509-anchor}.ts',
      'model/se-format/hkd-*.ts',
      'model/se-format/{cboot-envelope,cboot-key-blob,luks-volume}.ts',
    ],
    tests: [
      'test/secure-ipl/{component-vectors,faulty-caught,ipl-report,properties,signature-rules}.test.ts',
      'test/startup-order/*.test.ts',
      'test/shrouded-deployment/{faulty-caught,handlers,hkd-rules,hkd-vectors,properties}.test.ts',
      'test/confidential-boot/*.test.ts',
      'test/se-format/asn1-total.test.ts',
      'test/platform/rejection-tables.test.ts',
      'test/platform/generated-docs.test.ts',
    ],
  },
};

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      runs: { type: 'string', default: '30' },
      concurrency: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const names = Object.keys(GROUPS);
  if (values.help === true || values.list === true) {
    console.log('usage: npm run mutate:group -- NAME [--runs N] [--concurrency N]\ngroups:');
    for (const n of names) console.log(`  ${n.padEnd(18)} ${GROUPS[n]?.about ?? ''}`);
    return 0;
  }
  const name = positionals[0];
  const group = name === undefined ? undefined : GROUPS[name];
  if (name === undefined || group === undefined || positionals.length !== 1) {
    console.error(`mutate:group: name one group: ${names.join(', ')}`);
    return 2;
  }
  for (const [flag, text] of [['--runs', values.runs], ['--concurrency', values.concurrency]] as const) {
    if (!/^[1-9][0-9]*$/.test(text)) {
      console.error(`mutate:group: ${flag} takes a positive integer, not '${text}'`);
      return 2;
    }
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const base = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8')) as Record<string, unknown>;
  const dir = `reports/mutation-${name}`;
  mkdirSync(join(root, dir), { recursive: true });
  const config = {
    ...base,
    mutate: group.mutate,
    concurrency: Number(values.concurrency),
    incrementalFile: `${dir}/stryker-incremental.json`,
    htmlReporter: { fileName: `${dir}/index.html` },
    jsonReporter: { fileName: `${dir}/mutation.json` },
    // One line per progress step, readable in a log file.
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  };
  const configFile = join(root, dir, 'stryker.config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const r = spawnSync('npx', ['stryker', 'run', configFile], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SEMODEL_MUTATION_TESTS: JSON.stringify(group.tests), SEMODEL_MUTATION_RUNS: values.runs },
  });
  return r.status ?? 2;
}

process.exitCode = main();
