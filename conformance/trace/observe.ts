/**
 * What the recorder and the replay observe after each reset and apply: every party's view, its
 * SHA-256 digest, and the abstract state. The parties are enumerated from the hypervisor's view
 * (its guests and adapters), so this works for any implementation, not only the model.
 * @module
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../model/core/canonical-json.js';
import { readValue, REFUSED, toWire, type Json, type Schema } from '../../model/core/schema.js';
import { VIEW, viewToWire, type Party, type SyncSystemUnderTest, type View } from '../../model/platform/index.js';
import { ABSTRACT_STATE, type Digests } from './format.js';

/** The key of a party in digests and views: `hypervisor`, `guest:1`, `owner:1`, `adapter:0`, `host-manager`, `client`. */
export function partyKey(p: Party): string {
  switch (p.kind) {
    case 'guest':
    case 'owner':
      return `${p.kind}:${p.guest}`;
    case 'adapter':
      return `adapter:${p.adapter}`;
    default:
      return p.kind;
  }
}

/**
 * The parties that exist, in a fixed order: the hypervisor; for each guest of its view in
 * ascending ID the guest and its owner; each adapter of its view; the host manager; the client.
 */
export function partiesOf(hv: { readonly guests: readonly { readonly id: number }[]; readonly adapters: readonly { readonly id: number }[] } | undefined): Party[] {
  const guests = [...new Set(hv?.guests.map((g) => g.id) ?? [])].sort((a, b) => a - b);
  const adapters = [...new Set(hv?.adapters.map((a) => a.id) ?? [])].sort((a, b) => a - b);
  return [
    { kind: 'hypervisor' },
    ...guests.flatMap((guest): Party[] => [
      { kind: 'guest', guest },
      { kind: 'owner', guest },
    ]),
    ...adapters.map((adapter): Party => ({ kind: 'adapter', adapter })),
    { kind: 'host-manager' },
    { kind: 'client' },
  ];
}

/**
 * The wire form of a view a system returned: null for null, undefined when it is not a view of
 * its party's schema (a faulty implementation's answer). Never throws.
 */
export function viewWire(v: unknown): Json | undefined {
  if (v === null) return null;
  try {
    const party = (v as { party?: unknown }).party;
    if (typeof party !== 'string' || !Object.prototype.hasOwnProperty.call(VIEW, party)) return undefined;
    const schema = VIEW[party as View['party']] as Schema;
    const read = readValue(schema, v);
    return read === REFUSED ? undefined : viewToWire(read as View);
  } catch {
    return undefined;
  }
}

/** SHA-256 (lower-case hex) of the canonical JSON text of a view's wire form (`null` for no view). */
export function viewDigest(wire: Json): string {
  // node:crypto hashes the UTF-8 of the text in C: the recorder digests every party's view after
  // every step, and a pure-JavaScript SHA-256 was half of a vectors export's time.
  return createHash('sha256').update(canonicalJson(wire), 'utf8').digest('hex');
}

/** Everything observed after a step. */
export interface Observation {
  readonly digests: Digests;
  /** Full views by party key; a view that did not read as one is left out (its digest is null). */
  readonly views: Readonly<Record<string, Json>>;
  /** The abstract state in wire form, undefined when the hypervisor's view did not read. */
  readonly state: Json | undefined;
}

/** Observes `party` on `sut`: its view's wire form, or undefined when it threw or is not a view of that party. */
function look(sut: SyncSystemUnderTest, party: Party): Json | undefined {
  try {
    const w = viewWire(sut.observe(party));
    return w === null || (w as { party?: unknown } | undefined)?.party === party.kind ? w : undefined;
  } catch {
    return undefined;
  }
}

/** Observes every party that exists on `sut`, with digests and the abstract state. */
export function observeAll(sut: SyncSystemUnderTest): Observation {
  const hvWire = look(sut, { kind: 'hypervisor' });
  // The wire form of the hypervisor's view keeps IDs and counts as numbers: read the lists from it.
  const hv = hvWire === undefined || hvWire === null ? undefined : (hvWire as unknown as HypervisorWire);
  const digests: Record<string, string | null> = {};
  const views: Record<string, Json> = {};
  const owners = new Map<number, { verifyFailure: string | null } | null>();
  for (const p of partiesOf(hv)) {
    const w = p.kind === 'hypervisor' ? hvWire : look(sut, p);
    const key = partyKey(p);
    digests[key] = w === undefined ? null : viewDigest(w);
    if (w !== undefined) views[key] = w;
    if (p.kind === 'owner') owners.set(p.guest, w === undefined || w === null ? null : (w as { verifyFailure: string | null }));
  }
  return { digests, views, state: hv === undefined ? undefined : abstractState(hv, owners) };
}

/** What the abstract state reads of the hypervisor view's wire form. */
interface HypervisorWire {
  readonly guests: readonly { readonly id: number; readonly machine: number; readonly memoryPages: number; readonly phase: string; readonly header: string | null; readonly unpackedPages: number }[];
  readonly adapters: readonly { readonly id: number; readonly machine: number; readonly boundGuest: number | null }[];
}

/** The abstract state ({@link ABSTRACT_STATE}) from the hypervisor's view and the owners'. */
function abstractState(hv: HypervisorWire, owners: ReadonlyMap<number, { verifyFailure: string | null } | null>): Json {
  const guests = [...hv.guests]
    .sort((a, b) => a.id - b.id)
    .map((g) => ({
      id: g.id,
      machine: g.machine,
      phase: g.phase,
      memoryPages: g.memoryPages,
      unpackedPages: g.unpackedPages,
      header: g.header !== null,
      verifyFailure: owners.get(g.id)?.verifyFailure ?? null,
    }));
  const adapters = [...hv.adapters].sort((a, b) => a.id - b.id).map((a) => ({ id: a.id, machine: a.machine, boundGuest: a.boundGuest }));
  return toWire(ABSTRACT_STATE, { guests, adapters } as never);
}
