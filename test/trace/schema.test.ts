// docs/schema/trace.schema.json is what the code generates (`semodel schema` writes it), and it
// names every field the recorder writes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../cli/schema.js';
import { traceJsonSchema } from '../../conformance/trace/index.js';
import { PROJECT } from '../cli/cli-harness.js';
import { recorded, type Loose } from './fixtures.js';

describe('trace JSON Schema', () => {
  it('the committed docs/schema/trace.schema.json equals the generated schema', () => {
    const committed = readFileSync(path.join(PROJECT, 'docs/schema/trace.schema.json'), 'utf8');
    expect(committed, 'run `npm run docs` (semodel schema --force) and commit the file').toBe(`${JSON.stringify(traceJsonSchema(), null, 2)}\n`);
    expect(schemaFiles().find((f) => f.name === 'trace.schema.json')?.text).toBe(committed);
  });

  it('is draft 2020-12 with one branch per line kind, built on the model schemas', () => {
    const s = traceJsonSchema() as Loose;
    expect(s['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s['oneOf'].map((b: { title: string }) => b.title)).toEqual(['header line (the first line)', 'reset line', 'apply line', 'observe line']);
    expect(Object.keys(s['$defs'])).toEqual(['config', 'action', 'outcome', 'party', 'view', 'state', 'value']);
    expect(s['$defs'].action.oneOf.length).toBeGreaterThan(4);
  });

  it('names every field of the lines the recorder writes', () => {
    const s = traceJsonSchema() as Loose;
    const [header, reset, apply, observe] = s['oneOf'] as { properties: Record<string, unknown> }[];
    const byOp: Record<string, { properties: Record<string, unknown> }> = { reset: reset!, apply: apply!, observe: observe! };
    for (const name of ['step-total', 'honest-unpack-yields-plaintext']) {
      const { trace } = recorded(name);
      for (const k of Object.keys(trace.header)) expect(header!.properties, k).toHaveProperty([k]);
      for (const l of trace.lines) for (const k of Object.keys(l)) expect(byOp[l.op]?.properties, `${l.op}.${k}`).toHaveProperty([k]);
    }
  });
});
