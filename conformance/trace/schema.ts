/**
 * JSON Schema (draft 2020-12) of a line of a trace file, generated from the model's schemas
 * (actions, outcomes, parties, views, the configuration and the abstract state) and the
 * spelling of inputs that are not actions. `semodel schema` writes it to
 * docs/schema/trace.schema.json.
 * @module
 */
import { jsonSchemaOf, type Json } from '../../model/core/schema.js';
import { jsonSchemas } from '../../model/platform/index.js';
import { ABSTRACT_STATE, TRACE_FORMAT, TRACE_VERSION } from './format.js';

const ref = (name: string): Json => ({ $ref: `#/$defs/${name}` });

/** A document of `jsonSchemas()` as a definition: without its own `$schema` and `$id`. */
function def(doc: Record<string, Json>): Json {
  const { $schema: _s, $id: _i, ...rest } = doc;
  void _s;
  void _i;
  return rest;
}

const PARTY_KEY = '^(hypervisor|host-manager|client|(guest|owner|adapter):(0|[1-9][0-9]*))$';

/** The spelling of a value that is not an action (conformance/trace/value.ts). */
function valueSchema(): Json {
  const tag = (name: string, body: Json, extra: Record<string, Json> = {}): Json => ({
    type: 'object',
    properties: { [name]: body, ...extra },
    required: [name],
    additionalProperties: false,
  });
  const hex = { type: 'string', pattern: '^([0-9a-f]{2})*$' };
  return {
    description: 'A JavaScript value spelled in JSON (tags: $undefined, $number, $bigint, $bytes, $typed, $map, $set, $object, $throws, $symbol, $function, $opaque, $reads)',
    anyOf: [
      { type: ['null', 'boolean', 'string', 'number'] },
      { type: 'array', items: ref('value') },
      tag('$undefined', { const: true }),
      tag('$number', { enum: ['NaN', 'Infinity', '-Infinity', '-0'] }),
      tag('$bigint', { type: 'string', pattern: '^-?(0|[1-9][0-9]*)$' }),
      tag('$bytes', hex),
      tag('$typed', { type: 'object', properties: { type: { type: 'string' }, bytes: hex }, required: ['type', 'bytes'], additionalProperties: false }),
      tag('$map', { type: 'array', items: { type: 'array', prefixItems: [ref('value'), ref('value')], minItems: 2, maxItems: 2 } }),
      tag('$set', { type: 'array', items: ref('value') }),
      tag('$object', { type: 'object', additionalProperties: ref('value') }),
      tag('$throws', { type: 'string', description: 'a read that threw (a field, an element)' }),
      tag('$symbol', { type: 'string' }),
      tag('$function', { type: 'string' }),
      tag('$opaque', { type: 'string', description: 'a value that could not be read' }),
      tag(
        '$reads',
        { type: 'array', description: 'what the system read of a top-level object, in order', items: { type: 'array', prefixItems: [{ type: 'string' }, ref('value')], minItems: 2, maxItems: 2 } },
        { $array: { type: 'boolean' } },
      ),
    ],
  };
}

const digests: Json = {
  type: 'object',
  description: 'party key → SHA-256 (hex) of the canonical JSON of its view in wire form; null: the view did not read',
  propertyNames: { pattern: PARTY_KEY },
  additionalProperties: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{64}$' }, { type: 'null' }] },
};

const requestLine = (op: string, properties: Record<string, Json>, required: string[], extra: Record<string, Json> = {}): Json => ({
  type: 'object',
  title: `${op} line`,
  properties: { op: { const: op }, ...properties },
  required: ['op', ...required],
  additionalProperties: false,
  ...extra,
});

const oneOfPresent = (...names: string[]): Json => ({ oneOf: names.map((n) => ({ required: [n] })) });

/** The JSON Schema of a trace line: the header, or a reset, apply or observe line. */
export function traceJsonSchema(): Record<string, Json> {
  const s = jsonSchemas();
  const header: Json = {
    type: 'object',
    title: 'header line (the first line)',
    properties: {
      format: { const: TRACE_FORMAT },
      version: { const: TRACE_VERSION },
      semodel: { type: 'string', description: 'the semodel version that wrote the trace' },
      system: { type: 'string', description: 'the name of the system under test recorded' },
      suite: { enum: ['noble', 'node'], description: "the crypto suite (the config's suite)" },
      config: ref('config'),
      property: { type: 'object', properties: { mechanism: { type: 'string' }, name: { type: 'string' } }, required: ['mechanism', 'name'], additionalProperties: false },
      seed: { type: 'integer', description: "fast-check's seed (campaign failures)" },
      path: { type: 'string', pattern: '^(0|[1-9][0-9]*)(:(0|[1-9][0-9]*))*$', description: "fast-check's path to the shrunk counterexample" },
      runs: { type: 'integer', minimum: 0, description: 'runs of the failed campaign run (numRuns of the replay)' },
      error: { type: 'string', description: 'the error the property failed with' },
    },
    required: ['format', 'version', 'semodel', 'system', 'suite', 'config'],
    additionalProperties: false,
  };
  const observed = { digests, state: ref('state') };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://semodel.dev/schema/trace.schema.json',
    title: 'A line of a semodel trace file (JSON lines; docs/trace-format.md)',
    oneOf: [
      header,
      requestLine('reset', { config: ref('config'), threw: { type: 'string' }, ...observed }, ['config']),
      requestLine(
        'apply',
        {
          step: { type: 'integer', minimum: 1, description: '1, 2, 3, …: apply lines counted across resets' },
          action: ref('action'),
          input: ref('value'),
          outcome: ref('outcome'),
          unreadable: ref('value'),
          threw: { type: 'string' },
          ...observed,
          views: { type: 'object', description: 'full views by party key, at checkpoints and on the last apply line', propertyNames: { pattern: PARTY_KEY }, additionalProperties: { anyOf: [ref('view'), { type: 'null' }] } },
        },
        ['step'],
        { allOf: [oneOfPresent('action', 'input'), oneOfPresent('outcome', 'unreadable', 'threw')] },
      ),
      requestLine('observe', { party: ref('party'), view: { anyOf: [ref('view'), { type: 'null' }] }, unreadable: ref('value'), threw: { type: 'string' } }, ['party'], oneOfPresent('view', 'unreadable', 'threw') as Record<string, Json>),
    ],
    $defs: {
      config: def(s.config),
      action: def(s.action),
      outcome: def(s.outcome),
      party: def(s.party),
      view: def(s.view),
      state: { ...jsonSchemaOf(ABSTRACT_STATE), description: 'the abstract state: guests and adapters as the views show them' },
      value: valueSchema(),
    },
  };
}
