/**
 * JSON Schema (draft 2020-12) of every message of the adapter protocol: one request and one
 * response document per method, and the error response. The envelopes are built from schemas
 * of the schema language (`t.*`); the payloads (configuration, action, outcome, party, view)
 * are the wire schemas of `jsonSchemas()`, and an input that is not an action is the trace
 * format's value spelling. `semodel schema` writes them to docs/schema/adapter/.
 * @module
 */
import { jsonSchemaOf, t, type Json, type ObjectType } from '../../model/core/schema.js';
import { jsonSchemas } from '../../model/platform/index.js';
import { traceJsonSchema } from '../trace/schema.js';
import { ADAPTER_ERRORS, ADAPTER_PROTOCOL, type AdapterMethod } from './protocol.js';

/** The schema of what `hello` answers ({@link HelloResult} of protocol.ts). */
export const HELLO_RESULT = t.object({
  protocol: t.enum([ADAPTER_PROTOCOL], 'the protocol and its version'),
  implementation: t.string({ doc: "the implementation's name, for reports" }),
  version: t.string({ doc: "the implementation's version, for reports" }),
  mechanisms: t.array(t.string({ doc: 'a mechanism folder name, e.g. image-unpack' }), {
    doc: "the mechanisms implemented; the platform's own actions (create-guest, destroy-guest) always",
  }),
});

/** The fields every request and every result response has. */
const ENVELOPE = {
  jsonrpc: t.enum(['2.0'] as const, 'JSON-RPC 2.0'),
  id: t.id('the request id (1, 2, 3, … in a session); the response carries the same'),
};

/** The JSON-RPC error object. */
const ERROR_OBJECT = t.object({
  code: t.int({ doc: `the error code: ${Object.entries(ADAPTER_ERRORS).map(([name, code]) => `${code} ${name}`).join(', ')}` }),
  message: t.string({ doc: 'what went wrong, one line' }),
});

type Doc = Record<string, Json>;

const ref = (name: string): Json => ({ $ref: `#/$defs/${name}` });

/**
 * The JSON Schema of `base` with more properties whose schemas are given as JSON (references to
 * the payload definitions); all required except those named in `optional`.
 */
function withFields(base: ObjectType, extra: Readonly<Record<string, Json>>, optional: readonly string[] = []): Doc {
  const s = jsonSchemaOf(base);
  const properties = { ...(s['properties'] as Doc), ...extra };
  const required = [...(s['required'] as string[]), ...Object.keys(extra)].filter((k) => !optional.includes(k));
  return { ...s, properties, required };
}

/** A document of `jsonSchemas()` as a definition: without its own `$schema` and `$id`. */
function def(doc: Doc): Json {
  const { $schema: _s, $id: _i, ...rest } = doc;
  void _s;
  void _i;
  return rest;
}

/** The document of one message, with the definitions it refers to. */
function document(name: string, title: string, body: Doc, defs: Readonly<Record<string, Json>> = {}): Doc {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://semodel.dev/schema/adapter/${name}.json`,
    title,
    ...body,
    ...(Object.keys(defs).length === 0 ? {} : { $defs: defs }),
  };
}

/** A request of `method`; `params` absent means the method takes none (the field may be left out or `{}`). */
function request(method: AdapterMethod, params?: Readonly<Record<string, Json>>): Doc {
  const envelope = t.object({ ...ENVELOPE, method: t.enum([method]) });
  return params === undefined
    ? withFields(envelope, { params: jsonSchemaOf(t.object({}, 'no parameters')) }, ['params'])
    : withFields(envelope, { params: withFields(t.object({}), params) });
}

/** A result response whose result has the fields `result` (JSON Schemas). */
function response(result: Readonly<Record<string, Json>>): Doc {
  return withFields(t.object(ENVELOPE), { result: withFields(t.object({}), result) });
}

/**
 * Every message's JSON Schema by name: `hello.request`, `hello.response`, …, `bye.response`, and
 * `error.response` (the answer to any request that failed).
 * @example
 * ```ts
 * const docs = adapterJsonSchemas();
 * docs['apply.request'].$defs; // { action, value }
 * ```
 */
export function adapterJsonSchemas(): Record<string, Doc> {
  const wire = jsonSchemas();
  const value = (traceJsonSchema()['$defs'] as Record<string, Json>)['value'] as Json;
  const hello = jsonSchemaOf(HELLO_RESULT);
  const errorResponse = withFields(
    t.object({ jsonrpc: ENVELOPE.jsonrpc }),
    {
      id: { anyOf: [jsonSchemaOf(ENVELOPE.id), { type: 'null' }], description: "the request's id; null when the request could not be read" },
      error: withFields(ERROR_OBJECT, { data: { description: 'more about the error (e.g. {path, message} of a value that does not decode)' } }, ['data']),
    },
  );
  return {
    'hello.request': document('hello.request', 'hello: which protocol, implementation and mechanisms', request('hello')),
    'hello.response': document('hello.response', 'the answer to hello', withFields(t.object(ENVELOPE), { result: hello })),
    'reset.request': document('reset.request', 'reset: start over from a configuration (no guests, fresh firmware)', request('reset', { config: ref('config') }), {
      config: def(wire.config),
    }),
    'reset.response': document('reset.response', 'the answer to reset', response({})),
    'apply.request': document(
      'apply.request',
      'apply: one action; an input that is not an action comes as its spelling (docs/adapter-protocol.md)',
      request('apply', { action: { anyOf: [ref('action'), ref('value')], description: 'the wire form of an action, or the spelling of an input that is not one' } }),
      { action: def(wire.action), value },
    ),
    'apply.response': document('apply.response', 'the answer to apply: the outcome', response({ outcome: ref('outcome') }), { outcome: def(wire.outcome) }),
    'observe.request': document('observe.request', "observe: a party's view", request('observe', { party: ref('party') }), { party: def(wire.party) }),
    'observe.response': document(
      'observe.response',
      'the answer to observe: the view, null for a party that does not exist',
      response({ view: { anyOf: [ref('view'), { type: 'null' }] } }),
      { view: def(wire.view) },
    ),
    'bye.request': document('bye.request', 'bye: the session is over; the adapter answers, then exits', request('bye')),
    'bye.response': document('bye.response', 'the answer to bye', response({})),
    'error.response': document('error.response', 'the answer to a request that failed: a JSON-RPC error object', errorResponse),
  };
}

/** The folder of docs/schema/ the adapter's message schemas go in. */
export const ADAPTER_SCHEMA_FOLDER = 'adapter';

/** The message schemas as files (`adapter/hello.request.json`, …), as `semodel schema` writes them. */
export function adapterSchemaFiles(): { readonly name: string; readonly text: string }[] {
  return Object.entries(adapterJsonSchemas()).map(([name, doc]) => ({ name: `${ADAPTER_SCHEMA_FOLDER}/${name}.json`, text: `${JSON.stringify(doc, null, 2)}\n` }));
}
