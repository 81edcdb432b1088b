/**
 * JSON Schema (draft 2020-12) of every file of a vectors directory, generated: `meta.json` and
 * `index.json` from their schemas (layout.ts), `config.json` from the configuration's, and the
 * lines of `steps.jsonl` and `expected.jsonl` from the wire schemas of actions, outcomes and
 * views and the spelling of inputs that are not actions (the definitions of the trace schema).
 * `semodel schema` writes them to docs/schema/vectors/.
 * @module
 */
import { jsonSchemaOf, type Json } from '../../model/core/schema.js';
import { jsonSchemas } from '../../model/platform/index.js';
import { ABSTRACT_STATE } from '../trace/format.js';
import { traceJsonSchema } from '../trace/schema.js';
import { VECTOR_INDEX, VECTOR_META } from './layout.js';

/** The folder under the schema folder (docs/schema) the files go to. */
export const VECTOR_SCHEMA_FOLDER = 'vectors';

const PARTY_KEY = '^(hypervisor|host-manager|client|(guest|owner|adapter):(0|[1-9][0-9]*))$';

type Doc = Record<string, Json>;

const doc = (name: string, title: string, body: Doc): Doc => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://semodel.dev/schema/vectors/${name}.json`,
  title,
  ...body,
});

/** A document of `jsonSchemas()` as a definition: without its own `$schema` and `$id`. */
function def(d: Doc): Doc {
  const { $schema: _s, $id: _i, ...rest } = d;
  void _s;
  void _i;
  return rest;
}

/** The JSON Schema of each file of a vectors directory, by file name (`meta.json`, `step.json` for a line of steps.jsonl, …). */
export function vectorJsonSchemas(): Record<string, Doc> {
  const wire = jsonSchemas();
  const traceDefs = (traceJsonSchema()['$defs'] ?? {}) as Record<string, Json>;
  const ref = (name: string): Json => ({ $ref: `#/$defs/${name}` });
  const step = { type: 'integer', minimum: 1, description: '1, 2, 3, …: the line number' };
  return {
    'config.json': doc('config', 'config.json of a case: the world configuration to reset to (wire form)', def(wire.config)),
    'meta.json': doc('meta', 'meta.json of a case: what it covers (docs/vectors.md)', jsonSchemaOf(VECTOR_META)),
    'index.json': doc('index', 'index.json of a vectors directory: every case', jsonSchemaOf(VECTOR_INDEX)),
    'step.json': doc('step', 'A line of steps.jsonl: an action in wire form, or the spelling of an input that is not one', {
      oneOf: [
        { type: 'object', properties: { step, action: ref('action') }, required: ['step', 'action'], additionalProperties: false },
        { type: 'object', properties: { step, input: ref('value') }, required: ['step', 'input'], additionalProperties: false },
      ],
      $defs: { action: def(wire.action), value: traceDefs['value'] ?? {} },
    }),
    'expected.json': doc('expected', 'A line of expected.jsonl: the outcome of the step and what every party sees after it', {
      type: 'object',
      properties: {
        step,
        outcome: ref('outcome'),
        digests: {
          type: 'object',
          description: 'party key → SHA-256 (hex) of the canonical JSON of its view in wire form',
          propertyNames: { pattern: PARTY_KEY },
          additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
        state: { ...jsonSchemaOf(ABSTRACT_STATE), description: 'the abstract state: guests and adapters as the views show them' },
        views: {
          type: 'object',
          description: 'full views by party key, on the last line of a case when they are small',
          propertyNames: { pattern: PARTY_KEY },
          additionalProperties: { anyOf: [ref('view'), { type: 'null' }] },
        },
      },
      required: ['step', 'outcome', 'digests', 'state'],
      additionalProperties: false,
      $defs: { outcome: def(wire.outcome), view: def(wire.view) },
    }),
  };
}

/** The schema files as `semodel schema` writes them: path under the schema folder → text. */
export function vectorSchemaFiles(): { readonly name: string; readonly text: string }[] {
  return Object.entries(vectorJsonSchemas()).map(([name, d]) => ({ name: `${VECTOR_SCHEMA_FOLDER}/${name}`, text: `${JSON.stringify(d, null, 2)}\n` }));
}
