/**
 * Worlds for the startup-order tests: a running guest booted from the dump test image, and a
 * step that must be accepted.
 * @module
 */
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { initialWorld, step, type Action, type World } from '../../model/platform/index.js';
import { MACHINE } from '../../properties/image-unpack/fixtures.js';
import { DUMP_CONFIG, dumpImage } from '../../properties/secure-dump/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

/** A world with one running guest, and its ID; `created` stops before the header. */
export function runningWorld(created = false): [World, number] {
  const image = dumpImage(true, 0);
  const r = initialWorld(DUMP_CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(r.error.message);
  const s = step(r.value, { kind: 'create-guest', machine: MACHINE, memoryPages: image.minPages });
  let w = s.state;
  const id = s.outcome.kind === 'accepted' ? (s.outcome.response['guest'] as number) : -1;
  if (created) return [w, id];
  for (const a of honestCalls(id, image)) {
    const t = step(w, a);
    if (t.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${t.outcome.code}`);
    w = t.state;
  }
  return [w, id];
}

/** The world after `a`, which must be accepted, and its response. */
export function accept(w: World, a: Action): [World, Record<string, unknown>] {
  const s = step(w, a);
  if (s.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${s.outcome.code}`);
  return [s.state, s.outcome.response as Record<string, unknown>];
}
