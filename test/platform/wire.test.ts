// The canonical wire form of the platform's interface: encode → JSON text → decode is the
// identity for every action kind, every outcome, every party, every view (of worlds stepped by
// honest and random actions) and the configuration; the spelling is canonical (keys in schema
// order, re-encoding gives the same text); the decoders reject what they cannot read, naming
// the path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { t, type Json } from '../../model/core/schema.js';
import { driveHonest, type HonestCall } from '../../model/image-unpack/honest-driver.js';
import {
  ACTION_KINDS,
  ACTION_SPECS,
  ALL_REJECTIONS,
  PARTY,
  VIEW,
  WORLD_CONFIG,
  actionFromWire,
  actionToWire,
  configFromWire,
  configToWire,
  initialWorld,
  jsonSchemas,
  outcomeFromWire,
  outcomeToWire,
  partyFromWire,
  partyToWire,
  step,
  viewFromWire,
  viewOf,
  viewToWire,
  type Action,
  type ActionKind,
  type Party,
  type PlatformOutcome,
  type View,
  type World,
  type WorldConfig,
} from '../../model/platform/index.js';
import { arbAction, arbActionOf, arbOf } from '../../properties/arbitraries.js';
import { CONFIG, MACHINE, OTHER_MACHINE, SUITE, arbImage } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_RUNS } from '../runs.js';

/** Through JSON text, as an adapter would send it. */
const viaText = (j: Json): unknown => JSON.parse(JSON.stringify(j));

function decoded<T>(r: { ok: true; value: T } | { ok: false; error: { path: string; message: string } }): T {
  if (!r.ok) throw new Error(`did not decode: ${r.error.path}: ${r.error.message}`);
  return r.value;
}

describe('actions: encode → decode is the identity, and the spelling is canonical', () => {
  for (const kind of ACTION_KINDS) {
    it(kind, () => {
      const spec = ACTION_SPECS.find((s) => s.kind === kind);
      fc.assert(
        fc.property(arbActionOf(kind), (a) => {
          const wire = actionToWire(a);
          const text = JSON.stringify(wire);
          const back = decoded(actionFromWire(JSON.parse(text)));
          expect(back).toEqual(a);
          // One spelling: re-encoding the decoded value gives the same text.
          expect(JSON.stringify(actionToWire(back))).toBe(text);
          // `kind` first, then the fields in the order of the spec.
          expect(Object.keys(wire as object)).toEqual(['kind', ...Object.keys(spec?.fields ?? {})]);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    });
  }

  it('u64 fields are 0x hex without leading zeros; bytes are lower-case hex', () => {
    const a: Action = { kind: 'unpack', guest: 1, address: 0x1000n, tweak: Uint8Array.from({ length: 16 }, (_, i) => i * 17), page: new Uint8Array(4096) };
    const w = actionToWire(a) as Record<string, Json>;
    expect(w['address']).toBe('0x1000');
    expect(w['tweak']).toBe('00112233445566778899aabbccddeeff');
    expect(actionToWire({ ...a, address: 0n }) as Record<string, Json>).toMatchObject({ address: '0x0' });
    expect(actionToWire({ ...a, address: (1n << 64n) - 1n }) as Record<string, Json>).toMatchObject({ address: '0xffffffffffffffff' });
  });

  it('decoded bytes are fresh Uint8Arrays, not views of anything shared', () => {
    fc.assert(
      fc.property(arbActionOf('unpack'), (a) => {
        const back = decoded(actionFromWire(viaText(actionToWire(a)))) as Extract<Action, { kind: 'unpack' }>;
        expect(Object.getPrototypeOf(back.page)).toBe(Uint8Array.prototype);
        expect(back.page.byteOffset).toBe(0);
        expect(back.page.buffer.byteLength).toBe(back.page.length);
      }),
      { numRuns: 20 },
    );
  });
});

describe('outcomes: encode → decode is the identity', () => {
  for (const kind of ACTION_KINDS) {
    it(`accepted ${kind}, with its response schema`, () => {
      const spec = ACTION_SPECS.find((s) => s.kind === kind);
      const arbResponse = arbOf(t.object(spec?.response ?? {})) as fc.Arbitrary<Record<string, unknown>>;
      fc.assert(
        fc.property(arbResponse, (response) => {
          const o: PlatformOutcome = { kind: 'accepted', response };
          const text = JSON.stringify(outcomeToWire(kind, o));
          expect(decoded(outcomeFromWire(kind, JSON.parse(text)))).toEqual(o);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('rejected, with every code and requirement of every table, for every kind', () => {
    for (const kind of ACTION_KINDS) {
      for (const row of ALL_REJECTIONS) {
        const o: PlatformOutcome = { kind: 'rejected', code: row.code, requirement: row.requirement };
        const wire = outcomeToWire(kind, o);
        expect(Object.keys(wire as object)).toEqual(['kind', 'code', 'requirement']);
        expect(decoded(outcomeFromWire(kind, viaText(wire)))).toEqual(o);
      }
    }
  });

  it('the outcomes of real steps round-trip', () => {
    fc.assert(
      fc.property(fc.array(arbAction(), { maxLength: 12 }), (actions) => {
        let w = world();
        for (const a of actions) {
          const s = step(w, a);
          w = s.state;
          expect(decoded(outcomeFromWire(a.kind, viaText(outcomeToWire(a.kind, s.outcome))))).toEqual(s.outcome);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('parties and views: encode → decode is the identity', () => {
  it('every party', () => {
    for (const [kind, s] of Object.entries(PARTY)) {
      fc.assert(
        fc.property(arbOf(s) as fc.Arbitrary<Party>, (p) => {
          expect(p.kind).toBe(kind);
          expect(decoded(partyFromWire(viaText(partyToWire(p))))).toEqual(p);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('every view shape, with arbitrary contents', () => {
    for (const [party, s] of Object.entries(VIEW)) {
      fc.assert(
        fc.property(arbOf(s) as fc.Arbitrary<View>, (v) => {
          const text = JSON.stringify(viewToWire(v));
          const back = decoded(viewFromWire(party as View['party'], JSON.parse(text)));
          expect(back).toEqual(v);
          expect(JSON.stringify(viewToWire(back))).toBe(text);
        }),
        { numRuns: 50 },
      );
    }
  });

  /** Every party of a world: the hypervisor, guests and owners 0-4, adapters 0-1, manager, client. */
  const parties: Party[] = [
    { kind: 'hypervisor' },
    ...[0, 1, 2, 3, 4].flatMap((guest): Party[] => [
      { kind: 'guest', guest },
      { kind: 'owner', guest },
    ]),
    { kind: 'adapter', adapter: 0 },
    { kind: 'adapter', adapter: 1 },
    { kind: 'host-manager' },
    { kind: 'client' },
  ];

  it("every party's view of worlds stepped by honest runs and random actions", () => {
    const arbRun = fc.record({
      image: arbImage,
      machine: fc.constantFrom(MACHINE, OTHER_MACHINE),
      // How far the honest run gets before the random actions: 0 = only create-guest.
      cut: fc.nat(20),
      before: fc.array(arbAction(), { maxLength: 4 }),
      after: fc.array(arbAction(), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(arbRun, ({ image, machine, cut, before, after }) => {
        let w = world();
        for (const a of before) w = step(w, a).state;
        let calls = 0;
        driveHonest(
          (a: HonestCall) => {
            // Stop the honest run after `cut` calls: later calls are answered without stepping.
            if (calls++ > cut) return { kind: 'rejected', code: 'CUT', requirement: 'REQ-TEST-1' };
            const s = step(w, a);
            w = s.state;
            return s.outcome;
          },
          machine,
          image.memoryPages,
          image,
        );
        for (const a of after) w = step(w, a).state;
        for (const p of parties) {
          const v = viewOf(w, p);
          if (v === null) continue;
          const text = JSON.stringify(viewToWire(v));
          const back = decoded(viewFromWire(p.kind, JSON.parse(text)));
          expect(back).toEqual(v);
          expect(JSON.stringify(viewToWire(back))).toBe(text);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('the views of a started guest', () => {
  it('round-trip, secure memory included', () => {
    const [image] = fc.sample(arbImage, { seed: 6, numRuns: 1 });
    if (image === undefined) throw new Error('no image');
    let w = world();
    const run = driveHonest(
      (a: HonestCall) => {
        const s = step(w, a);
        w = s.state;
        return s.outcome;
      },
      MACHINE,
      image.memoryPages,
      image,
    );
    expect(run.rejected).toBeNull();
    const guest = viewOf(w, { kind: 'guest', guest: run.guest ?? 0 });
    expect(guest).toMatchObject({ party: 'guest', phase: 'running' });
    for (const p of [{ kind: 'hypervisor' }, { kind: 'guest', guest: run.guest ?? 0 }, { kind: 'owner', guest: run.guest ?? 0 }] as const) {
      const v = viewOf(w, p) as View;
      expect(decoded(viewFromWire(p.kind, viaText(viewToWire(v))))).toEqual(v);
    }
  });
});

describe('the configuration: encode → decode is the identity', () => {
  it('the properties\' configuration', () => {
    expect(decoded(configFromWire(viaText(configToWire(CONFIG))))).toEqual(CONFIG);
  });

  it('any configuration of the schema', () => {
    fc.assert(
      fc.property(arbOf(WORLD_CONFIG) as fc.Arbitrary<WorldConfig>, (c) => {
        const text = JSON.stringify(configToWire(c));
        expect(decoded(configFromWire(JSON.parse(text)))).toEqual(c);
      }),
      { numRuns: 50 },
    );
  });
});

describe('decoders reject malformed JSON with the path of the field', () => {
  const unpack = (over: Record<string, unknown>): Record<string, unknown> => ({
    kind: 'unpack',
    guest: 1,
    address: '0x1000',
    tweak: '00'.repeat(16),
    page: '00'.repeat(4096),
    ...over,
  });
  const cases: [string, unknown, string, RegExp][] = [
    ['a u64 with a leading zero', unpack({ address: '0x01000' }), '$.address', /without leading zeros/],
    ['a u64 of two zeros', unpack({ address: '0x00' }), '$.address', /without leading zeros/],
    ['a u64 with upper-case digits', unpack({ address: '0x1A000' }), '$.address', /lower-case/],
    ['a u64 with an upper-case prefix', unpack({ address: '0X1000' }), '$.address', /0x/],
    ['a u64 of more than 16 hex digits', unpack({ address: '0x10000000000000000' }), '$.address', /up to 16/],
    ['a u64 without its prefix', unpack({ address: '1000' }), '$.address', /0x/],
    ['a u64 as a JSON number', unpack({ address: 4096 }), '$.address', /0x/],
    ['a negative u64', unpack({ address: '-0x1000' }), '$.address', /0x/],
    ['a u64 with nothing after 0x', unpack({ address: '0x' }), '$.address', /0x/],
    ['bytes in upper-case hex', unpack({ tweak: 'AB'.repeat(16) }), '$.tweak', /lower-case hex/],
    ['bytes of odd length', unpack({ tweak: 'abc' }), '$.tweak', /even length/],
    ['bytes with a non-hex digit', unpack({ page: `${'00'.repeat(4095)}0g` }), '$.page', /lower-case hex/],
    ['bytes as an array of numbers', unpack({ tweak: [1, 2, 3] }), '$.tweak', /hex string/],
    ['a negative ID', unpack({ guest: -1 }), '$.guest', /non-negative/],
    ['a non-integer ID', unpack({ guest: 1.5 }), '$.guest', /non-negative safe integer/],
    ['an ID beyond 2^53', unpack({ guest: 2 ** 53 }), '$.guest', /safe integer/],
    ['an ID as a string', unpack({ guest: '1' }), '$.guest', /integer/],
    ['a non-integer int', { kind: 'create-guest', machine: 0, memoryPages: 1.5 }, '$.memoryPages', /safe integer/],
    ['an extra field', unpack({ extra: 1 }), '$', /unexpected field 'extra'/],
    ['a __proto__ field', JSON.parse('{"kind":"verify","guest":1,"__proto__":{"x":1}}'), '$', /unexpected field '__proto__'/],
    ['a missing field', { kind: 'verify' }, '$', /missing field 'guest'/],
    ['an unknown kind', { kind: 'frobnicate', guest: 1 }, '$.kind', /unknown action kind "frobnicate"/],
    ['no kind', { guest: 1 }, '$.kind', /unknown action kind/],
    ['an array', [], '$.kind', /unknown action kind/],
    ['null', null, '$.kind', /unknown action kind/],
  ];
  for (const [what, json, path, message] of cases) {
    it(`an action with ${what}`, () => {
      const r = actionFromWire(json);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.path).toBe(path);
        expect(r.error.message).toMatch(message);
      }
    });
  }

  it('a nested field of a view, by its path', () => {
    const v = viewToWire(viewOf(world(), { kind: 'hypervisor' }) as View) as Record<string, Json>;
    const bad = { ...v, machines: [{ id: 0, hostKeyHashes: ['00'.repeat(32), 'XY'] }] };
    expect(viewFromWire('hypervisor', bad)).toEqual({ ok: false, error: { path: '$.machines[0].hostKeyHashes[1]', message: 'expected a lower-case hex string of even length' } });
    const phase = { ...v, guests: [{ id: 1, machine: 0, memoryPages: 4, phase: 'asleep', header: null, unpackedPages: 0 }] };
    const r = viewFromWire('hypervisor', phase);
    expect(r.ok ? '' : r.error.path).toBe('$.guests[0].phase');
    expect(viewFromWire('hypervisor', { ...v, party: 'guest' })).toMatchObject({ ok: false, error: { path: '$.party' } });
  });

  it('outcomes: an unknown requirement form, a response field the kind does not have, a missing code', () => {
    expect(outcomeFromWire('verify', { kind: 'rejected', code: 'X', requirement: 'nope' })).toMatchObject({ ok: false, error: { path: '$.requirement' } });
    expect(outcomeFromWire('verify', { kind: 'accepted', response: { guest: 1 } })).toMatchObject({ ok: false, error: { path: '$.response', message: "unexpected field 'guest'" } });
    expect(outcomeFromWire('create-guest', { kind: 'accepted', response: {} })).toMatchObject({ ok: false, error: { path: '$.response', message: "missing field 'guest'" } });
    expect(outcomeFromWire('verify', { kind: 'rejected', requirement: 'REQ-UNPACK-2' })).toMatchObject({ ok: false, error: { message: "missing field 'code'" } });
  });

  it('parties and configurations', () => {
    expect(partyFromWire({ kind: 'constructor' })).toMatchObject({ ok: false, error: { path: '$.kind' } });
    expect(partyFromWire({ kind: 'guest', guest: -3 })).toMatchObject({ ok: false, error: { path: '$.guest' } });
    const c = configToWire(CONFIG) as { machines: Record<string, Json>[] };
    const upper = { ...c, machines: [{ ...c.machines[0], hostKeys: [String((c.machines[0]?.['hostKeys'] as string[])[0]).toUpperCase()] }] };
    expect(configFromWire(upper)).toMatchObject({ ok: false, error: { path: '$.machines[0].hostKeys[0]' } });
    expect(configFromWire({ ...c, suite: 'openssl' })).toMatchObject({ ok: false, error: { path: '$.suite', message: 'expected one of noble, node' } });
  });

  it('a decoder never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom<ActionKind>(...ACTION_KINDS), fc.constantFrom<View['party']>('hypervisor', 'guest', 'owner'), (j, kind, party) => {
        actionFromWire(j);
        outcomeFromWire(kind, j);
        viewFromWire(party, j);
        partyFromWire(j);
        configFromWire(j);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

/** The properties' world: machines 0 and 1, no guests. */
function world(): World {
  const r = initialWorld(CONFIG, { suite: SUITE });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/**
 * A validator for the part of JSON Schema draft 2020-12 that `jsonSchemaOf` emits (type,
 * pattern, length and number bounds, enum, anyOf, oneOf, items, properties, required,
 * additionalProperties): enough to check that every wire value is an instance of its published
 * schema, without a validator dependency. Returns the path of the first violation, or null.
 */
function violation(schema: Readonly<Record<string, unknown>>, v: unknown, path = '$'): string | null {
  const type = schema['type'];
  if (type !== undefined) {
    const is =
      type === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v)
      : type === 'array' ? Array.isArray(v)
      : type === 'integer' ? Number.isInteger(v)
      : type === 'null' ? v === null
      : typeof v === type;
    if (!is) return `${path}: not ${String(type)}`;
  }
  if (typeof v === 'string') {
    const pattern = schema['pattern'];
    if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(v)) return `${path}: does not match ${pattern}`;
    if (typeof schema['minLength'] === 'number' && v.length < schema['minLength']) return `${path}: too short`;
    if (typeof schema['maxLength'] === 'number' && v.length > schema['maxLength']) return `${path}: too long`;
  }
  if (typeof v === 'number') {
    if (typeof schema['minimum'] === 'number' && v < schema['minimum']) return `${path}: below minimum`;
    if (typeof schema['maximum'] === 'number' && v > schema['maximum']) return `${path}: above maximum`;
  }
  const en = schema['enum'];
  if (Array.isArray(en) && !en.includes(v)) return `${path}: not one of ${en.join(', ')}`;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf) && !anyOf.some((s) => violation(s as Record<string, unknown>, v, path) === null)) return `${path}: matches no anyOf branch`;
  const oneOf = schema['oneOf'];
  if (Array.isArray(oneOf)) {
    const n = oneOf.filter((s) => violation(s as Record<string, unknown>, v, path) === null).length;
    if (n !== 1) return `${path}: matches ${n} oneOf branches`;
  }
  if (Array.isArray(v) && schema['items'] !== undefined) {
    for (const [i, x] of v.entries()) {
      const e = violation(schema['items'] as Record<string, unknown>, x, `${path}[${i}]`);
      if (e !== null) return e;
    }
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const r of (schema['required'] ?? []) as string[]) if (!Object.prototype.hasOwnProperty.call(v, r)) return `${path}: missing ${r}`;
    for (const [k, x] of Object.entries(v)) {
      const s = props[k];
      if (s === undefined) {
        if (schema['additionalProperties'] === false) return `${path}: unexpected ${k}`;
      } else {
        const e = violation(s, x, `${path}.${k}`);
        if (e !== null) return e;
      }
    }
  }
  return null;
}

describe('every wire value is an instance of its published JSON Schema (docs/schema/)', () => {
  const schemas = jsonSchemas();

  it('actions of every kind', () => {
    fc.assert(
      fc.property(arbAction(), (a) => {
        expect(violation(schemas.action, viaText(actionToWire(a)))).toBeNull();
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('parties, views and configurations', () => {
    for (const s of Object.values(PARTY)) fc.assert(fc.property(arbOf(s), (p) => {
      expect(violation(schemas.party, viaText(partyToWire(p as Party)))).toBeNull();
    }), { numRuns: 30 });
    for (const s of Object.values(VIEW)) fc.assert(fc.property(arbOf(s), (v) => {
      expect(violation(schemas.view, viaText(viewToWire(v as View)))).toBeNull();
    }), { numRuns: 30 });
    fc.assert(fc.property(arbOf(WORLD_CONFIG), (c) => {
      expect(violation(schemas.config, viaText(configToWire(c as WorldConfig)))).toBeNull();
    }), { numRuns: 30 });
    expect(violation(schemas.config, viaText(configToWire(CONFIG)))).toBeNull();
  });

  it('outcomes: each matches the branch of its kind (accepted) or the rejected branch', () => {
    const branches = (schemas.outcome['oneOf'] as Record<string, unknown>[]) ?? [];
    for (const kind of ACTION_KINDS) {
      const spec = ACTION_SPECS.find((s) => s.kind === kind);
      const accepted = branches.find((b) => b['title'] === `accepted ${kind}`) ?? {};
      fc.assert(
        fc.property(arbOf(t.object(spec?.response ?? {})), (response) => {
          const o: PlatformOutcome = { kind: 'accepted', response: response as Record<string, unknown> };
          expect(violation(accepted, viaText(outcomeToWire(kind, o)))).toBeNull();
        }),
        { numRuns: 20 },
      );
    }
    const rejected = branches.find((b) => b['title'] === 'rejected') ?? {};
    for (const row of ALL_REJECTIONS) expect(violation(rejected, viaText(outcomeToWire('verify', { kind: 'rejected', code: row.code, requirement: row.requirement })))).toBeNull();
  });

  // Kinds whose responses have the same shape share one accepted branch, so that exactly one
  // branch of the oneOf matches.
  it('outcomes: exactly one oneOf branch of outcome.json matches an accepted verify', () => {
    expect(violation(schemas.outcome, viaText(outcomeToWire('verify', { kind: 'accepted', response: {} })))).toBeNull();
  });

  it('the schemas describe the wire, not only well-formed values: a byte field of another length is inside them, and decodes', () => {
    const short = { kind: 'unpack', guest: 1, address: '0x0', tweak: '00', page: '00'.repeat(4096) };
    expect(violation(schemas.action, short)).toBeNull();
    expect(actionFromWire(short).ok).toBe(true);
  });
});
