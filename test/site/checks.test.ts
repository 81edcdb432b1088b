import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_REJECTIONS } from '../../model/platform/rejections.js';
import { emptyCoverage } from '../../properties/campaign/coverage.js';
import { SUMMARY_FORMAT, type CampaignSummary } from '../../properties/campaign/summary.js';
import { defineProperty, type ModelProperty } from '../../properties/property.js';
import { evidenceProblems } from '../../scripts/site/checks.js';
import { diagramModel, diagramProblems, diagramSvg } from '../../scripts/site/diagram.js';
import type { Evidence, ModuleEvidence, RequirementEvidence } from '../../scripts/site/evidence.js';
import { brokenMarkdownLinks, brokenSiteLinks } from '../../scripts/site/links.js';
import { coverageNumbers } from '../../scripts/site/pages.js';

/** A property of `requirement`, black-box unless `modelOnly`; never run here. */
function property(name: string, modelOnly: boolean): ModelProperty<unknown> {
  return defineProperty<unknown>({
    mechanism: 'secure-ipl',
    name,
    requirements: ['REQ-IPL-1'],
    statement: 'a crafted property for the check',
    arbitrary: fc.constant(null),
    ...(modelOnly ? { modelOnly: true } : {}),
    run: () => {
      throw new Error('not run by the checks');
    },
  });
}

/** A requirement REQ-IPL-`n` with `properties`. */
function requirement(n: number, properties: readonly ModelProperty<unknown>[]): RequirementEvidence {
  return {
    requirement: { id: `REQ-IPL-${n}`, title: `rule ${n}`, file: 'spec/secure-ipl.md', codes: [], text: '' },
    rejections: [],
    kinds: [],
    handlers: [],
    properties,
    vectors: [],
    faulty: [],
    campaign: [],
  };
}

const ALL_CODES = [...new Set(ALL_REJECTIONS.map((r) => r.code))].sort();

/** Evidence of one module with `requirements`; the baseline reaches every code but `missing`. */
function evidence(requirements: readonly RequirementEvidence[], missing: readonly string[] = []): Evidence {
  const module: ModuleEvidence = {
    name: 'secure-ipl',
    area: 'crafted',
    specFile: 'spec/secure-ipl.md',
    specText: '# crafted\n',
    kinds: [],
    guards: {},
    requirements,
    transitions: [],
  };
  const campaign: CampaignSummary = {
    format: SUMMARY_FORMAT,
    formatVersion: 1,
    version: '0.0.0',
    seed: 1,
    suite: 'crafted',
    budget: { runs: 1 },
    selection: [],
    properties: [],
    passed: 0,
    failed: 0,
    steps: 0,
    coverage: emptyCoverage(),
    unreached: [],
    unreachedGuards: [],
    unreachedPhases: [],
  };
  return {
    modules: [module],
    problems: [],
    vectors: [],
    faulty: [],
    campaign,
    baseline: { about: '', command: '', seed: 1, runs: 1, suite: 'crafted', codes: ALL_CODES.filter((c) => !missing.includes(c)), outcomes: [], phases: [] },
  };
}

const problemsOf = (ev: Evidence): string[] => evidenceProblems(ev, coverageNumbers(ev, []));

describe('the docs build checks', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'semodel-checks-'));
    dirs.push(d);
    return d;
  };
  const put = (root: string, files: Readonly<Record<string, string>>): void => {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), text);
    }
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('passes complete evidence', () => {
    expect(problemsOf(evidence([requirement(1, [property('black-box', false)])]))).toEqual([]);
  });

  it('fails a requirement with no property, or only model-only ones', () => {
    const ps = problemsOf(evidence([requirement(1, []), requirement(2, [property('inside', true)]), requirement(3, [property('outside', false)])]));
    expect(ps).toEqual(['REQ-IPL-1 (secure-ipl) has no black-box property', 'REQ-IPL-2 (secure-ipl) has no black-box property']);
  });

  it('fails a rejection code reached by neither the baseline nor a vector case nor the campaign', () => {
    const code = ALL_CODES[0] ?? '';
    expect(code).not.toBe('');
    const ev = evidence([requirement(1, [property('black-box', false)])], [code]);
    expect(problemsOf(ev)).toEqual([`rejection code ${code} is reached by neither the default campaign's baseline nor a vector case`]);
    // A vector case that ends rejected with it is a test that reaches it.
    expect(problemsOf({ ...ev, vectors: [{ path: 'secure-ipl/x/case', requirements: [], code }] })).toEqual([]);
  });

  it('fails a link inside the site to a missing page or to an id the page lacks', () => {
    const site = dir();
    put(site, {
      'index.html': '<a href="documents/a.html#here">a</a> <a href="https://example.org/">out</a> <a href="#top">top</a><p id="top"></p>',
      'documents/a.html': '<h2 id="here">here</h2><a href="../missing.html">gone</a> <a href="../index.html#nowhere">no id</a><img src="../media/pic.svg">',
    });
    expect(brokenSiteLinks(site)).toEqual([
      'documents/a.html: link ../missing.html names no file of the site',
      'documents/a.html: link ../index.html#nowhere: index.html has no id "nowhere"',
      'documents/a.html: link ../media/pic.svg names no file of the site',
    ]);
  });

  it('fails a link between markdown files to a missing file or heading', () => {
    const repo = dir();
    put(repo, {
      'README.md': '# Top\n\nSee [the spec](spec/a.md#the-rule), [gone](spec/gone.md), `[code](spec/gone.md)` and [b](spec/a.md#no-such).\n',
      'spec/a.md': '# A\n\n## The rule\n\n[back](../README.md#top)\n',
    });
    expect(brokenMarkdownLinks(repo, ['README.md', 'spec/a.md'])).toEqual([
      'README.md: link spec/gone.md names nothing in the repository',
      'README.md: link spec/a.md#no-such: spec/a.md has no heading with the anchor #no-such',
    ]);
  });

  it('fails a diagram that does not render: an arrow without its box, no arrow, an unclosed element', () => {
    const model = diagramModel([{ module: 'platform', from: 'none', action: 'create-guest', to: 'created', outcome: 'accepted' }]);
    const svg = diagramSvg(model, 'crafted');
    expect(diagramProblems(model, svg)).toEqual([]);
    expect(diagramProblems({ nodes: ['no guest'], edges: model.edges }, svg)).toContain('an arrow no guest → created has no box');
    expect(diagramProblems({ nodes: [], edges: [] }, svg)).toContain('no arrow');
    const opened = (svg.match(/<(svg|title|defs|marker)\b/g) ?? []).length;
    expect(diagramProblems(model, svg.replace('</title>', ''))).toContain(`${opened} elements opened, ${opened - 1} closed`);
    expect(diagramProblems(model, svg.slice(0, -'</svg>'.length))).toContain('not one <svg> element');
    expect(diagramProblems(model, svg.replace('\n', '\n\n'))).toContain('a blank line would end the HTML block');
  });
});
