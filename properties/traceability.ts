/**
 * The requirements trace: which requirement of spec/ is enforced by which rejection codes and
 * checked by which properties, whether the spec's guard lists are the handlers' guard order, and
 * where the gaps are. Pure: it reads the spec's text as given.
 *
 * Two markdown forms of spec/ are read:
 * - a requirement is a `### REQ-AREA-n: title` section; the codes it may produce are the rows
 *   of its table whose first cell is a code in backticks (`` | `TWEAK_REUSED` | … | ``);
 * - a handler's guard order is a `#### Guards of `kind`` heading followed by a numbered list,
 *   one item per guard in the order the handler checks them: `` 1. `CODE` — condition ``
 *   (an en dash or a hyphen may stand for the em dash; the condition may end with the
 *   requirement in parentheses, `(REQ-UNPACK-7)`, which is then checked too).
 * @module
 */
import type { RequirementId } from '../model/core/outcome.js';
import type { ModelProperty } from './property.js';

/** One requirement as the spec states it. */
export interface SpecRequirement {
  readonly id: RequirementId;
  /** The heading after the ID. */
  readonly title: string;
  /** The spec file it is in. */
  readonly file: string;
  /** The rejection codes its table lists, in table order. */
  readonly codes: readonly string[];
  /** The section's markdown. */
  readonly text: string;
}

/** A markdown file of spec/. */
export interface SpecFile {
  readonly file: string;
  readonly text: string;
}

/** Reads every `### REQ-…` section of the given markdown files. */
export function parseSpecRequirements(files: readonly SpecFile[]): SpecRequirement[] {
  const out: SpecRequirement[] = [];
  for (const { file, text } of files) {
    for (const part of text.split(/^### /m).slice(1)) {
      const head = /^(REQ-[A-Z]+-\d+):?\s*(.*)$/m.exec(part);
      if (head === null) continue;
      // A requirement ends at the next heading of level 2 or 4 (`#### Guards of …` is not part of it).
      const section = part.split(/^#{2}(?!#)|^#{4} /m)[0] ?? part;
      const codes = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1] ?? '');
      out.push({ id: head[1] as RequirementId, title: head[2] ?? '', file, codes, text: section });
    }
  }
  return out;
}

/** One item of a spec guard list. */
export interface SpecGuard {
  readonly code: string;
  readonly condition: string;
  /** The requirement the item names in parentheses at its end, if it names one. */
  readonly requirement?: RequirementId;
}

/** The guard list of one action kind as the spec states it. */
export interface SpecGuardList {
  readonly kind: string;
  readonly file: string;
  readonly guards: readonly SpecGuard[];
  /** Lines under the heading that look like list items but are not in the documented form. */
  readonly malformed: readonly string[];
}

const GUARD_HEADING = /^#### Guards of `([^`]+)`\s*$/;
const GUARD_ITEM = /^(\d+)\.\s+`([A-Z_]+)`\s+[—–-]\s+(.+?)\s*$/;
const TRAILING_REQ = /\((REQ-[A-Z]+-\d+)\)\.?$/;

/** Reads every `#### Guards of `kind`` list of the given markdown files. */
export function parseSpecGuardLists(files: readonly SpecFile[]): SpecGuardList[] {
  const out: SpecGuardList[] = [];
  for (const { file, text } of files) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const head = GUARD_HEADING.exec(lines[i] ?? '');
      if (head === null) continue;
      const guards: SpecGuard[] = [];
      const malformed: string[] = [];
      let started = false;
      let items = 0;
      for (let j = i + 1; j < lines.length; j++) {
        const line = (lines[j] ?? '').trimEnd();
        if (/^#{1,6} /.test(line)) break;
        // The list is the first run of numbered items; a blank line or prose after it ends it.
        if (line.trim() === '') {
          if (started) break;
          continue;
        }
        if (!/^\d+\./.test(line)) {
          if (started) break;
          continue;
        }
        started = true;
        items++;
        const item = GUARD_ITEM.exec(line);
        // Numbered in sequence from 1: a skipped or repeated number is a mistake markdown would hide.
        if (item === null || Number(item[1]) !== items) {
          malformed.push(line);
          continue;
        }
        const condition = item[3] ?? '';
        const req = TRAILING_REQ.exec(condition)?.[1];
        guards.push({ code: item[2] ?? '', condition, ...(req === undefined ? {} : { requirement: req as RequirementId }) });
      }
      out.push({ kind: head[1] ?? '', file, guards, malformed });
    }
  }
  return out;
}

/** One row of a rejection table, as the trace reads it. */
export interface CodeRow {
  readonly code: string;
  readonly requirement: RequirementId;
  /** The mechanism (folder) or `platform` whose table holds the row: codes are keyed by it. */
  readonly mechanism?: string;
  /** The check name tools print. */
  readonly check?: string;
  /** The real platform's return code, where one is known. */
  readonly platformRc?: string;
  /** True when the failure is recorded in the state. */
  readonly recorded?: boolean;
  /** When the code is returned. */
  readonly when?: string;
}

/** A handler's guards in the order it runs them (`guardsOf(kind)`). */
export interface HandlerGuards {
  readonly kind: string;
  readonly guards: readonly { readonly name: string; readonly code: string; readonly requirement: RequirementId }[];
}

/** What the trace checks beyond the code tables. */
export interface TraceOptions {
  /** The guard order of every handler, to check against the spec's lists. */
  readonly handlerGuards?: readonly HandlerGuards[];
  /** The spec's guard lists (from {@link parseSpecGuardLists}). */
  readonly specGuards?: readonly SpecGuardList[];
  /** The requirement area of each mechanism (`image-unpack` → `UNPACK`): its rows cite only that area. */
  readonly areas?: Readonly<Record<string, string>>;
}

/** The trace of one requirement. */
export interface TraceRow {
  readonly requirement: SpecRequirement;
  /** `mechanism/name` of every property that names it. */
  readonly properties: readonly string[];
}

/** The whole trace and what is wrong with it. */
export interface Trace {
  readonly rows: readonly TraceRow[];
  /** Requirements no property checks. */
  readonly unchecked: readonly RequirementId[];
  /** Disagreements between the reducers' tables and guards and the spec, one sentence each. */
  readonly problems: readonly string[];
  /** The rejection rows the trace was checked against. */
  readonly rejections: readonly CodeRow[];
  /** The handlers' guard orders the trace was checked against. */
  readonly guards: readonly HandlerGuards[];
}

/** `CODE`, or `mechanism CODE` when the row says whose it is. */
const label = (row: CodeRow): string => (row.mechanism === undefined ? row.code : `${row.mechanism} ${row.code}`);

const areaOf = (id: string): string => /^REQ-([A-Z]+)-\d+$/.exec(id)?.[1] ?? '';

/** The disagreements between the spec's guard lists and the handlers' guard order. */
export function checkGuardLists(specLists: readonly SpecGuardList[], handlers: readonly HandlerGuards[]): string[] {
  const problems: string[] = [];
  const kinds = new Set(handlers.map((h) => h.kind));
  const seen = new Map<string, string>();
  for (const list of specLists) {
    const where = `${list.file}, guards of \`${list.kind}\``;
    if (!kinds.has(list.kind)) problems.push(`${where}: \`${list.kind}\` is no action kind`);
    const first = seen.get(list.kind);
    if (first !== undefined) problems.push(`${where}: listed again (first in ${first})`);
    else seen.set(list.kind, list.file);
    for (const line of list.malformed) problems.push(`${where}: "${line}" is not an item "N. \`CODE\` — condition" numbered in sequence`);
  }
  for (const h of handlers) {
    const list = specLists.find((l) => l.kind === h.kind);
    if (list === undefined) {
      problems.push(`no file of spec/ lists the guards of \`${h.kind}\` (a "#### Guards of \`${h.kind}\`" list)`);
      continue;
    }
    const spec = list.guards.map((g) => g.code);
    const code = h.guards.map((g) => g.code);
    const at = Math.max(spec.length, code.length);
    const differ = Array.from({ length: at }, (_, i) => i).find((i) => spec[i] !== code[i]);
    if (differ !== undefined) {
      problems.push(
        `${list.file} lists the guards of \`${h.kind}\` as ${spec.join(', ') || 'nothing'}; the handler checks ${code.join(', ')} ` +
          `(first difference at guard ${differ + 1}: ${spec[differ] ?? 'none'} in the spec, ${code[differ] ?? 'none'} in the handler)`,
      );
      continue;
    }
    list.guards.forEach((g, i) => {
      const req = h.guards[i]?.requirement;
      if (g.requirement !== undefined && g.requirement !== req) {
        problems.push(`${list.file}, guards of \`${h.kind}\`: guard ${i + 1} (${g.code}) names ${g.requirement}; its rejection row cites ${req ?? 'nothing'}`);
      }
    });
  }
  return problems;
}

/**
 * Traces the spec's requirements to the properties, and checks the reducers' rejection tables
 * (code → requirement, keyed by mechanism) against the codes each requirement's table lists and,
 * when given, the handlers' guard order against the spec's guard lists.
 */
export function traceRequirements(
  requirements: readonly SpecRequirement[],
  properties: readonly ModelProperty<unknown>[],
  codeRows: readonly CodeRow[],
  options: TraceOptions = {},
): Trace {
  const rows = requirements.map((requirement) => ({
    requirement,
    properties: properties.filter((p) => p.requirements.includes(requirement.id)).map((p) => `${p.mechanism}/${p.name}`),
  }));
  const byId = new Map<string, SpecRequirement>();
  const problems: string[] = [];
  for (const r of requirements) {
    const first = byId.get(r.id);
    if (first !== undefined) problems.push(`${r.id} is defined twice (${first.file} and ${r.file})`);
    else byId.set(r.id, r);
  }
  for (const row of codeRows) {
    const { code, requirement: id } = row;
    const r = byId.get(id);
    if (r === undefined) problems.push(`${label(row)} cites ${id}, which spec/ does not define`);
    else if (!r.codes.includes(code)) problems.push(`${label(row)} is not in the table of ${id}`);
    const area = row.mechanism === undefined ? undefined : options.areas?.[row.mechanism];
    if (area !== undefined && areaOf(id) !== area) problems.push(`${label(row)} cites ${id}, outside its mechanism's area ${area}`);
  }
  for (const r of requirements) {
    for (const code of r.codes) {
      if (!codeRows.some((row) => row.code === code && row.requirement === r.id)) {
        const cited = codeRows.filter((row) => row.code === code).map((row) => row.requirement);
        problems.push(`${r.id} lists ${code}, which the handlers cite as ${cited.join(', ') || 'nothing'}`);
      }
    }
  }
  for (const p of properties) {
    for (const id of p.requirements) if (!byId.has(id)) problems.push(`${p.mechanism}/${p.name} names ${id}, which spec/ does not define`);
  }
  const guards = options.handlerGuards ?? [];
  if (options.handlerGuards !== undefined || options.specGuards !== undefined) problems.push(...checkGuardLists(options.specGuards ?? [], guards));
  return { rows, unchecked: rows.filter((r) => r.properties.length === 0).map((r) => r.requirement.id), problems, rejections: codeRows, guards };
}

/** A table cell: pipes escaped, line breaks flattened. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The trace as a markdown document. */
export function traceMarkdown(trace: Trace): string {
  const lines = [
    '# Requirements trace',
    '',
    'Generated by `npm run docs` (`semodel requirements`) from spec/, the rejection tables, the handlers\' guards and the registered properties. Each requirement, the rejection codes it may produce, and the properties that check it.',
    '',
    '| requirement | codes | properties |',
    '|---|---|---|',
    ...trace.rows.map(
      (r) =>
        `| ${r.requirement.id}: ${r.requirement.title} | ${r.requirement.codes.map((c) => `\`${c}\``).join(', ') || '—'} | ${r.properties.join(', ') || '**none**'} |`,
    ),
  ];
  if (trace.rejections.length > 0) {
    lines.push(
      '',
      '## Rejection codes',
      '',
      'One row per code of each rejection table (codes are keyed by mechanism): the requirement that produces it, the check name tools print (`semodel image verify`), and the real platform\'s return code where one is known.',
      '',
      '| mechanism | code | requirement | check | real platform | recorded | when |',
      '|---|---|---|---|---|---|---|',
      ...trace.rejections.map(
        (r) =>
          `| ${r.mechanism ?? '—'} | \`${r.code}\` | ${r.requirement} | ${r.check === undefined ? '—' : `\`${r.check}\``} | ${r.platformRc ?? '—'} | ${r.recorded === true ? 'yes' : 'no'} | ${cell(r.when ?? '')} |`,
      ),
    );
  }
  if (trace.guards.length > 0) {
    lines.push(
      '',
      '## Guard order',
      '',
      "Each handler's guards in the order they run (the failure priority): the first that fails decides the code. Checked against the spec's `#### Guards of` lists.",
    );
    for (const h of trace.guards) {
      lines.push('', `### \`${h.kind}\``, '', ...h.guards.map((g, i) => `${i + 1}. \`${g.code}\` — ${g.name} (${g.requirement})`));
    }
  }
  // The verdict last, where a reader of the command's output looks.
  lines.push(
    '',
    '## Summary',
    '',
    trace.unchecked.length === 0 ? 'Every requirement is checked by at least one property.' : `Unchecked: ${trace.unchecked.join(', ')}.`,
  );
  if (trace.problems.length > 0) lines.push('', 'Problems:', ...trace.problems.map((p) => `- ${p}`));
  else lines.push(`The spec, the rejection tables (${trace.rejections.length} codes) and the guard order of ${trace.guards.length} action kinds agree.`);
  lines.push('');
  return lines.join('\n');
}
