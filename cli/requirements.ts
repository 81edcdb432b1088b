/**
 * `semodel requirements`: the requirements trace of spec/ against the reducers and properties.
 * The docs build runs it; a requirement no property checks, or a code the spec and the reducers
 * disagree on, fails it.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_REJECTIONS } from '../model/platform/rejections.js';
import { allProperties } from '../properties/registry.js';
import { parseSpecRequirements, traceMarkdown, traceRequirements, type Trace } from '../properties/traceability.js';
import { parse } from './args.js';
import { UsageError, type Io } from './io.js';

export const REQUIREMENTS_HELP = `usage: semodel requirements [--json] [--write FILE [--force]]

Traces every requirement of spec/ to the rejection codes the reducers cite and the properties
that check it. Prints the trace as markdown (or JSON); --write saves the markdown to FILE.
Exit status: 0 when every requirement is checked and the codes agree, 1 otherwise.`;

/** The trace of the spec shipped with this package. */
export function currentTrace(): Trace {
  // spec/ sits at the package root: one folder up from cli/, two from the compiled dist/cli/.
  const dir = [new URL('../spec/', import.meta.url), new URL('../../spec/', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((d) => existsSync(d));
  if (dir === undefined) throw new UsageError('spec/ not found beside the semodel package');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => ({ file: `spec/${file}`, text: readFileSync(dir + file, 'utf8') }));
  return traceRequirements(parseSpecRequirements(files), allProperties, ALL_REJECTIONS);
}

/** The requirements command. */
export function requirements(argv: string[], io: Io): number {
  const { values } = parse(argv, { json: { type: 'boolean' }, write: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help === true) {
    io.out(REQUIREMENTS_HELP);
    return 0;
  }
  const trace = currentTrace();
  const markdown = traceMarkdown(trace);
  if (values.write !== undefined) io.writeFile(values.write, markdown, values.force === true);
  if (values.json === true) {
    io.out(
      JSON.stringify(
        {
          requirements: trace.rows.map((r) => ({ id: r.requirement.id, title: r.requirement.title, file: r.requirement.file, codes: r.requirement.codes, properties: r.properties })),
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
