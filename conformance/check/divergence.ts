/**
 * A divergence: the implementation answered a request differently from the model. It carries
 * where (the run's step and request), what was asked (the action or party in wire form), both
 * answers and their differences, so that a report can show them without running anything again.
 * @module
 */
import type { Json } from '../../model/core/schema.js';
import { showOutcome, type Difference } from './compare.js';

/** What a {@link Divergence} is about: an action's outcome, or a party's view. */
export type DivergenceKind = 'outcome' | 'view';

/** The fields of a {@link Divergence}. */
export interface DivergenceFields {
  readonly about: DivergenceKind;
  /** The apply step of the run: the diverging apply's, or for a view the last apply before it (0: none yet). */
  readonly step: number;
  /** The request of the run (1, 2, 3, …; resets, applies and observes counted). */
  readonly request: number;
  /** The action as both sides got it, in wire form (`{input: spelling}` for a value that is not an action). */
  readonly action?: Json;
  /** The party observed, in wire form. */
  readonly party?: Json;
  /** The model's answer in wire form (an outcome, a view or null). */
  readonly model: Json;
  /** The implementation's answer: wire form, `{unreadable: spelling}` or `{threw: message}`. */
  readonly implementation: Json;
  /** What differs (for a view: the paths of the view diff). */
  readonly differences: readonly Difference[];
}

/** The kind of an action's wire form, for messages. */
function actionKindOf(action: Json | undefined): string {
  const k = action !== null && typeof action === 'object' && !Array.isArray(action) ? (action as { kind?: Json }).kind : undefined;
  return typeof k === 'string' ? k : 'a value that is not an action';
}

/** An implementation's answer in words. */
function showAnswer(about: DivergenceKind, v: Json): string {
  const o = v as { threw?: Json; unreadable?: Json } | null;
  if (o !== null && typeof o === 'object' && !Array.isArray(o) && typeof o.threw === 'string') return `threw "${o.threw}"`;
  if (o !== null && typeof o === 'object' && !Array.isArray(o) && o.unreadable !== undefined) return `an answer that is not ${about === 'view' ? 'a view' : 'an outcome'}`;
  return about === 'outcome' ? showOutcome(v) : v === null ? 'no such party' : 'a view';
}

/**
 * The implementation diverged from the model. `message` is one line; {@link divergenceLines}
 * gives the whole report.
 * @example
 * ```ts
 * try {
 *   await runAsync(property.run(input, model), differential);
 * } catch (e) {
 *   if (e instanceof Divergence) console.log(e.step, e.differences);
 * }
 * ```
 */
export class Divergence extends Error implements DivergenceFields {
  override readonly name = 'Divergence';
  readonly about: DivergenceKind;
  readonly step: number;
  readonly request: number;
  readonly action?: Json;
  readonly party?: Json;
  readonly model: Json;
  readonly implementation: Json;
  readonly differences: readonly Difference[];

  constructor(fields: DivergenceFields) {
    const where = fields.about === 'outcome' ? `step ${fields.step} (${actionKindOf(fields.action)})` : `observe ${partyText(fields.party)} after step ${fields.step}`;
    const what =
      fields.about === 'outcome'
        ? `the model: ${showOutcome(fields.model)}; the implementation: ${showAnswer('outcome', fields.implementation)}`
        : `${fields.differences.length} difference${fields.differences.length === 1 ? '' : 's'}, first at ${fields.differences[0]?.path ?? '$'}: the model ${fields.differences[0]?.model ?? ''}, the implementation ${fields.differences[0]?.implementation ?? ''}`;
    super(`divergence at ${where}: ${what}`);
    this.about = fields.about;
    this.step = fields.step;
    this.request = fields.request;
    if (fields.action !== undefined) this.action = fields.action;
    if (fields.party !== undefined) this.party = fields.party;
    this.model = fields.model;
    this.implementation = fields.implementation;
    this.differences = fields.differences;
  }

  /** The fields as plain data (for `--json`). */
  toJSON(): DivergenceFields & { readonly message: string } {
    return {
      message: this.message,
      about: this.about,
      step: this.step,
      request: this.request,
      ...(this.action === undefined ? {} : { action: this.action }),
      ...(this.party === undefined ? {} : { party: this.party }),
      model: this.model,
      implementation: this.implementation,
      differences: this.differences,
    };
  }
}

/** A party's wire form as `guest:1`, `hypervisor`, … */
function partyText(p: Json | undefined): string {
  const o = p as { kind?: Json; guest?: Json; adapter?: Json } | null | undefined;
  if (o === null || o === undefined || typeof o !== 'object') return 'a party';
  const id = o.guest ?? o.adapter;
  return id === undefined ? String(o.kind) : `${String(o.kind)}:${String(id)}`;
}

/** Shows an action's wire form with byte fields shortened. */
function showAction(action: Json | undefined): string {
  if (action === undefined) return 'none';
  const o = action as Record<string, Json>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return JSON.stringify(action);
  const parts = Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'string' && v.length > 40 ? `${v.slice(0, 32)}… (${v.length / 2} bytes)` : JSON.stringify(v)}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The report of a divergence, one line each: where, the action (or party), both answers, and the
 * differences (a view diff: each path with both values).
 */
export function divergenceLines(d: DivergenceFields): string[] {
  const lines = [d.about === 'outcome' ? `  step:           ${d.step} (request ${d.request} of the run)` : `  after step:     ${d.step} (request ${d.request} of the run)`];
  if (d.action !== undefined) lines.push(`  action:         ${showAction(d.action)}`);
  if (d.party !== undefined) lines.push(`  party:          ${partyText(d.party)}`);
  if (d.about === 'outcome') {
    lines.push(`  model:          ${showOutcome(d.model)}`, `  implementation: ${showAnswer('outcome', d.implementation)}`);
  } else {
    lines.push(`  model:          ${showAnswer('view', d.model)}`, `  implementation: ${showAnswer('view', d.implementation)}`);
  }
  if (d.differences.length > 0) {
    lines.push(d.about === 'view' ? '  view diff:' : '  differences:');
    for (const x of d.differences) lines.push(`    ${x.path}: model ${x.model} | implementation ${x.implementation}`);
  }
  return lines;
}
