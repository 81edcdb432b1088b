/**
 * Startup lists for the properties, from fast-check's combinators: random DAGs listed in a random
 * order (every entry requires resources of entries before it in a hidden topological order, or
 * provided ones), the same with a ring of entries that require each other (a cycle; a ring of one
 * requires itself), with entries requiring a resource nothing provides, and malformed lists
 * (a process twice, a resource twice, a bad name, too long).
 * @module
 */
import fc from 'fast-check';
import type { Entry } from '../../model/startup-order/index.js';
import type { StartupList } from './fixtures.js';

/** The resources a boot may provide. */
const DEVICES = ['dev0', 'dev1', 'dev2'] as const;

/** How a generated list was made. */
export interface ListShape {
  /** Entries (hidden topological order), each with the indices it requires and the devices. */
  readonly needs: readonly { readonly on: readonly number[]; readonly devices: readonly string[] }[];
  readonly provided: readonly string[];
  /** The list order: a permutation of the entries. */
  readonly order: readonly number[];
  /** Entries on one ring (each requires the next one's resource; the last the first's). */
  readonly ring: readonly number[];
  /** Entries that also require a resource nothing provides. */
  readonly lost: readonly number[];
}

/** The shape of a list of up to `max` entries; `faults` adds rings and missing providers. */
export function arbShape(max: number, faults: boolean): fc.Arbitrary<ListShape> {
  return fc.integer({ min: 0, max }).chain((n) => {
    const indices = Array.from({ length: n }, (_, i) => i);
    const need = (i: number) => fc.record({ on: fc.subarray(indices.slice(0, i), { maxLength: Math.min(4, i) }), devices: fc.subarray([...DEVICES], { maxLength: 2 }) });
    const none = fc.constant<readonly number[]>([]);
    return fc.record({
      needs: fc.tuple(...indices.map(need)),
      // Without faults the boot provides every device: the DAG can complete.
      provided: faults ? fc.subarray([...DEVICES]) : fc.constant([...DEVICES]),
      order: fc.shuffledSubarray(indices, { minLength: n, maxLength: n }),
      ring: faults ? fc.oneof(none, fc.shuffledSubarray(indices, { minLength: Math.min(1, n), maxLength: Math.min(4, n) })) : none,
      lost: faults ? fc.oneof(none, fc.subarray(indices, { maxLength: Math.min(2, n) })) : none,
    });
  });
}

/** The list of a shape, its names prefixed by `prefix`. */
export function listOf(shape: ListShape, prefix = ''): StartupList {
  const resource = (i: number) => `${prefix}r${i}`;
  const entry = (i: number): Entry => {
    const need = shape.needs[i] ?? { on: [], devices: [] };
    const k = shape.ring.indexOf(i);
    const next = k < 0 ? [] : [resource(shape.ring[(k + 1) % shape.ring.length] ?? i)];
    const lost = shape.lost.includes(i) ? [`${prefix}absent${i}`] : [];
    return { name: `${prefix}p${i}`, defines: resource(i), requires: [...need.on.map(resource), ...need.devices, ...next, ...lost] };
  };
  return { entries: shape.order.map(entry), provided: [...shape.provided] };
}

/** Well-formed lists: DAGs, and (most of them) with cycles or missing providers. */
export function arbList(max = 10, prefix = ''): fc.Arbitrary<StartupList> {
  return fc.oneof({ weight: 1, arbitrary: arbShape(max, false) }, { weight: 2, arbitrary: arbShape(max, true) }).map((s) => listOf(s, prefix));
}

/** The defects a malformed list may have, in the order of the guards that refuse them. */
export const DEFECTS = ['too-long', 'bad-name', 'duplicate-process', 'duplicate-resource'] as const;

/** A defect of a list. */
export type Defect = (typeof DEFECTS)[number];

/** `list` with `defect` added (the list stays otherwise as it was). */
export function withDefect(list: StartupList, defect: Defect, at: number): StartupList {
  // A defect needs an entry to repeat: an empty list gets one first.
  const entries = list.entries.length > 0 ? [...list.entries] : [{ name: 'p', defines: 'r', requires: [] }];
  const pick = entries[at % entries.length] as Entry;
  switch (defect) {
    case 'too-long':
      return { ...list, entries: [...entries, ...Array.from({ length: 65 - entries.length }, (_, i) => ({ name: `filler${i}`, defines: `filler-r${i}`, requires: [] }))] };
    case 'bad-name':
      return { ...list, entries: [...entries, { name: 'bad', defines: 'bad-r', requires: at % 2 === 0 ? [''] : ['x'.repeat(65)] }] };
    case 'duplicate-process':
      return { ...list, entries: [...entries, { name: pick.name, defines: 'another-r', requires: [] }] };
    case 'duplicate-resource':
      return at % 2 === 0 ? { ...list, entries: [...entries, { name: 'another-p', defines: pick.defines, requires: [] }] } : { entries, provided: [...list.provided, pick.defines] };
  }
}
