/**
 * A module's lifecycle as an SVG state diagram, drawn from its declared transitions
 * (model/platform/transitions.ts): a box per phase in lifecycle order, an arrow per (phase
 * before, phase after, outcome) with a numbered marker, and a legend naming the actions of
 * each arrow. Deterministic (fixed layout, no fonts measured, no randomness): the same table
 * gives the same bytes, at build time, without a browser.
 * @module
 */
import type { LifecyclePhase, Transition } from '../../model/platform/transitions.js';
import { GUEST_PHASES } from '../../model/world/world.js';

/** An arrow of the diagram: every action that goes from one phase to another with one outcome. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly outcome: Transition['outcome'];
  readonly actions: readonly string[];
}

/** The nodes (in drawing order) and edges of a diagram. */
export interface DiagramModel {
  readonly nodes: readonly string[];
  readonly edges: readonly DiagramEdge[];
}

/** The node a transition leaves (`none` before a guest exists: `no guest`). */
const source = (p: LifecyclePhase): string => (p === 'none' ? 'no guest' : p);
/** The node a transition reaches (`none` after destroy: `destroyed`). */
const target = (p: LifecyclePhase): string => (p === 'none' ? 'destroyed' : p);

const ORDER: readonly string[] = ['no guest', ...GUEST_PHASES, 'destroyed'];

/** Groups transitions into the arrows and boxes of a diagram. */
export function diagramModel(transitions: readonly Transition[]): DiagramModel {
  const edges = new Map<string, { from: string; to: string; outcome: Transition['outcome']; actions: string[] }>();
  for (const t of transitions) {
    const from = source(t.from);
    const to = target(t.to);
    const key = `${from}|${to}|${t.outcome}`;
    const e = edges.get(key) ?? { from, to, outcome: t.outcome, actions: [] };
    if (!e.actions.includes(t.action)) e.actions.push(t.action);
    edges.set(key, e);
  }
  const used = new Set([...edges.values()].flatMap((e) => [e.from, e.to]));
  const nodes = ORDER.filter((n) => used.has(n));
  const rank = (n: string): number => ORDER.indexOf(n);
  const list = [...edges.values()].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to) || (a.outcome < b.outcome ? -1 : 1));
  return { nodes, edges: list.map((e) => ({ ...e, actions: [...e.actions].sort() })) };
}

/** Text for XML. */
export function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const BOX_W = 120;
const BOX_H = 34;
const GAP = 50;
const LINE = 16;

/**
 * The SVG of a diagram, one line per element (no blank line, so markdown keeps it one HTML
 * block). `title` names it for readers of the page and screen readers.
 */
export function diagramSvg(model: DiagramModel, title: string): string {
  const x = (n: string): number => 10 + model.nodes.indexOf(n) * (BOX_W + GAP);
  const span = (e: DiagramEdge): number => Math.abs(model.nodes.indexOf(e.to) - model.nodes.indexOf(e.from));
  const above = model.edges.filter((e) => model.nodes.indexOf(e.to) >= model.nodes.indexOf(e.from));
  const below = model.edges.filter((e) => model.nodes.indexOf(e.to) < model.nodes.indexOf(e.from));
  const up = Math.max(40, ...above.map((e) => (span(e) === 0 ? 40 : 24 + 22 * span(e))));
  const down = below.length === 0 ? 10 : Math.max(...below.map((e) => 24 + 22 * span(e)));
  const boxY = up + 10;
  const width = Math.max(360, 20 + model.nodes.length * (BOX_W + GAP) - GAP);
  const legendY = boxY + BOX_H + down + 24;
  const height = legendY + model.edges.length * LINE + 6;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="semodel-diagram" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
  ];
  for (const n of model.nodes) {
    const terminal = n === 'no guest' || n === 'destroyed';
    out.push(
      `<rect x="${x(n)}" y="${boxY}" width="${BOX_W}" height="${BOX_H}" rx="${terminal ? 17 : 6}" fill="${terminal ? '#eeeeee' : '#e8f0fe'}" stroke="#333"/>`,
      `<text x="${x(n) + BOX_W / 2}" y="${boxY + BOX_H / 2 + 4}" text-anchor="middle" fill="#111">${xml(n)}</text>`,
    );
  }
  model.edges.forEach((e, i) => {
    const n = i + 1;
    const colour = e.outcome === 'recorded' ? '#b3261e' : '#1a4d8f';
    const dash = e.outcome === 'recorded' ? ' stroke-dasharray="5 3"' : '';
    let mx: number;
    let my: number;
    if (e.from === e.to) {
      const cx = x(e.from) + BOX_W / 2;
      out.push(`<path d="M${cx - 20},${boxY} C${cx - 30},${boxY - 40} ${cx + 30},${boxY - 40} ${cx + 20},${boxY}" fill="none" stroke="${colour}" color="${colour}"${dash} marker-end="url(#arrow)"/>`);
      mx = cx;
      my = boxY - 30;
    } else {
      const forward = model.nodes.indexOf(e.to) > model.nodes.indexOf(e.from);
      const x1 = x(e.from) + BOX_W / 2 + (forward ? 10 : -10);
      const x2 = x(e.to) + BOX_W / 2 + (forward ? -10 : 10);
      const y = forward ? boxY : boxY + BOX_H;
      const bend = (24 + 22 * span(e)) * (forward ? -1 : 1) * 1.3;
      const offset = e.outcome === 'recorded' ? 8 : 0;
      out.push(`<path d="M${x1 + offset},${y} Q${(x1 + x2) / 2},${y + bend} ${x2 + offset},${y}" fill="none" stroke="${colour}" color="${colour}"${dash} marker-end="url(#arrow)"/>`);
      mx = (x1 + x2) / 2 + offset;
      my = y + bend / 2;
    }
    out.push(
      `<circle cx="${mx}" cy="${my}" r="8" fill="white" stroke="${colour}"/>`,
      `<text x="${mx}" y="${my + 4}" text-anchor="middle" font-size="10" fill="${colour}">${n}</text>`,
    );
  });
  model.edges.forEach((e, i) => {
    const what = e.outcome === 'recorded' ? 'rejected, the failure recorded' : 'accepted';
    out.push(`<text x="10" y="${legendY + i * LINE}" fill="#111">${i + 1}. ${xml(e.from)} → ${xml(e.to)}: ${xml(e.actions.join(', '))} (${what})</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * What is wrong with a rendered diagram, if anything: an arrow to a box that is not drawn, an
 * element not closed, or no arrow at all. The docs build fails on any.
 */
export function diagramProblems(model: DiagramModel, svg: string): string[] {
  const problems: string[] = [];
  for (const e of model.edges) {
    if (!model.nodes.includes(e.from) || !model.nodes.includes(e.to)) problems.push(`an arrow ${e.from} → ${e.to} has no box`);
  }
  if (model.edges.length === 0) problems.push('no arrow');
  const open = (svg.match(/<(svg|title|defs|marker)\b/g) ?? []).length;
  const close = (svg.match(/<\/(svg|title|defs|marker)>/g) ?? []).length;
  if (open !== close) problems.push(`${open} elements opened, ${close} closed`);
  if (!svg.startsWith('<svg ') || !svg.endsWith('</svg>')) problems.push('not one <svg> element');
  if (/\n\s*\n/.test(svg)) problems.push('a blank line would end the HTML block');
  return problems;
}
