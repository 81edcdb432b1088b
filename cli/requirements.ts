/**
 * `semodel requirements`: the requirements trace of spec/ against the rejection tables, the
 * handlers' guard order and the properties. The docs build runs it; a requirement no property
 * checks, a code the spec and the tables disagree on, or a guard list of the spec that is not
 * the order a handler checks, fails it.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTION_KINDS, MODULES } from '../model/platform/mechanisms.js';
import { ALL_REJECTIONS, guardsOf } from '../model/platform/rejections.js';
import { allProperties } from '../properties/registry.js';
import { parseSpecGuardLists, parseSpecRequirements, traceMarkdown, traceRequirements, type SpecFile, type Trace } from '../properties/traceability.js';
import { parse } from './args.js';
import { UsageError, type Io } from './io.js';

export const REQUIREMENTS_HELP = `usage: semodel requirements [--json] [--write FILE [--force]]

Traces every requirement of spec/ to the rejection codes the tables cite (with their check names
and real-platform return codes) and the properties that check it, and checks each spec list
"#### Guards of \`kind\`" (items "N. \`CODE\` — condition") against the order the handler of
that kind runs its guards. Prints the trace as markdown (or JSON); --write saves the markdown to
FILE (--force to replace an existing FILE). Disagreements go to stderr, one line each.

Exit status: 0 when every requirement is checked and the spec agrees with the tables and the
guards, 1 otherwise, 2 for bad arguments.`;

/** The markdown files of the spec shipped with this package, sorted by name. */
export function specFiles(): SpecFile[] {
  // spec/ sits at the package root: one folder up from cli/, two from the compiled dist/cli/.
  const dir = [new URL('../spec/', import.meta.url), new URL('../../spec/', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((d) => existsSync(d));
  if (dir === undefined) throw new UsageError('spec/ not found beside the semodel package');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => ({ file: `spec/${file}`, text: readFileSync(dir + file, 'utf8') }));
}

/** The trace of `files` (default: the spec shipped with this package) against the model. */
export function currentTrace(files: readonly SpecFile[] = specFiles()): Trace {
  return traceRequirements(parseSpecRequirements(files), allProperties, ALL_REJECTIONS, {
    handlerGuards: ACTION_KINDS.map((kind) => ({ kind, guards: guardsOf(kind) })),
    specGuards: parseSpecGuardLists(files),
    areas: Object.fromEntries(MODULES.map((m) => [m.name, m.area])),
  });
}

/** The requirements command. */
export function requirements(argv: string[], io: Io): number {
  const { values } = parse(argv, { json: { type: 'boolean' }, write: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help === true) {
    io.out(REQUIREMENTS_HELP);
    return 0;
  }
  if (values.force === true && values.write === undefined) throw new UsageError('--force needs --write FILE');
  const trace = currentTrace();
  const markdown = traceMarkdown(trace);
  if (values.write !== undefined) io.writeFile(values.write, markdown, values.force === true);
  if (values.json === true) {
    io.out(
      JSON.stringify(
        {
          requirements: trace.rows.map((r) => ({ id: r.requirement.id, title: r.requirement.title, file: r.requirement.file, codes: r.requirement.codes, properties: r.properties })),
          rejections: trace.rejections,
          guards: trace.guards,
          unchecked: trace.unchecked,
          problems: trace.problems,
        },
        null,
        2,
      ),
    );
  } else if (values.write === undefined) {
    io.out(markdown);
  }
  for (const id of trace.unchecked) io.err(`gap: ${id} is checked by no property`);
  for (const p of trace.problems) io.err(`mismatch: ${p}`);
  return trace.unchecked.length === 0 && trace.problems.length === 0 ? 0 : 1;
}
