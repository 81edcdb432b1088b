// REQ-PLATFORM-6 on the way out: what the platform answers is the caller's. Every registered
// property runs twice on the same inputs, once as it is and once through a harness that hands the
// property a copy of each outcome and view and then overwrites every byte string of the original
// (a hypervisor that reuses the memory of a response). A model whose response or view shares
// bytes with its world would then change under the property's feet: the two runs must see the
// same outcomes and views, step by step, and end alike.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../model/core/bytes.js';
import type { ModelSystem } from '../../model/platform/index.js';
import { scribbleView } from '../../properties/platform/caller-buffers.js';
import { propertyModel } from '../../properties/property.js';
import { allProperties } from '../../properties/registry.js';
import { runSync } from '../../properties/sut-calls.js';

/** Inputs per property: each runs twice, and the suite runs every property many times elsewhere. */
const INPUTS = 3;

/** A digest of a reply: byte strings as hex, big integers as decimal. */
function digest(value: unknown): string {
  const text = JSON.stringify(value, (_, v: unknown) => (v instanceof Uint8Array ? `0x${bytesToHex(v)}` : typeof v === 'bigint' ? `${v}n` : v));
  return createHash('sha256').update(text ?? 'undefined').digest('hex');
}

/** The model behind a harness that hands out copies (and, with `reuse`, overwrites the originals), logging each reply. */
function harness(reuse: boolean, log: string[]): ModelSystem {
  const inner = propertyModel();
  const handOut = <R>(label: string, reply: R): R => {
    const copy = structuredClone(reply);
    log.push(`${label} ${digest(copy)}`);
    if (reuse) scribbleView(reply);
    return copy;
  };
  return {
    name: inner.name,
    get world() {
      return inner.world;
    },
    reset: (config) => inner.reset(config),
    apply: (action) => handOut(`apply ${(action as { kind?: string }).kind ?? '?'}`, inner.apply(action)),
    observe: (party) => handOut(`observe ${party.kind}`, inner.observe(party)),
  };
}

/** Runs `p` on `input` through the harness: the log of replies and how the run ended. */
function runThrough(p: (typeof allProperties)[number], input: unknown, reuse: boolean): string[] {
  const log: string[] = [];
  const system = harness(reuse, log);
  try {
    log.push(`ended ${String(runSync(p.run(input, system), system))}`);
  } catch (e) {
    log.push(`threw ${e instanceof Error ? e.message : String(e)}`);
  }
  return log;
}

describe('responses and views are the caller\'s (REQ-PLATFORM-6)', () => {
  for (const [i, p] of allProperties.entries()) {
    it(`${p.mechanism}/${p.name}: overwriting every reply after the call changes nothing the property sees`, () => {
      for (const input of fc.sample(p.arbitrary, { numRuns: INPUTS, seed: 0x5eed + i })) {
        const fresh = runThrough(p, input, false);
        const reused = runThrough(p, input, true);
        const at = fresh.findIndex((line, k) => line !== reused[k]);
        expect(at, `reply ${at}: ${fresh[at] ?? '(none)'} became ${reused[at] ?? '(none)'}`).toBe(-1);
        expect(reused).toHaveLength(fresh.length);
      }
    });
  }
});
