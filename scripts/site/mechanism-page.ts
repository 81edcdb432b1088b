/**
 * A module's page: its spec (spec/<name>.md) with, after every requirement, the evidence that it
 * holds (codes in priority order with the real platform's return codes, handlers, properties,
 * vectors, faulty implementations, the campaign), then its lifecycle diagram and the failure
 * priority of each of its handlers. Markdown for typedoc; generated, never edited.
 * @module
 */
import type { GuardOf } from '../../model/platform/rejections.js';
import { diagramModel, diagramSvg } from './diagram.js';
import type { Evidence, ModuleEvidence, RequirementEvidence, VectorCase } from './evidence.js';
import { cell } from './markdown.js';
import { slug } from '../../conformance/vectors/layout.js';

/** A markdown link from a spec page (build/spec/<m>.md) to the source view of a line. */
const sourceLink = (file: string, line: number): string => `../source/${file}.html#L${line}`;

/** The codes of a requirement, in priority order, as a markdown table. */
function codesTable(r: RequirementEvidence): string[] {
  if (r.rejections.length === 0) return ['No rejection code: the requirement constrains what accepted calls do.', ''];
  return [
    '| # | code | real platform rc | check | recorded | when |',
    '|---|---|---|---|---|---|',
    ...r.rejections.map(
      (x, i) =>
        `| ${i + 1} | \`${x.code}\` | ${x.platformRc === undefined ? '—' : `\`${x.platformRc}\``} | \`${x.check}\` | ${x.recorded === true ? 'yes' : 'no'} | ${cell(x.when)} |`,
    ),
    '',
  ];
}

/** The evidence block that follows a requirement's section. */
export function evidenceBlock(r: RequirementEvidence, ev: Evidence): string[] {
  const id = r.requirement.id;
  const lines: string[] = ['', `**Evidence for ${id}**`, '', `Rejection codes, in the order the handlers check them:`, '', ...codesTable(r)];
  const handlers = r.handlers.map((h) => {
    const api = h.exported ? ` ({@link ${h.file.replace(/\.ts$/, '')}!${h.name} | API})` : '';
    return `[\`${h.name}\`](${sourceLink(h.file, h.line)}) in \`${h.file}\`${api}`;
  });
  lines.push(`- **Enforced by:** ${handlers.join('; ') || 'no handler names it in a `@requirement` tag'}${r.kinds.length > 0 ? `; the guards of ${r.kinds.map((k) => `\`${k}\``).join(', ')} cite it` : ''}.`);
  const blackBox = r.properties.filter((p) => p.modelOnly !== true).length;
  lines.push(`- **Checked by** ${r.properties.length} propert${r.properties.length === 1 ? 'y' : 'ies'} (${blackBox} black-box):`, '');
  if (r.properties.length > 0) {
    lines.push('  | property | kind | statement |', '  |---|---|---|');
    for (const p of r.properties) lines.push(`  | \`${p.mechanism}/${p.name}\` | ${p.modelOnly === true ? 'model-only' : 'black-box'} | ${cell(p.statement)} |`);
    lines.push('');
  }
  lines.push(`- **Exercised by** ${r.vectors.length} vector case${r.vectors.length === 1 ? '' : 's'} of \`semodel vectors export\`${r.vectors.length > 0 ? ` (${vectorList(r.vectors)})` : ''}.`);
  lines.push(
    `- **Broken by** ${r.faulty.length === 0 ? 'no faulty implementation' : r.faulty.map((f) => `\`${f.name}\` (${cell(f.description)})`).join('; ')}.`,
  );
  const runs = r.campaign.reduce((n, p) => n + p.runs, 0);
  const steps = r.campaign.reduce((n, p) => n + p.steps, 0);
  const codes = [...new Set(r.campaign.flatMap((p) => p.codesReached))].sort();
  const failed = r.campaign.filter((p) => p.status !== 'passed').map((p) => `${p.mechanism}/${p.name}`);
  lines.push(
    `- **Campaign** (seed ${ev.campaign.seed}, ${budget(ev)}, run by this build): ${runs} runs, ${steps} steps, ${failed.length === 0 ? 'every property passed' : `**failed: ${failed.join(', ')}**`}; codes reached: ${codes.map((c) => `\`${c}\``).join(', ') || 'none'}.`,
    '',
  );
  return lines;
}

const budget = (ev: Evidence): string => ('runs' in ev.campaign.budget ? `${ev.campaign.budget.runs} runs per property` : `${ev.campaign.budget.seconds} s`);

/** The first vector folders of a list, with a link to the vectors page. */
function vectorList(vs: readonly VectorCase[]): string {
  const shown = vs.slice(0, 3).map((v) => `\`${v.path}\``);
  return `${shown.join(', ')}${vs.length > 3 ? `, … ${vs.length - 3} more` : ''}; [all vectors](../site/vectors.md)`;
}

/** The failure priority of one handler: its guards in order and the winner of each pair the vectors pin. */
export function priorityTable(kind: string, guards: readonly GuardOf[], rc: (code: string) => string | undefined, vectors: readonly VectorCase[]): string[] {
  const lines = [`### Failure priority of \`${kind}\``, '', 'The guards in the order the handler runs them: the first that fails decides the code.', ''];
  lines.push('| # | guard | code | real platform rc | requirement |', '|---|---|---|---|---|');
  guards.forEach((g, i) => lines.push(`| ${i + 1} | ${cell(g.name)} | \`${g.code}\` | ${rc(g.code) ?? '—'} | ${g.requirement} |`));
  lines.push('');
  const pinned: string[] = [];
  for (let i = 0; i < guards.length; i++) {
    for (let j = i + 1; j < guards.length; j++) {
      const a = guards[i];
      const b = guards[j];
      if (a === undefined || b === undefined) continue;
      const names = [`pair-${slug(a.name)}-${slug(b.name)}`, `pair-${slug(b.name)}-${slug(a.name)}`];
      const v = vectors.find((c) => names.some((n) => c.path.endsWith(`/${kind}/${n}`)));
      if (v === undefined) continue;
      pinned.push(`| ${cell(a.name)} (${i + 1}) | ${cell(b.name)} (${j + 1}) | \`${v.code ?? 'accepted'}\`${v.code === a.code ? '' : ' **(not the earlier guard)**'} | \`${v.path}\` |`);
    }
  }
  if (pinned.length > 0) {
    lines.push(`Each pair of guards that fail together, and the code the vector case pins (the earlier guard wins):`, '', '| guard | with | winner | vector |', '|---|---|---|---|', ...pinned, '');
  }
  return lines;
}

/** The module's lifecycle section: the diagram and its table. */
export function lifecycleSection(m: ModuleEvidence): string[] {
  const lines = ['## Lifecycle', ''];
  if (m.transitions.length === 0) {
    lines.push(`The actions of \`${m.name}\` change no guest's lifecycle phase (model/platform/transitions.ts declares none for it).`, '');
    return lines;
  }
  const model = diagramModel(m.transitions);
  lines.push(
    `Generated from the declared transitions of \`${m.name}\` (model/platform/transitions.ts), which a test checks against the reducer on every vector case. Solid arrows: accepted calls; dashed: rejections the spec records.`,
    '',
    diagramSvg(model, `Lifecycle of ${m.name}`),
    '',
    '| phase before | action | phase after | outcome |',
    '|---|---|---|---|',
    ...m.transitions.map((t) => `| ${t.from} | \`${t.action}\` | ${t.to} | ${t.outcome === 'recorded' ? 'rejected, recorded' : 'accepted'} |`),
    '',
  );
  return lines;
}

/** The headings of level 2 to 4 that end a requirement's section. */
const SECTION_END = /^#{2,4} /;

/** The page of one module: the spec's text with the evidence, the lifecycle and the priorities. */
export function mechanismPage(m: ModuleEvidence, ev: Evidence, specText: string, rc: (code: string) => string | undefined): string {
  const byId = new Map<string, RequirementEvidence>(m.requirements.map((r) => [r.requirement.id, r]));
  const out: string[] = [];
  let pending: RequirementEvidence | undefined;
  let fenced = false;
  for (const line of specText.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && SECTION_END.test(line) && pending !== undefined) {
      out.push(...evidenceBlock(pending, ev));
      pending = undefined;
    }
    out.push(line);
    const head = fenced ? null : /^### (REQ-[A-Z]+-\d+)/.exec(line);
    if (head !== null) pending = byId.get(head[1] ?? '');
  }
  if (pending !== undefined) out.push(...evidenceBlock(pending, ev));
  out.push('', `<div data-semodel-module="${m.name}"></div>`, '', ...lifecycleSection(m), '## Failure priority', '');
  out.push(`Generated from each handler's guard list (\`guardsOf\`); \`MALFORMED_ACTION\` (the platform's boundary) comes first for every kind.`, '');
  for (const kind of m.kinds) out.push(...priorityTable(kind, m.guards[kind] ?? [], rc, ev.vectors));
  return out.join('\n');
}
