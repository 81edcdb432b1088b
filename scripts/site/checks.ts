/**
 * The gates of the docs build, over the gathered evidence: every requirement has a black-box
 * property, every rejection code is reached by the default campaign (its committed baseline) or
 * by a test (a vector case, which test/conformance runs), every module has a spec page, and the
 * trace of spec/ against the tables and guards agrees. Each failure is one sentence.
 * @module
 */
import type { Evidence } from './evidence.js';
import type { CoverageNumbers } from './pages.js';

/** The sentences of everything that must fail the docs build. */
export function evidenceProblems(ev: Evidence, coverage: CoverageNumbers): string[] {
  const out: string[] = [];
  for (const m of ev.modules) {
    if (m.specText === '') out.push(`${m.name}: no ${m.specFile}`);
    else if (m.requirements.length === 0) out.push(`${m.name}: ${m.specFile} states no requirement (### REQ-…)`);
    for (const r of m.requirements) {
      if (!r.properties.some((p) => p.modelOnly !== true)) out.push(`${r.requirement.id} (${m.name}) has no black-box property`);
    }
  }
  for (const c of coverage.never) out.push(`rejection code ${c} is reached by neither the default campaign's baseline nor a vector case`);
  for (const p of ev.problems) out.push(`trace: ${p}`);
  if (ev.campaign.failed > 0) out.push(`the campaign failed ${ev.campaign.failed} properties`);
  return out;
}
