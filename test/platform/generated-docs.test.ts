// The documents generated from the model and committed in docs/ (the JSON Schema files,
// docs/actions.md, docs/requirements.md) are what the model generates now. They carry every
// action's fields, limits and descriptions and every rejection row (requirement, check name, real
// return code, recorded or not, condition), so a change to any of those tables that the documents
// do not show fails here, in process, where the mutation run sees it (the CLI suite checks the
// same through `semodel schema --check`). The generators are imported inside the tests: the
// mutation run counts what runs while a test file is collected as static and never tries it, and
// these tables are built when their modules load.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const committed = (name: string): string => readFileSync(path.join(DOCS, name), 'utf8');
const REGENERATE = 'regenerate with `npm run docs` (or semodel schema --force, semodel requirements --write docs/requirements.md --force) and commit';

describe('the committed generated documents', () => {
  // One test for all three: the tables are built when the first import loads them, and only the
  // test running then counts as covering them.
  it('docs/schema/*.json, docs/actions.md and docs/requirements.md are what the model generates', async () => {
    const [{ actionsMarkdown, schemaFiles }, { currentTrace }, { traceMarkdown }] = await Promise.all([
      import('../../cli/schema.js'),
      import('../../cli/requirements.js'),
      import('../../properties/traceability.js'),
    ]);
    for (const { name, text } of schemaFiles()) expect.soft(committed(`schema/${name}`), `${name}: ${REGENERATE}`).toBe(text);
    expect.soft(committed('actions.md'), `actions.md: ${REGENERATE}`).toBe(actionsMarkdown());
    expect.soft(committed('requirements.md'), `requirements.md: ${REGENERATE}`).toBe(traceMarkdown(currentTrace()));
  });
});
