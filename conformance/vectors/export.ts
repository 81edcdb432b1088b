/**
 * Writing the vectors: each case of `cases.ts` is run on the model through the trace recorder
 * (conformance/trace/recorder.ts), which spells what was applied (an action's wire form, or the
 * spelling of a hostile input) and observes every party after each step; the case's files are
 * made from the recorded apply lines. Deterministic: fixed images and seeds, no clock, keys in a
 * fixed order, so two exports are byte-identical.
 * @module
 */
import { configToWire, modelSystem, moduleOf, MODULES } from '../../model/platform/index.js';
import { SUITE } from '../../properties/image-unpack/fixtures.js';
import { applyLines } from '../trace/codec.js';
import { recordedKind, recordingSystem } from '../trace/recorder.js';
import { traceWriterVersion } from '../trace/version.js';
import { allCases, SCHEDULE_DRAWS, SCHEDULE_SEED, STIMULUS_SEED, type CaseSpec } from './cases.js';
import {
  casePath,
  VECTORS_FORMAT,
  VECTORS_VERSION,
  VIEWS_MAX_CHARS,
  type ExpectedLine,
  type IndexEntry,
  type StepLine,
  type VectorIndex,
  type VectorMeta,
} from './layout.js';

/** The mechanism folders a vectors directory may hold: the platform's and each mechanism's. */
export const VECTOR_MECHANISMS: readonly string[] = MODULES.map((m) => m.name);

/** One file of an export: its path relative to the directory, and its text. */
export interface VectorFile {
  readonly path: string;
  readonly text: string;
}

/** An export: every file, and the index it lists. */
export interface VectorExport {
  readonly files: readonly VectorFile[];
  readonly index: VectorIndex;
}

/** Options of {@link exportVectors}. */
export interface ExportOptions {
  /** Only these mechanism folders (default: all of {@link VECTOR_MECHANISMS}). */
  readonly mechanisms?: readonly string[];
}

const pretty = (j: unknown): string => `${JSON.stringify(j, null, 2)}\n`;
const lines = (rows: readonly unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** The folder of a case's handler: the module that declares the kind (schedules: image-unpack). */
function mechanismOf(c: CaseSpec): string {
  return c.handler === 'schedule' ? 'image-unpack' : moduleOf(c.handler).name;
}

/** A case run on the model: its step and expected lines, and the mechanisms its steps use. */
function record(c: CaseSpec): { steps: StepLine[]; expected: ExpectedLine[]; requires: string[] } {
  const rec = recordingSystem(modelSystem({ suite: SUITE }), { checkpointEvery: Number.MAX_SAFE_INTEGER });
  rec.system.reset(c.config);
  for (const input of c.inputs) rec.system.apply(input);
  const applied = applyLines(rec.trace());
  const requires = new Set<string>();
  const steps: StepLine[] = [];
  const expected: ExpectedLine[] = [];
  for (const [i, l] of applied.entries()) {
    const step = i + 1;
    const where = `${c.handler}/${c.name} step ${step}`;
    if (l.outcome === undefined || l.digests === undefined || l.state === undefined) throw new Error(`vectors: ${where}: the model gave no outcome or views`);
    const kind = recordedKind(l);
    if (kind !== undefined && moduleOf(kind).name !== 'platform') requires.add(moduleOf(kind).name);
    steps.push(l.action !== undefined ? { step, action: l.action } : { step, input: l.input ?? null });
    const digests: Record<string, string> = {};
    for (const [party, d] of Object.entries(l.digests)) {
      if (d === null) throw new Error(`vectors: ${where}: the model's view of ${party} did not read`);
      digests[party] = d;
    }
    const small = l.views !== undefined && JSON.stringify(l.views).length <= VIEWS_MAX_CHARS;
    expected.push({ step, outcome: l.outcome, digests, state: l.state, ...(small ? { views: l.views } : {}) });
  }
  return { steps, expected, requires: [...requires].sort() };
}

/** Throws unless the model's last outcome is what the case says it tests. */
function checkLast(c: CaseSpec, last: ExpectedLine | undefined): void {
  const o = last?.outcome as { kind?: string; code?: string; requirement?: string } | undefined;
  const got = o === undefined ? 'nothing' : o.kind === 'accepted' ? 'accepted' : `${o.code ?? ''} (${o.requirement ?? ''})`;
  const want = c.expected === undefined || c.expected === null ? 'accepted' : `${c.expected.code} (${c.expected.requirement})`;
  const resultOk = (c.result === 'valid') === (o?.kind === 'accepted');
  if (!resultOk || (c.expected !== undefined && got !== want)) throw new Error(`vectors: ${c.handler}/${c.name}: the model gives ${got} for the last step, the case expects ${want}`);
}

/** The README.md of a directory. */
function readme(index: VectorIndex, bytes: number): string {
  const count = (m: string): number => index.cases.filter((c) => c.mechanism === m).length;
  const folders = [...new Set(index.cases.map((c) => c.mechanism))];
  return [
    '# semodel conformance vectors',
    '',
    `Written by \`semodel vectors export\` of semodel ${index.semodel} (layout ${VECTORS_FORMAT} version ${VECTORS_VERSION}).`,
    'Deterministic: the same semodel version writes the same bytes on every run and machine.',
    '',
    `${index.cases.length} cases (${folders.map((m) => `${m}: ${count(m)}`).join(', ')}), ${bytes} bytes of case files.`,
    'Each case folder `<mechanism>/<handler>/<case>/` holds `config.json` (the world to reset to), `steps.jsonl`',
    '(one input per line), `expected.jsonl` (per step the outcome and the SHA-256 digest of every party\'s view) and',
    '`meta.json` (what the case covers; `result` valid / invalid as in Wycheproof, `flags` naming the conditions).',
    '`index.json` lists every case.',
    '',
    'Cases: for every handler the accepted path, every guard failed alone, every pair of guards that can fail together',
    '(the guard the spec lists first decides the code), each handler as the honest schedule sends it in each phase, and',
    `${index.cases.filter((c) => c.handler === 'schedule').length} long adversarial schedules.`,
    `Seeds: stimulus ${STIMULUS_SEED}, schedules ${SCHEDULE_SEED} (the longest of ${SCHEDULE_DRAWS} draws).`,
    '',
    'Run them against an implementation behind the adapter protocol: `semodel vectors run DIR --adapter "CMD ARGS"`.',
    'Without the protocol, read them in any language: docs/vectors.md of semodel describes every file and field;',
    'JSON Schema of each file is in docs/schema/vectors/ of semodel.',
    '',
  ].join('\n');
}

/**
 * Every file of a vectors directory, in a fixed order: the case folders (sorted by path), then
 * `index.json` and `README.md`. Throws when a mechanism is unknown, or when the model does not
 * give a case the result the case is about (a bug of the cases, never of the caller).
 * @example
 * ```ts
 * const { files, index } = exportVectors({ mechanisms: ['image-unpack'] });
 * for (const f of files) writeFileSync(path.join(dir, f.path), f.text);
 * index.cases.length; // the cases written
 * ```
 */
export function exportVectors(options: ExportOptions = {}): VectorExport {
  const wanted = options.mechanisms ?? VECTOR_MECHANISMS;
  const unknown = wanted.find((m) => !VECTOR_MECHANISMS.includes(m));
  if (unknown !== undefined) throw new RangeError(`unknown mechanism '${unknown}'; one of: ${VECTOR_MECHANISMS.join(', ')}`);
  const semodel = traceWriterVersion();
  const made = allCases(wanted)
    .filter((c) => wanted.includes(mechanismOf(c)))
    .map((c) => ({ c, mechanism: mechanismOf(c), path: casePath(mechanismOf(c), c.handler, c.name) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: VectorFile[] = [];
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  for (const { c, mechanism, path } of made) {
    if (seen.has(path)) throw new Error(`vectors: two cases at ${path}`);
    seen.add(path);
    const r = record(c);
    checkLast(c, r.expected[r.expected.length - 1]);
    const last = r.expected[r.expected.length - 1]?.outcome as { kind: string; code?: string; requirement?: string } | undefined;
    const meta: VectorMeta = {
      format: VECTORS_FORMAT,
      version: VECTORS_VERSION,
      mechanism,
      handler: c.handler,
      case: c.name,
      description: c.description,
      requirements: [...c.requirements],
      result: c.result,
      flags: [...c.flags],
      requires: r.requires,
      steps: r.steps.length,
      expected: last === undefined || last.kind === 'accepted' ? null : { code: last.code ?? '', requirement: last.requirement ?? '' },
    };
    files.push(
      { path: `${path}/config.json`, text: pretty(configToWire(c.config)) },
      { path: `${path}/steps.jsonl`, text: lines(r.steps) },
      { path: `${path}/expected.jsonl`, text: lines(r.expected) },
      { path: `${path}/meta.json`, text: pretty(meta) },
    );
    entries.push({ path, mechanism, handler: c.handler, case: c.name, result: c.result, requires: r.requires });
  }
  const index: VectorIndex = { format: VECTORS_FORMAT, version: VECTORS_VERSION, semodel, cases: entries };
  const bytes = files.reduce((n, f) => n + new TextEncoder().encode(f.text).length, 0);
  files.push({ path: 'index.json', text: pretty(index) }, { path: 'README.md', text: readme(index, bytes) });
  return { files, index };
}
