// The secure-dump handlers on worlds built directly (model-only): a dump through the four calls
// opens to the guest at dump-init, registers included; what changes afterwards is not in it;
// shared pages are dumped as shared; real-mode CPU notes get fresh IVs, seed-mode ones do not;
// complete ends the dump; refusals leave the world as it was.
import { Map as PMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../model/core/bytes.js';
import { honestCalls } from '../../model/image-unpack/honest-driver.js';
import { initialWorld, step, viewOf, type Action, type World } from '../../model/platform/index.js';
import { assembleDump } from '../../model/se-format/dump-elf.js';
import { openDump } from '../../model/se-format/dump-open.js';
import { DUMP_CONFIG, dumpImage, OWNER_KEY } from '../../properties/secure-dump/fixtures.js';
import { MACHINE } from '../../properties/image-unpack/fixtures.js';
import { PROPERTY_SUITE } from '../../properties/suite.js';

const image = dumpImage(true, 1);

/** A world with a running guest of `pages` pages booted from the dump test image; and its ID. */
function running(pages = image.minPages + 2): [World, number] {
  const r = initialWorld(DUMP_CONFIG, { suite: PROPERTY_SUITE });
  if (!r.ok) throw new Error(r.error.message);
  let w = r.value;
  const s = step(w, { kind: 'create-guest', machine: MACHINE, memoryPages: pages });
  w = s.state;
  const id = s.outcome.kind === 'accepted' ? (s.outcome.response['guest'] as number) : -1;
  for (const a of honestCalls(id, image)) {
    const t = step(w, a);
    if (t.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${t.outcome.code}`);
    w = t.state;
  }
  return [w, id];
}

function apply(w: World, a: Action): [World, Record<string, Uint8Array>] {
  const s = step(w, a);
  if (s.outcome.kind !== 'accepted') throw new Error(`${a.kind}: ${s.outcome.code}`);
  return [s.state, s.outcome.response as Record<string, Uint8Array>];
}

/** Runs a whole dump of `guest` (`edit` applied to the world right after init); the file. */
function dump(w0: World, guest: number, mode: 'real' | 'seed', edit: (w: World) => World = (w) => w): { file: Uint8Array; world: World } {
  let [w] = apply(w0, { kind: 'dump-init', guest, mode });
  w = edit(w);
  const pages = w.guests.get(guest)?.memoryPages ?? 0;
  const slots: Uint8Array[] = [];
  const metas: Uint8Array[] = [];
  for (let a = 0n; a < BigInt(pages * PAGE_SIZE); a += 1n << 20n) {
    const [w2, r] = apply(w, { kind: 'dump-storage-state', guest, address: a });
    w = w2;
    slots.push(r['pages'] as Uint8Array);
    metas.push(r['meta'] as Uint8Array);
  }
  const [w3, cpu] = apply(w, { kind: 'dump-cpu', guest, cpu: 0 });
  const [w4, done] = apply(w3, { kind: 'dump-complete', guest });
  const meta = Uint8Array.from(metas.flatMap((m) => [...m]));
  return { file: assembleDump({ cpuNotes: [cpu['note'] as Uint8Array], slots, meta, completion: done['completion'] as Uint8Array }), world: w4 };
}

const keyOf = (mode: 'real' | 'seed') => (mode === 'real' ? { cck: image.cck } : { ownerPrivateKey: OWNER_KEY });

describe('secure-dump handlers', () => {
  it.each(['real', 'seed'] as const)('%s mode: the dump opens to the guest at dump-init, registers included; later changes are not in it', (mode) => {
    const [w0, g] = running();
    const guest = w0.guests.get(g);
    if (guest === undefined) throw new Error('no guest');
    const registers = Array.from({ length: 16 }, (_, i) => 0x1111_0000_0000_0000n * BigInt(i % 15) + BigInt(i));
    const shared = new Uint8Array(PAGE_SIZE).fill(0x5a);
    const sharedPage = image.minPages + 1;
    const w1: World = {
      ...w0,
      guests: w0.guests.set(g, { ...guest, cpu: { ...guest.cpu, registers, prefix: 0x7e000 } }),
      hypervisor: { ...w0.hypervisor, nonSecureMemory: w0.hypervisor.nonSecureMemory.set(g, PMap([[sharedPage, shared]])) },
    };
    const before = w1.guests.get(g)?.memory;
    const { file, world } = dump(w1, g, mode, (w) => {
      const x = w.guests.get(g);
      if (x === undefined) return w;
      // After init: the guest's first page and its registers change; the dump must not show it.
      return { ...w, guests: w.guests.set(g, { ...x, memory: x.memory.set(0, new Uint8Array(PAGE_SIZE).fill(1)), cpu: { ...x.cpu, registers: registers.map(() => 0n) } }) };
    });
    const r = openDump(PROPERTY_SUITE, file, keyOf(mode));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.cpus[0]?.gprs).toEqual(registers);
    expect(r.value.cpus[0]?.prefix).toBe(0x7e000);
    expect(r.value.cpus[0]?.psw).toEqual(guest.cpu.psw);
    // What the model does not track is zero (and the OS-intervention flag off).
    expect([r.value.cpus[0]?.timer, r.value.cpus[0]?.todcmp, r.value.cpus[0]?.osii]).toEqual([0n, 0n, false]);
    for (let p = 0; p < guest.memoryPages; p++) {
      const want = before?.get(p) ?? (p === sharedPage ? shared : new Uint8Array(PAGE_SIZE));
      expect(Buffer.from(r.value.memory.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE)).equals(Buffer.from(want)), `page ${p}`).toBe(true);
      expect(r.value.pageStates[p]).toBe(before?.has(p) === true ? 'enc' : p === sharedPage ? 'shared' : 'zero');
    }
    expect(world.guests.get(g)?.slices.dump).toEqual({ active: null, completed: 1 });
  });

  it('real-mode CPU notes draw a fresh IV each call; seed-mode notes repeat', () => {
    const [w0, g] = running();
    const notes = (mode: 'real' | 'seed') => {
      let [w] = apply(w0, { kind: 'dump-init', guest: g, mode });
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [w2, r] = apply(w, { kind: 'dump-cpu', guest: g, cpu: 0 });
        w = w2;
        out.push(Buffer.from(r['note'] as Uint8Array).toString('hex'));
      }
      return new Set(out).size;
    };
    expect(notes('real')).toBe(3);
    expect(notes('seed')).toBe(1);
  });

  it("seed-mode CPU notes and completion draw nothing from the firmware's generator; real-mode ones draw their IVs", () => {
    const [w0, g] = running();
    const rngAfter = (mode: 'real' | 'seed') => {
      const [w] = apply(w0, { kind: 'dump-init', guest: g, mode });
      const before = w.machines.get(MACHINE)?.firmware.rng;
      const [w2] = apply(w, { kind: 'dump-cpu', guest: g, cpu: 0 });
      const afterCpu = w2.machines.get(MACHINE)?.firmware.rng;
      const [w3] = apply(w2, { kind: 'dump-complete', guest: g });
      return [before === afterCpu, afterCpu === w3.machines.get(MACHINE)?.firmware.rng];
    };
    expect(rngAfter('seed')).toEqual([true, true]);
    expect(rngAfter('real')).toEqual([false, false]);
  });

  it('a guest of more than 1 MiB dumps in chunks of 256 pages, the last one shorter', () => {
    const [w0, g] = running(256 + 3);
    let [w] = apply(w0, { kind: 'dump-init', guest: g, mode: 'real' });
    const [w2, first] = apply(w, { kind: 'dump-storage-state', guest: g, address: 0n });
    const [, second] = apply(w2, { kind: 'dump-storage-state', guest: g, address: 1n << 20n });
    w = w2;
    expect([first['pages']?.length, first['meta']?.length, second['pages']?.length, second['meta']?.length]).toEqual([256 * PAGE_SIZE, 256 * 16, 3 * PAGE_SIZE, 3 * 16]);
    const past = step(w, { kind: 'dump-storage-state', guest: g, address: 2n << 20n });
    expect(past.outcome.kind === 'rejected' ? past.outcome.code : 'accepted').toBe('ADDRESS_OUT_OF_RANGE');
    expect(past.state).toBe(w);
  });

  it('the first address past a guest of exactly 1 MiB is out of range', () => {
    const [w0, g] = running(256);
    const [w] = apply(w0, { kind: 'dump-init', guest: g, mode: 'real' });
    const past = step(w, { kind: 'dump-storage-state', guest: g, address: 1n << 20n });
    expect(past.outcome.kind === 'rejected' ? past.outcome.code : 'accepted').toBe('ADDRESS_OUT_OF_RANGE');
  });

  it("the hypervisor's view holds each blob a dump call answered, byte for byte, whatever the caller does with its answer", () => {
    for (const mode of ['real', 'seed'] as const) {
      // A guest with secure pages and never-written (zero) ones, dumped in two chunks.
      const [w0, g] = running(256 + 3);
      let [w] = apply(w0, { kind: 'dump-init', guest: g, mode });
      const answered: Uint8Array[] = [];
      for (const a of [
        { kind: 'dump-storage-state', guest: g, address: 0n },
        { kind: 'dump-storage-state', guest: g, address: 1n << 20n },
        { kind: 'dump-cpu', guest: g, cpu: 0 },
        { kind: 'dump-complete', guest: g },
      ] as Action[]) {
        const [next, r] = apply(w, a);
        w = next;
        for (const v of Object.values(r)) {
          answered.push(Uint8Array.from(v));
          v.fill(0xee); // the caller's to change
        }
      }
      const view = viewOf(w, { kind: 'hypervisor' });
      const dumps = view !== null && view.party === 'hypervisor' ? view.dumps : [];
      expect(dumps.map((d) => Buffer.from(d.bytes).toString('hex')), mode).toEqual(answered.map((b) => Buffer.from(b).toString('hex')));
    }
  });

  it('every refusal leaves the world as it was', () => {
    const [w0, g] = running();
    for (const a of [
      { kind: 'dump-storage-state', guest: g, address: 0n },
      { kind: 'dump-cpu', guest: g, cpu: 0 },
      { kind: 'dump-complete', guest: g },
      { kind: 'dump-init', guest: 99, mode: 'real' },
    ] as Action[]) {
      const s = step(w0, a);
      expect(s.outcome.kind, a.kind).toBe('rejected');
      expect(s.state).toBe(w0);
    }
    const [w1] = apply(w0, { kind: 'dump-init', guest: g, mode: 'seed' });
    for (const a of [{ kind: 'dump-init', guest: g, mode: 'real' }, { kind: 'dump-cpu', guest: g, cpu: 1 }, { kind: 'dump-cpu', guest: g, cpu: -1 }, { kind: 'dump-storage-state', guest: g, address: 4096n }] as Action[]) {
      const s = step(w1, a);
      expect(s.outcome.kind, a.kind).toBe('rejected');
      expect(s.state).toBe(w1);
    }
  });
});
