/**
 * `npm run docs`: builds the specification site into docs/site/ (start page
 * docs/site/index.html) and fails when the evidence has a gap, a link is broken or a diagram
 * does not render. Usage:
 *
 *     tsx scripts/site/build.ts [--out DIR] [--campaign SUMMARY.json] [--runs N]
 *
 * Without --campaign it runs `semodel campaign --runs N --seed 2026` (N default 5: about ten
 * seconds) and shows that summary. The site's one date is the footer line of every page,
 * {@link builtOnLine}: the commit's date (SOURCE_DATE_EPOCH when set, else
 * `git log -1 --format=%cI`); two builds of a commit are byte-identical, and the reproducibility
 * test (scripts/site/reproducible.ts) allows a difference in that line only.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_REJECTIONS } from '../../model/platform/rejections.js';
import { GUEST_PHASES } from '../../model/world/world.js';
import type { CoverageBaseline } from '../../properties/campaign/baseline.js';
import type { CampaignSummary } from '../../properties/campaign/summary.js';
import { diagramModel, diagramProblems, diagramSvg } from './diagram.js';
import { evidenceProblems } from './checks.js';
import { gatherEvidence } from './evidence.js';
import { brokenMarkdownLinks, brokenSiteLinks, filesUnder } from './links.js';
import { firstHeading, rewriteLinks, withFrontMatter, type PathKind } from './markdown.js';
import { mechanismPage } from './mechanism-page.js';
import { coverageNumbers, coveragePage, folderPage, schemasPage, traceabilityPage, vectorsPage } from './pages.js';
import { groupOf, navigationOrder } from './navigation.js';
import { sourcePage } from './source-pages.js';
import { runTypedoc } from './typedoc-run.js';
import { canonicalHighlightClasses } from './highlight-classes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The build folder: the markdown typedoc reads (ignored by git). */
const BUILD = '.site-build';

/** The date the site shows: SOURCE_DATE_EPOCH, else the commit's date (YYYY-MM-DD). */
export function buildDate(): string {
  const epoch = process.env['SOURCE_DATE_EPOCH'];
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString().slice(0, 10);
  try {
    return execFileSync('git', ['log', '-1', '--format=%cI'], { cwd: ROOT, encoding: 'utf8' }).trim().slice(0, 10);
  } catch {
    return 'an unknown date';
  }
}

/**
 * The footer line that dates the site (the build and the campaign it shows): the one line two
 * builds of a commit may differ in (`DATE_LINE` of reproducible.ts).
 */
export function builtOnLine(date: string): string {
  return `<p class="semodel-built-on">Built on ${date} by <code>npm run docs</code> (the campaign evidence is this build's).</p>`;
}

/** The markdown files of the repository the site holds (and the link check reads). */
export function repoMarkdown(): string[] {
  const inDir = (d: string): string[] =>
    readdirSync(path.join(ROOT, d))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `${d}/${f}`);
  const extra = ['conformance/templates/python/README.md'].filter((f) => existsSync(path.join(ROOT, f)));
  return ['README.md', ...inDir('spec'), ...inDir('docs'), ...extra];
}

/** The campaign summary: read from `file`, or run now. Timings dropped (they differ per run). */
function campaignSummary(file: string | undefined, runs: number): CampaignSummary {
  const text =
    file !== undefined
      ? readFileSync(file, 'utf8')
      : execFileSync(process.execPath, [path.join(ROOT, 'bin/semodel.mjs'), 'campaign', '--runs', String(runs), '--seed', '2026', '--json'], {
          cwd: ROOT,
          encoding: 'utf8',
          maxBuffer: 1 << 28,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
  const s = JSON.parse(text) as CampaignSummary;
  return { ...s, properties: s.properties.map((p) => ({ ...p, timeMs: 0 })) };
}

/** Builds the site; returns the problems that fail the build. */
export async function buildSite(options: { out: string; campaign?: string; runs: number }): Promise<{ problems: string[]; pages: number }> {
  const build = path.join(ROOT, BUILD);
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  /** The markdown pages written, for typedoc's project documents. */
  const documents: string[] = [];
  const write = (rel: string, text: string): void => {
    if (rel.endsWith('.md') && rel !== 'README.md') documents.push(rel);
    mkdirSync(path.dirname(path.join(build, rel)), { recursive: true });
    writeFileSync(path.join(build, rel), text);
  };
  const date = buildDate();
  const baseline = JSON.parse(readFileSync(path.join(ROOT, 'docs/coverage-baseline.json'), 'utf8')) as CoverageBaseline;
  const ev = gatherEvidence(ROOT, campaignSummary(options.campaign, options.runs), baseline);
  const coverage = coverageNumbers(ev, GUEST_PHASES);
  const problems = evidenceProblems(ev, coverage);

  // The repository's markdown, at the same paths, its links rewritten for the build folder.
  const markdown = repoMarkdown();
  const inSite = new Set(markdown);
  // The repository is what git holds (tracked, or new and not ignored): no build output.
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
  const repoFiles = new Set(tracked);
  const repoFolders = new Set(tracked.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const kindOf = (p: string): PathKind => {
    if (repoFolders.has(p)) return 'folder';
    if (!repoFiles.has(p)) return 'missing';
    return p.endsWith('.md') ? 'markdown' : 'file';
  };
  /** The files and folders of a repository folder, sorted. */
  const listing = (folder: string): { name: string; folder: boolean }[] => {
    const names = new Map<string, boolean>();
    for (const f of tracked) {
      if (!f.startsWith(`${folder}/`)) continue;
      const rest = f.slice(folder.length + 1).split('/');
      names.set(rest[0] ?? '', rest.length > 1);
    }
    return [...names.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, isFolder]) => ({ name, folder: isFolder }));
  };
  const sources = new Set<string>(ev.modules.flatMap((m) => m.requirements.flatMap((r) => r.handlers.map((h) => h.file))));
  const folders = new Set<string>();
  const rc = (code: string): string | undefined => {
    const x = ALL_REJECTIONS.find((r) => r.code === code)?.platformRc;
    return x === undefined ? undefined : `\`${x}\``;
  };
  for (const file of markdown) {
    const raw = readFileSync(path.join(ROOT, file), 'utf8');
    const module = ev.modules.find((m) => m.specFile === file);
    const text = module === undefined ? raw : mechanismPage(module, ev, raw, rc);
    const r = rewriteLinks(file, text, { kindOf, inSite: (p) => inSite.has(p) }, ['.ts', '.mjs', '.py', '.mts']);
    r.sources.forEach((s) => sources.add(s));
    r.folders.forEach((f) => folders.add(f));
    if (file === 'README.md') write(file, r.text);
    else write(file, withFrontMatter(r.text, { title: firstHeading(raw) ?? file, group: groupOf(file) }));
    if (module !== undefined && module.transitions.length > 0) {
      const model = diagramModel(module.transitions);
      for (const p of diagramProblems(model, diagramSvg(model, module.name))) problems.push(`diagram of ${module.name}: ${p}`);
    }
  }
  // Generated pages.
  const schemaFiles = filesUnder(path.join(ROOT, 'docs/schema')).map((f) => `docs/schema/${f}`);
  // Generated pages sit at site/ as if in the repository, so their links are rewritten the same way.
  const generated: readonly [string, string, string][] = [
    ['site/traceability.md', traceabilityPage(ev), 'Traceability matrix'],
    ['site/coverage.md', coveragePage(ev, coverage), 'Coverage'],
    ['site/vectors.md', vectorsPage(ev), 'Vectors'],
    ['site/schemas.md', schemasPage(schemaFiles), 'Schemas (JSON Schema files)'],
  ];
  const siteFiles = new Set(generated.map(([f]) => f));
  for (const [file, text, title] of generated) {
    const r = rewriteLinks(file, text, { kindOf: (p) => (siteFiles.has(p) ? 'markdown' : kindOf(p)), inSite: (p) => inSite.has(p) || siteFiles.has(p) }, ['.ts', '.mjs', '.py', '.mts']);
    r.sources.forEach((x) => sources.add(x));
    write(file, withFrontMatter(r.text, { title, group: groupOf(file) }));
  }
  write('site/campaign-summary.json', `${JSON.stringify(ev.campaign, null, 2)}\n`);
  write('site/vector-cases.json', `${JSON.stringify(ev.vectors, null, 2)}\n`);
  // Each folder a link names, and the folders under it, get a listing.
  const pendingFolders = [...folders].sort();
  for (let i = 0; i < pendingFolders.length; i++) {
    const folder = pendingFolders[i] ?? '';
    const entries = listing(folder).map((e) => {
      const p = `${folder}/${e.name}`;
      if (e.folder) {
        if (!pendingFolders.includes(p)) pendingFolders.push(p);
        return { name: `${e.name}/`, link: `${e.name}/index.md` };
      }
      if (inSite.has(p)) return { name: e.name, link: e.name };
      if (/\.(ts|mjs|mts|py)$/.test(e.name)) {
        sources.add(p);
        return { name: e.name, link: path.posix.relative(folder, `source/${p}.html`) };
      }
      return { name: e.name, link: path.posix.relative(folder, `../${p}`) };
    });
    write(`${folder}/index.md`, withFrontMatter(folderPage(folder, entries), { title: `${folder}/`, group: groupOf(`${folder}/index.md`) }));
  }
  for (const s of [...sources].sort()) write(`source/${s}.html`, sourcePage(s, readFileSync(path.join(ROOT, s), 'utf8')));

  // The site.
  const out = path.resolve(ROOT, options.out);
  const order = navigationOrder(documents).map((f) => `${BUILD}/${f}`);
  const td = await runTypedoc(out, builtOnLine(date), order);
  canonicalHighlightClasses(out);
  if (!td.ok) problems.push(`typedoc reported ${td.errors} errors`);
  if (td.warnings > 0) problems.push(`typedoc reported ${td.warnings} warnings (a link it cannot resolve, a file it cannot copy)`);
  cpSync(path.join(build, 'site/campaign-summary.json'), path.join(out, 'campaign-summary.json'));
  problems.push(...brokenSiteLinks(out));
  problems.push(...brokenMarkdownLinks(ROOT, markdown));
  // Every mechanism page with a lifecycle shows its diagram as SVG.
  const pages = filesUnder(out).filter((f) => f.endsWith('.html'));
  for (const m of ev.modules) {
    const marker = `data-semodel-module="${m.name}"`;
    const page = pages.find((p) => p.startsWith('documents/') && readFileSync(path.join(out, p), 'utf8').includes(marker));
    if (page === undefined) problems.push(`no page for ${m.name}`);
    else if (m.transitions.length > 0 && !readFileSync(path.join(out, page), 'utf8').includes('<svg xmlns="http://www.w3.org/2000/svg" class="semodel-diagram"')) {
      problems.push(`${page}: the lifecycle diagram of ${m.name} is not in the page`);
    }
  }
  return { problems, pages: pages.length };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, campaign: { type: 'string' }, runs: { type: 'string' } } });
  const started = Date.now();
  const runs = Number(values.runs ?? '5');
  const { problems, pages } = await buildSite({ out: values.out ?? 'docs/site', runs, ...(values.campaign === undefined ? {} : { campaign: values.campaign }) });
  for (const p of problems) console.error(`docs: ${p}`);
  console.log(`docs: ${pages} pages in ${values.out ?? 'docs/site'} (${((Date.now() - started) / 1000).toFixed(1)} s)${problems.length > 0 ? `; ${problems.length} problems` : ''}`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await main();
}
