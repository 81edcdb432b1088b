/**
 * What the site shows, gathered once from the model, the properties and the conformance kit:
 * for each module (the platform and every mechanism of MECHANISMS) its requirements, each with
 * its rejection codes in priority order, the handlers that enforce it, the properties that check
 * it, the vector cases that exercise it, the faulty implementations that break it and the
 * evidence of a campaign. Nothing here is written by hand: a mechanism added to MECHANISMS
 * appears in the site with everything it declares.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MODULES, ACTION_KINDS, moduleOf, type ActionKind } from '../../model/platform/mechanisms.js';
import { ALL_REJECTIONS, guardsOf, type GuardOf, type MergedRejection } from '../../model/platform/rejections.js';
import { TRANSITIONS, type Transition } from '../../model/platform/transitions.js';
import { allProperties } from '../../properties/registry.js';
import type { ModelProperty } from '../../properties/property.js';
import type { CoverageBaseline } from '../../properties/campaign/baseline.js';
import type { CampaignSummary, PropertyResult } from '../../properties/campaign/summary.js';
import type { SpecRequirement } from '../../properties/traceability.js';
import { FAULTY } from '../../conformance/faulty/index.js';
import { allCases } from '../../conformance/vectors/cases.js';
import { casePath, slug } from '../../conformance/vectors/layout.js';
import { currentTrace } from '../../cli/requirements.js';

/** A function of model/ that carries a `@requirement` tag: where it is declared. */
export interface HandlerSource {
  readonly name: string;
  /** Its file, relative to the repository root (`model/image-unpack/handlers.ts`). */
  readonly file: string;
  readonly line: number;
  readonly requirements: readonly string[];
  /** True when its module exports it (then it has an API page). */
  readonly exported: boolean;
}

/** One vector case, as the site lists it. */
export interface VectorCase {
  /** Its folder in a `semodel vectors export` directory (`image-unpack/unpack/accepted`). */
  readonly path: string;
  readonly requirements: readonly string[];
  /** The code its last step must be rejected with, if the case is about a rejection. */
  readonly code?: string;
}

/** A faulty implementation, as the site lists it. */
export interface FaultyEntry {
  readonly name: string;
  readonly description: string;
  readonly requirements: readonly string[];
}

/** One requirement with all its evidence. */
export interface RequirementEvidence {
  readonly requirement: SpecRequirement;
  /** Its rejection rows, in its module's table order (the spec's priority order). */
  readonly rejections: readonly MergedRejection[];
  /** The action kinds whose guards cite it. */
  readonly kinds: readonly ActionKind[];
  readonly handlers: readonly HandlerSource[];
  readonly properties: readonly ModelProperty<unknown>[];
  readonly vectors: readonly VectorCase[];
  readonly faulty: readonly FaultyEntry[];
  /** The campaign's results of its properties. */
  readonly campaign: readonly PropertyResult[];
}

/** One module (the platform, or a mechanism) with its evidence. */
export interface ModuleEvidence {
  readonly name: string;
  readonly area: string;
  /** Its spec file, relative to the repository root. */
  readonly specFile: string;
  readonly specText: string;
  readonly kinds: readonly ActionKind[];
  readonly guards: Readonly<Record<string, readonly GuardOf[]>>;
  readonly requirements: readonly RequirementEvidence[];
  /** Its declared lifecycle transitions (none when it changes no phase). */
  readonly transitions: readonly Transition[];
}

/** Everything the site shows. */
export interface Evidence {
  readonly modules: readonly ModuleEvidence[];
  /** The trace's disagreements (the spec, the tables and the guards), one sentence each. */
  readonly problems: readonly string[];
  readonly vectors: readonly VectorCase[];
  readonly faulty: readonly FaultyEntry[];
  readonly campaign: CampaignSummary;
  /** The committed coverage baseline (docs/coverage-baseline.json). */
  readonly baseline: CoverageBaseline;
}

const REQ = /REQ-[A-Z]+-\d+/g;

/** The TSDoc comments with `@requirement` tags in the .ts files of `dir`, and what they document. */
export function handlerSources(root: string, dir: string): HandlerSource[] {
  const out: HandlerSource[] = [];
  let files: string[];
  try {
    files = readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).sort();
  } catch {
    return out;
  }
  for (const f of files) {
    const file = `${dir}/${f}`;
    const text = readFileSync(path.join(root, file), 'utf8');
    const doc = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*(export\s+)?(?:async\s+)?(?:function\*?\s+([\w$]+)|const\s+([\w$]+))/g;
    for (const m of text.matchAll(doc)) {
      const tags = [...(m[1] ?? '').matchAll(/@requirement\s+([^\n@]*)/g)].flatMap((t) => (t[1] ?? '').match(REQ) ?? []);
      if (tags.length === 0) continue;
      const name = m[3] ?? m[4] ?? '';
      const at = (m.index ?? 0) + m[0].length;
      out.push({ name, file, line: text.slice(0, at).split('\n').length, requirements: tags, exported: m[2] !== undefined });
    }
  }
  return out;
}

/** The vector cases of `semodel vectors export`, with their folders. */
export function vectorCases(): VectorCase[] {
  return allCases().map((c) => {
    const mechanism = c.handler === 'schedule' ? 'image-unpack' : moduleOf(c.handler).name;
    const code = c.expected === undefined || c.expected === null ? undefined : c.expected.code;
    return { path: casePath(mechanism, c.handler, slug(c.name)), requirements: c.requirements, ...(code === undefined ? {} : { code }) };
  });
}

/** The faulty implementations, each with the requirements its description names. */
export function faultyEntries(): FaultyEntry[] {
  return Object.entries(FAULTY)
    .map(([name, f]) => ({ name, description: f.description, requirements: [...new Set(f.description.match(REQ) ?? [])] }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Gathers the evidence of every module; `root` is the repository root. */
export function gatherEvidence(root: string, campaign: CampaignSummary, baseline: CoverageBaseline): Evidence {
  const trace = currentTrace();
  const vectors = vectorCases();
  const faulty = faultyEntries();
  const modules = MODULES.map((m): ModuleEvidence => {
    const specFile = `spec/${m.name}.md`;
    let specText = '';
    try {
      specText = readFileSync(path.join(root, specFile), 'utf8');
    } catch {
      specText = '';
    }
    const kinds = m.actions.map((a) => a.kind as ActionKind);
    const guards = Object.fromEntries(kinds.map((k) => [k, guardsOf(k)]));
    const sources = handlerSources(root, m.name === 'platform' ? 'model/platform' : `model/${m.name}`);
    const rows = trace.rows.filter((r) => r.requirement.file === specFile);
    const requirements = rows.map((r): RequirementEvidence => {
      const id = r.requirement.id;
      const table = ALL_REJECTIONS.filter((x) => x.requirement === id);
      const citing = ACTION_KINDS.filter((k) => guardsOf(k).some((g) => g.requirement === id));
      const properties = allProperties.filter((p) => p.requirements.includes(id));
      const names = new Set(properties.map((p) => `${p.mechanism}/${p.name}`));
      return {
        requirement: r.requirement,
        rejections: table,
        kinds: citing,
        handlers: sources.filter((s) => s.requirements.includes(id)),
        properties,
        vectors: vectors.filter((v) => v.requirements.includes(id)),
        faulty: faulty.filter((f) => f.requirements.includes(id)),
        campaign: campaign.properties.filter((p) => names.has(`${p.mechanism}/${p.name}`)),
      };
    });
    return { name: m.name, area: m.area, specFile, specText, kinds, guards, requirements, transitions: TRANSITIONS[m.name] ?? [] };
  });
  return { modules, problems: trace.problems, vectors, faulty, campaign, baseline };
}
