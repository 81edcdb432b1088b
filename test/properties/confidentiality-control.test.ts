// Positive controls: the confidentiality properties must fail against a model whose hypervisor
// view leaks, or they prove nothing. Each leak below is one that once escaped every property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import type { World } from '../../model/world/world.js';
import { modelSystem, viewOf, type Party, type View } from '../../model/platform/index.js';
import { hypervisorViewConfidential } from '../../properties/image-unpack/confidentiality.js';
import { guestsIndependent } from '../../properties/image-unpack/guests.js';
import { noninterference } from '../../properties/image-unpack/noninterference.js';
import { predicateOf, type ModelProperty } from '../../properties/property.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';
import { PROPERTY_RUNS } from '../runs.js';

/** The hypervisor's view with `extra` added to each guest that has secure memory. */
function leaking(extra: (pages: readonly (readonly [number, Uint8Array])[], phase: string) => Record<string, unknown>) {
  return (w: World, party: Party): View | null => {
    const v = viewOf(w, party);
    if (party.kind !== 'hypervisor' || v === null || v.party !== 'hypervisor') return v;
    const guests = v.guests.map((g) => {
      const memory = [...(w.guests.get(g.id)?.memory ?? [])].sort(([a], [b]) => a - b);
      return memory.length === 0 ? g : { ...g, ...extra(memory, g.phase) };
    });
    return { ...v, guests } as View;
  };
}

const LEAKS = {
  // Bytes 32 to 64 of the kernel's first page (the lowest secure page), as an extra hex field.
  'kernel bytes 32-64 as hex': leaking((pages) => ({ note: bytesToHex((pages[0]?.[1] ?? new Uint8Array(0)).subarray(32, 64)) })),
  // The stage3b page (the highest secure page) once the guest runs, as an array of numbers.
  'stage3b page as a number array once running': leaking((pages, phase) =>
    phase === 'running' ? { loader: Array.from(pages.at(-1)?.[1] ?? new Uint8Array(0)) } : {},
  ),
} as const;

/** Whether `p` fails within the project's run count against a model whose views are `views`. */
function failsWith(p: ModelProperty<unknown>, views: (w: World, party: Party) => View | null): { failed: boolean; message: string } {
  const system = () => modelSystem({ suite: PROPERTY_SUITE, views });
  const d = fc.check(fc.property(p.arbitrary, predicateOf(p, system)), { numRuns: PROPERTY_RUNS, endOnFailure: true, seed: 42 });
  const e = d.errorInstance;
  return { failed: d.failed, message: e instanceof Error ? e.message : String(e) };
}

describe('confidentiality: positive controls', () => {
  for (const [name, views] of Object.entries(LEAKS)) {
    it(`hypervisor-view-confidential catches: ${name}`, () => {
      const r = failsWith(hypervisorViewConfidential as ModelProperty<unknown>, views);
      expect(r.failed).toBe(true);
      expect(r.message).toMatch(/REQ-UNPACK-14: .*plaintext page \d+ .*reached the hypervisor/);
    });
    it(`noninterference catches: ${name}`, () => {
      const r = failsWith(noninterference as ModelProperty<unknown>, views);
      expect(r.failed).toBe(true);
      expect(r.message).toMatch(/REQ-UNPACK-14: the hypervisor tells the worlds apart/);
    });
    it(`guests-independent catches: ${name}`, () => {
      const r = failsWith(guestsIndependent as ModelProperty<unknown>, views);
      expect(r.failed).toBe(true);
      expect(r.message).toMatch(/REQ-UNPACK-14/);
    });
  }
  it('the honest model passes the same runs', () => {
    expect(failsWith(hypervisorViewConfidential as ModelProperty<unknown>, viewOf).failed).toBe(false);
  });
});
