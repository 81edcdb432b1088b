/**
 * The site in a real browser: builds it as `npm run docs` does, serves it on 127.0.0.1 (no
 * network) and opens every page of its own documents (the start page and documents/: spec,
 * guides, mechanism, coverage, traceability, vectors and schema pages) in Debian's headless
 * Chromium through playwright-core. Each page: no console error and no failed request, every
 * lifecycle diagram present as SVG, code spans kept in headings, the search box there; every
 * internal link of those pages (API pages included) answers over HTTP, with its anchor; a
 * screenshot of each mechanism page goes to test-output/site-screenshots/<mechanism>.png.
 * A second build into another folder must be byte-identical (scripts/site/reproducible.ts).
 * Without /usr/bin/chromium it fails and says how to install it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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
const reports: PageReport[] = [];

/** The pages of the site's own documents: the start page and every page of documents/. */
function documentPages(out: string): string[] {
  return ['index.html', ...readdirSync(path.join(out, 'documents')).filter((f) => f.endsWith('.html')).sort().map((f) => `documents/${f}`)];
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
    for (const rel of documentPages(build.out)) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
      const page = await context.newPage();
      const errors: string[] = [];
      // Nothing leaves 127.0.0.1: a request elsewhere is aborted and counted as an error.
      await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      const response = await page.goto(`${origin}/${rel}`, { waitUntil: 'load' });
      if (response?.status() !== 200) errors.push(`the page answered ${String(response?.status())}`);
      // The outline and navigation are drawn by the page's own scripts.
      await page.waitForLoadState('networkidle');
      const seen = await page.evaluate<PageProbe>(PAGE_PROBE);
      if (seen.module !== null) {
        // The first screen of the page (a whole page is some 40,000 pixels tall).
        await page.screenshot({ path: path.join(SHOTS, `${seen.module}.png`) });
      }
      reports.push({ page: rel, errors, ...seen, links: seen.links.filter((l) => l.startsWith(`${origin}/`)) });
      await context.close();
    }
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
    expect(reports.flatMap((r) => r.diagrams.filter((d) => d.tag !== 'svg').map(() => r.page))).toEqual([]);
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
    for (const r of reports) {
      for (const h of r.headingsWithCode) {
        expect(h.code, `${r.page}: an empty code span in "${h.heading}"`).not.toBe('');
        expect(h.heading).toContain(h.code);
        expect(h.heading, `${r.page}: "${h.heading}"`).not.toContain('()');
      }
    }
  });

  it('shows the search box on every page', () => {
    expect(reports.filter((r) => !r.search).map((r) => r.page)).toEqual([]);
  });

  it('answers every internal link of the documents, API pages included, with its anchor', async () => {
    const origin = server?.origin ?? '';
    const targets = new Map<string, Set<string>>();
    for (const r of reports) {
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
