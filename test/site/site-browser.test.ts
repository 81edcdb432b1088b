/**
 * The site in a real browser: builds it as `npm run docs` does, serves it on 127.0.0.1 (no
 * network) and opens every page in Debian's headless Chromium through playwright-core: the pages
 * of its own documents (the start page and documents/: spec, guides, mechanism, coverage,
 * traceability, vectors and schema pages) each in a fresh context that waits for the network to
 * settle, then every other page (a page per module of the API, with its members in full, and the
 * source listings, some 280) in one reused page that waits for `load` only. Each page: no
 * console error and no failed request, every diagram present as SVG, code spans kept in
 * headings, the search box there; every internal link of every page answers over HTTP, with its
 * anchor; a screenshot of each mechanism page goes to test-output/site-screenshots/<mechanism>.png.
 * A second build into another folder must be byte-identical (scripts/site/reproducible.ts).
 * Without /usr/bin/chromium it fails and says how to install it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS } from '../../model/platform/transitions.js';
import { treeDifferences } from '../../scripts/site/reproducible.js';
import { buildSiteInto, ROOT, type SiteBuild } from './build-once.js';
import { PAGE_PROBE, type PageProbe } from './page-probe.js';
import { serveFolder, type StaticServer } from './static-server.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-output/site-screenshots');
/** The docs build takes 30 to 55 s on two cores; two builds and the pages need room. */
const TIMEOUT = 600_000;

/** What one page showed in the browser. */
interface PageReport extends PageProbe {
  readonly page: string;
  readonly errors: readonly string[];
}

let build: SiteBuild | undefined;
let server: StaticServer | undefined;
let browser: Browser | undefined;
/** The pages of the site's own documents, opened one by one. */
const reports: PageReport[] = [];
/** Every other page of the site, opened in one reused page. */
const others: PageReport[] = [];

/** The pages of the site's own documents: the start page and every page of documents/. */
function documentPages(out: string): string[] {
  return ['index.html', ...readdirSync(path.join(out, 'documents')).filter((f) => f.endsWith('.html')).sort().map((f) => `documents/${f}`)];
}

/** Every HTML page of the site, relative to its root, sorted. */
function allPages(out: string): string[] {
  return readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/**
 * Watches one page: nothing leaves 127.0.0.1 (a request elsewhere is aborted and counted), and
 * console errors, page errors, failed requests and HTTP errors go to the array `errors()` returns
 * at that moment (so a reused page can start a fresh one per document).
 */
async function watch(page: Page, origin: string, errors: () => string[]): Promise<void> {
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors().push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors().push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors().push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors().push(`HTTP ${r.status()}: ${r.url()}`);
  });
}

/** Opens one page and reads it; links are kept when they point into the site. */
async function visit(page: Page, origin: string, rel: string, errors: string[], settle: boolean): Promise<PageReport> {
  const response = await page.goto(`${origin}/${rel}`, { waitUntil: 'load' });
  if (response?.status() !== 200) errors.push(`the page answered ${String(response?.status())}`);
  // The outline and navigation are drawn by the page's own scripts.
  if (settle) await page.waitForLoadState('networkidle');
  const seen = await page.evaluate<PageProbe>(PAGE_PROBE);
  return { page: rel, errors, ...seen, links: seen.links.filter((l) => l.startsWith(`${origin}/`)) };
}

describe('the site in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the site's browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
    }
    build = buildSiteInto('a');
    if (build.status !== 0) throw new Error(`the docs build failed (exit ${String(build.status)}):\n${build.output}`);
    server = await serveFolder(build.out);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const origin = server.origin;
    const documents = documentPages(build.out);
    for (const rel of documents) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
      const page = await context.newPage();
      const errors: string[] = [];
      await watch(page, origin, () => errors);
      const report = await visit(page, origin, rel, errors, true);
      if (report.module !== null) {
        // The first screen of the page (a whole page is some 40,000 pixels tall).
        await page.screenshot({ path: path.join(SHOTS, `${report.module}.png`) });
      }
      reports.push(report);
      await context.close();
    }
    // The other pages share one page: no new context per page, no waiting for the network.
    const done = new Set(documents);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
    const page = await context.newPage();
    let errors: string[] = [];
    await watch(page, origin, () => errors);
    for (const rel of allPages(build.out).filter((p) => !done.has(p))) {
      errors = [];
      others.push(await visit(page, origin, rel, errors, false));
    }
    await context.close();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (build !== undefined) rmSync(build.out, { recursive: true, force: true });
  });

  it('opens every page of the documents with no console error and no failed request', () => {
    expect(reports.length).toBeGreaterThan(20);
    expect(reports.filter((r) => r.errors.length > 0).map((r) => `${r.page}: ${r.errors.join('; ')}`)).toEqual([]);
  });

  it('opens every other page (API and source pages) with no console error and no failed request', () => {
    // The API reference has a page per module: far more pages than the documents.
    expect(others.length).toBeGreaterThan(reports.length * 5);
    expect(reports.length + others.length).toBe(allPages(build?.out ?? '').length);
    expect(others.filter((r) => r.page.startsWith('modules/') || r.page === 'modules.html').length).toBeGreaterThan(25);
    expect(others.filter((r) => r.errors.length > 0).map((r) => `${r.page}: ${r.errors.join('; ')}`)).toEqual([]);
  });

  it('has a page for the platform and every mechanism, each lifecycle drawn as a visible SVG', () => {
    const modules = reports.filter((r) => r.module !== null);
    expect(modules.map((r) => r.module)).toContain('platform');
    for (const [name, ts] of Object.entries(TRANSITIONS)) {
      const r = modules.find((x) => x.module === name);
      expect(r, `no page for ${name}`).toBeDefined();
      if (ts.length === 0) continue;
      expect(r?.diagrams.length, `${name}: no diagram`).toBeGreaterThan(0);
      for (const d of r?.diagrams ?? []) {
        expect(d.tag, `${name}: a diagram that is not SVG`).toBe('svg');
        expect(d.width * d.height, `${name}: an empty diagram`).toBeGreaterThan(0);
      }
    }
    // Every diagram of every page is SVG.
    expect([...reports, ...others].flatMap((r) => r.diagrams.filter((d) => d.tag !== 'svg').map(() => r.page))).toEqual([]);
  });

  it('keeps code spans in headings: the mechanism titles end with their name in code, and the outline shows it', () => {
    const mechanisms = reports.filter((r) => r.module !== null && r.module !== 'platform');
    expect(mechanisms.length).toBeGreaterThan(0);
    for (const r of mechanisms) {
      const title = r.headingsWithCode.find((h) => h.code === r.module);
      expect(title, `${r.page}: no heading with the code span ${String(r.module)}`).toBeDefined();
      expect(title?.heading).toContain(`(${String(r.module)})`);
      expect(r.outline).toContain(`(${String(r.module)})`);
    }
    for (const r of [...reports, ...others]) {
      for (const h of r.headingsWithCode) {
        expect(h.code, `${r.page}: an empty code span in "${h.heading}"`).not.toBe('');
        expect(h.heading).toContain(h.code);
        expect(h.heading, `${r.page}: "${h.heading}"`).not.toContain('()');
      }
    }
  });

  it('shows the search box on every page but the plain source listings (media/<file>.html)', () => {
    const sourceListing = (r: PageReport): boolean => r.page.startsWith('media/') && /\.[a-z]+(-\d+)?\.html$/.test(r.page);
    expect([...reports, ...others].filter((r) => !r.search && !sourceListing(r)).map((r) => r.page)).toEqual([]);
  });

  it('answers every internal link of every page, with its anchor', async () => {
    const origin = server?.origin ?? '';
    const targets = new Map<string, Set<string>>();
    for (const r of [...reports, ...others]) {
      for (const l of r.links) {
        const u = new URL(l);
        const anchors = targets.get(u.pathname) ?? new Set<string>();
        if (u.hash.length > 1) anchors.add(decodeURIComponent(u.hash.slice(1)));
        targets.set(u.pathname, anchors);
      }
    }
    expect(targets.size).toBeGreaterThan(100);
    const broken: string[] = [];
    for (const [pathname, anchors] of [...targets.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const res = await fetch(`${origin}${pathname}`);
      const body = await res.text();
      if (res.status !== 200) {
        broken.push(`${pathname}: HTTP ${res.status}`);
        continue;
      }
      if (!/\.(html|svg)$/.test(pathname) || anchors.size === 0) continue;
      const ids = new Set([...body.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1] ?? ''));
      for (const a of anchors) if (!ids.has(a)) broken.push(`${pathname}#${a}: no such id`);
    }
    expect(broken).toEqual([]);
  });

  it('saves a screenshot of each mechanism page', () => {
    const expected = reports.flatMap((r) => (r.module === null ? [] : [`${r.module}.png`])).sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(readdirSync(SHOTS).sort()).toEqual(expected);
  });

  it('is reproducible: a second build into another folder is byte-identical (but for the documented date line)', () => {
    const again = buildSiteInto('b');
    expect(again.status, again.output).toBe(0);
    expect(treeDifferences(build?.out ?? '', again.out)).toEqual([]);
    rmSync(again.out, { recursive: true, force: true });
  }, TIMEOUT);
}, TIMEOUT);
