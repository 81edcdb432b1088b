/**
 * The layout of a vectors directory (docs/vectors.md), in the manner of the Ethereum
 * consensus-spec-tests: `<mechanism>/<handler>/<case>/` holding `config.json`, `steps.jsonl`,
 * `expected.jsonl` and `meta.json`, with `index.json` and `README.md` at the top. The shapes of
 * `meta.json` and `index.json` are schemas ({@link VECTOR_META}, {@link VECTOR_INDEX}), so that
 * their decoders and their JSON Schema come from one declaration; step and expected lines hold
 * the wire forms of model/platform/wire.ts and the spellings of conformance/trace/value.ts.
 * @module
 */
import { t, type Json, type Static } from '../../model/core/schema.js';

/** The `format` of every `meta.json` and of `index.json`. */
export const VECTORS_FORMAT = 'semodel-vectors';
/** The layout version this code writes and reads. */
export const VECTORS_VERSION = 1;

/** Wycheproof's verdicts: what the case's last (tested) step does. */
export const RESULTS = ['valid', 'invalid', 'acceptable'] as const;
/** A case's verdict. */
export type VectorResult = (typeof RESULTS)[number];

/** The files of one case directory, in the order they are written. */
export const CASE_FILES = ['config.json', 'steps.jsonl', 'expected.jsonl', 'meta.json'] as const;

/** `meta.json`: what a case is about. */
export const VECTOR_META = t.object({
  format: t.enum([VECTORS_FORMAT] as const, 'always semodel-vectors'),
  version: t.int({ doc: 'the layout version (1)' }),
  mechanism: t.string({ doc: 'the folder: platform, or the mechanism that declares the handler (image-unpack)' }),
  handler: t.string({ doc: 'the action kind the case tests (create-guest, unpack, …), or schedule for a long adversarial schedule' }),
  case: t.string({ doc: 'the case folder name, unique within its handler' }),
  description: t.string({ doc: 'one sentence: the state, the stimulus and what must happen' }),
  requirements: t.array(t.string(), { doc: 'the requirement IDs the case covers, sorted' }),
  result: t.enum(RESULTS, 'valid: the last step is accepted; invalid: it is rejected; acceptable: either is allowed (no case uses it yet)'),
  flags: t.array(t.string(), { doc: 'the conditions the case provokes: guard names in kebab case, in guard order (accepted, adversarial-schedule and rejection codes for the others)' }),
  requires: t.array(t.string(), { doc: "the mechanisms whose actions the steps use, besides the platform's own" }),
  steps: t.int({ min: 1, doc: 'the number of lines of steps.jsonl and of expected.jsonl' }),
  expected: t.nullable(
    t.object({ code: t.string(), requirement: t.string() }),
    'the rejection of the last step (the first failing guard in spec order), or null when it is accepted',
  ),
});

/** A case's `meta.json`. */
export type VectorMeta = Static<typeof VECTOR_META>;

/** One entry of `index.json`. */
export const INDEX_ENTRY = t.object({
  path: t.string({ doc: 'the case folder, relative to the directory: <mechanism>/<handler>/<case>' }),
  mechanism: t.string(),
  handler: t.string(),
  case: t.string(),
  result: t.enum(RESULTS),
  requires: t.array(t.string(), { doc: 'as in meta.json' }),
});

/** `index.json`: every case of the directory. */
export const VECTOR_INDEX = t.object({
  format: t.enum([VECTORS_FORMAT] as const),
  version: t.int(),
  semodel: t.string({ doc: 'the semodel version that wrote the directory' }),
  cases: t.array(INDEX_ENTRY, { doc: 'every case, in the order of their paths' }),
});

/** `index.json`. */
export type VectorIndex = Static<typeof VECTOR_INDEX>;
/** One case of `index.json`. */
export type IndexEntry = Static<typeof INDEX_ENTRY>;

/** A line of `steps.jsonl`: an action in wire form, or the spelling of an input that is none. */
export type StepLine = { readonly step: number; readonly action: Json } | { readonly step: number; readonly input: Json };

/** A line of `expected.jsonl`: the outcome and what every party sees after the step. */
export interface ExpectedLine {
  readonly step: number;
  /** The outcome in wire form. */
  readonly outcome: Json;
  /** Party key → SHA-256 of the canonical JSON of its view's wire form (conformance/trace/observe.ts). */
  readonly digests: Readonly<Record<string, string>>;
  /** The abstract state (conformance/trace/format.ts ABSTRACT_STATE) in wire form. */
  readonly state: Json;
  /** Full views by party key, on the last line when they are small. */
  readonly views?: Readonly<Record<string, Json>>;
}

/** Full views go on the last line of a case when their JSON text is at most this long. */
export const VIEWS_MAX_CHARS = 16 * 1024;

/** The folder of a case. */
export function casePath(mechanism: string, handler: string, name: string): string {
  return `${mechanism}/${handler}/${name}`;
}

/** A folder name from words: lower case, runs of other characters as one `-`. */
export function slug(words: string): string {
  return words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
