// The handlers of mechanism 7 on worlds built directly (model-only): the exact bytes of the
// interception block for each kind of row, the renumbering, 64-bit address and PSW arithmetic,
// writes across pages, the notification's completion, and the release of a destroyed guest's block.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../model/platform/index.js';
import { blobHex, codeOf, intcpWorld, run } from './world.js';

const reg = (n: bigint): string => n.toString(16).padStart(16, '0');
const zeros = (n: number): string => '00'.repeat(n);
const area = (slots: Record<number, bigint>): string => Array.from({ length: 16 }, (_, i) => reg(slots[i] ?? 0n)).join('');
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const load = (registers: bigint[]): Action => ({ kind: 'guest-load-registers', guest: 1, registers });
const exec = (hex: string): Action => ({ kind: 'guest-execute', guest: 1, text: bytes(hex) });
const resume = (r: { cc?: number | null; registers?: string; data?: string; exception?: 'specification' | 'operand' | null }): Action => ({
  kind: 'resume-guest',
  guest: 1,
  cc: r.cc ?? null,
  registers: bytes(r.registers ?? area({})),
  data: bytes(r.data ?? ''),
  exception: r.exception ?? null,
});

describe('guest-execute', () => {
  it('hands a SERVICE CALL over as r1 renumbered to 1 and the SCCB, not its address', () => {
    const regs = Array.from({ length: 16 }, (_, i) => BigInt(0x1000 + i));
    regs[9] = 0x2010n;
    const { world, outcomes } = run(intcpWorld(), [
      { kind: 'guest-store', guest: 1, address: 0x2010n, bytes: bytes('000c0000aabbccdd11223344') },
      load(regs),
      exec('b2200079'),
    ]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(blobHex(world, 1)).toBe(`6800b220${'00120000'}${area({ 1: 0x1007n })}000c0000aabbccdd11223344`);
  });

  it('hands STSI GR0 and GR1 and an empty data area over, and takes back GR0, the page and the condition code', () => {
    const regs = Array.from({ length: 16 }, (_, i) => (BigInt(i + 1) << 32n) | 0xabn);
    regs[5] = 0x2f00n;
    const { world, outcomes } = run(intcpWorld(), [load(regs), exec('b27d5100')]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted']);
    expect(blobHex(world, 1)).toBe(`6800b27d00000000${area({ 0: regs[0] ?? 0n, 1: regs[1] ?? 0n })}`);
    const done = run(world, [resume({ cc: 3, registers: area({ 0: 0x30000000n, 1: regs[1] ?? 0n }), data: 'ab'.repeat(4096) })]);
    expect(done.outcomes.map(codeOf)).toEqual(['accepted']);
    const g = done.world.guests.get(1);
    expect(g?.cpu.registers).toEqual([0x30000000n, ...regs.slice(1)]);
    expect(g?.cpu.psw).toEqual({ mask: 3n << 44n, addr: 4n });
    expect(Buffer.from(g?.memory.get(3) ?? []).toString('hex')).toBe('ab'.repeat(4096));
    expect([...(g?.memory.keys() ?? [])]).toEqual([3]);
  });

  it('computes the S-format operand as base register plus displacement, modulo 2^64', () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[5] = (1n << 64n) - 0x100n;
    const wrapped = run(intcpWorld(), [load(regs), exec('b27d5100'), resume({ cc: 0, registers: area({}), data: 'cd'.repeat(4096) })]);
    expect(wrapped.outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(Buffer.from(wrapped.world.guests.get(1)?.memory.get(0) ?? []).toString('hex')).toBe('cd'.repeat(4096));
    regs[5] = (1n << 64n) - 0x1000n;
    expect(codeOf(run(intcpWorld(), [load(regs), exec('b27d5000')]).outcomes[1])).toBe('ADDRESSING_EXCEPTION');
    expect(codeOf(run(intcpWorld(), [load(regs), exec('b27d5008')]).outcomes[1])).toBe('SPECIFICATION_EXCEPTION');
    // Base register 0 means no base: the displacement alone, whatever GR0 holds.
    expect(codeOf(run(intcpWorld(), [load(regs), exec('b2100ffc')]).outcomes[1])).toBe('accepted');
    expect(codeOf(run(intcpWorld(), [load([2n, ...regs.slice(1)]), exec('b2100ffc')]).outcomes[1])).toBe('accepted');
    expect(codeOf(run(intcpWorld(), [load(regs), exec('b2100ffe')]).outcomes[1])).toBe('SPECIFICATION_EXCEPTION');
  });

  it('completes SET PREFIX itself: the prefix and PSW change at once in the shadow, and no result of the hypervisor applies', () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[7] = 0x3000n;
    const { world, outcomes } = run(intcpWorld(), [
      { kind: 'guest-store', guest: 1, address: 0x3ffcn, bytes: bytes('8000ffff') },
      load(regs),
      exec('b2107ffc'),
    ]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(blobHex(world, 1)).toBe(`6c00b21000000000${area({})}0000e000`);
    expect(world.guests.get(1)?.cpu.prefix).toBe(0);
    const after = run(world, [resume({ cc: 3, registers: area({ 3: 9n }), data: 'ff'.repeat(16) })]);
    expect(after.outcomes.map(codeOf)).toEqual(['accepted']);
    const cpu = after.world.guests.get(1)?.cpu;
    expect(cpu?.prefix).toBe(0xe000);
    expect(cpu?.psw).toEqual({ mask: 0n, addr: 4n });
    expect(cpu?.registers).toEqual(regs);
    expect(run(world, [resume({ exception: 'specification' })]).outcomes.map(codeOf)).toEqual(['EXCEPTION_NOT_ALLOWED']);
  });

  it('gives a specification exception for every DIAG 308 subcode no row lists, with no interception', () => {
    for (const sub of [2n, 4n, 7n, 8n, 9n, 10n, 11n, 1n << 40n]) {
      const regs = Array.from({ length: 16 }, () => 0n);
      regs[4] = sub;
      const { world, outcomes } = run(intcpWorld(), [load(regs), exec('83240308')]);
      expect(codeOf(outcomes[1]), String(sub)).toBe('SPECIFICATION_EXCEPTION');
      expect(world.hypervisor.interceptions.size).toBe(0);
    }
    // 0083…: a halfword opcode that equals DIAG's one-byte opcode is no DIAG.
    for (const text of ['83240309', '83241308', '8324f308', 'b2990000', '00000000', '00830308']) {
      expect(codeOf(run(intcpWorld(), [exec(text)]).outcomes[0]), text).toBe('UNKNOWN_INSTRUCTION');
    }
    expect(codeOf(run(intcpWorld(), [{ kind: 'guest-execute', guest: 1, text: bytes('b2200012aa') }]).outcomes[0])).toBe('UNKNOWN_INSTRUCTION');
  });

  it('stores the IPL parameter block of DIAG 308 subcode 6 at r1 and the response code in r2+1 (renumbered 5)', () => {
    const regs = Array.from({ length: 16 }, (_, i) => BigInt(0x100 + i));
    regs[10] = 0x4000n;
    regs[12] = 6n;
    const { world, outcomes } = run(intcpWorld(), [load(regs), exec('83ac0308')]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted']);
    expect(blobHex(world, 1)).toBe(`68008324${'03080000'}${area({ 4: 6n })}`);
    const refused = run(world, [resume({ registers: area({ 4: 6n, 6: 1n }), data: '11'.repeat(4096) }), resume({ cc: 0, registers: area({ 4: 6n, 5: 1n }), data: '11'.repeat(4096) })]);
    expect(refused.outcomes.map(codeOf)).toEqual(['REGISTER_OUTSIDE_FOOTPRINT', 'CC_NOT_ALLOWED']);
    const ok = run(world, [resume({ registers: area({ 4: 6n, 5: 0x0001n }), data: '11'.repeat(4096) })]);
    expect(ok.outcomes.map(codeOf)).toEqual(['accepted']);
    const g = ok.world.guests.get(1);
    expect(g?.cpu.registers[13]).toBe(1n);
    expect(g?.cpu.registers[12]).toBe(6n);
    expect(Buffer.from(g?.memory.get(4) ?? []).toString('hex')).toBe('11'.repeat(4096));
    expect(ok.world.hypervisor.interceptions.size).toBe(0);
  });
});

describe('guest-execute, control blocks', () => {
  it('reads an ORB that crosses a page boundary from both pages, and hands GR1 over', () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[1] = 0x0001_0005n;
    regs[6] = 0x1ff0n;
    const orb = Array.from({ length: 32 }, (_, i) => (i + 1).toString(16).padStart(2, '0')).join('');
    const { world, outcomes } = run(intcpWorld(), [{ kind: 'guest-store', guest: 1, address: 0x1ffcn, bytes: bytes(orb) }, load(regs), exec('b233600c')]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(blobHex(world, 1)).toBe(`6800b23300000000${area({ 1: 0x0001_0005n })}${orb}`);
    expect(run(world, [resume({ cc: 1, registers: area({ 1: 0x0001_0005n }) })]).world.guests.get(1)?.cpu.psw).toEqual({ mask: 1n << 44n, addr: 4n });
  });

  it('takes an IPL parameter block of 8 to 4096 bytes at a page boundary, its length in its first word', () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[2] = 0x3000n;
    regs[4] = 5n;
    for (const [length, code] of [[7, 'SPECIFICATION_EXCEPTION'], [8, 'accepted'], [4096, 'accepted'], [4097, 'SPECIFICATION_EXCEPTION']] as const) {
      const head = length.toString(16).padStart(8, '0');
      const s = run(intcpWorld(), [{ kind: 'guest-store', guest: 1, address: 0x3000n, bytes: bytes(head) }, load(regs), exec('83240308')]);
      expect(codeOf(s.outcomes[2]), String(length)).toBe(code);
      if (code === 'accepted') expect(blobHex(s.world, 1)).toBe(`68008324${'03080000'}${area({ 4: 5n })}${head}${zeros(length - 4)}`);
    }
    regs[2] = 0x3008n;
    expect(codeOf(run(intcpWorld(), [load(regs), exec('83240308')]).outcomes[1])).toBe('SPECIFICATION_EXCEPTION');
    // r2 odd (5), with a block the even form takes: the pair r2, r2+1 needs r2 even.
    regs[2] = 0x3000n;
    regs[5] = 5n;
    const block = { kind: 'guest-store', guest: 1, address: 0x3000n, bytes: bytes('00000008') } as const;
    expect(codeOf(run(intcpWorld(), [block, load(regs), exec('83250308')]).outcomes[2])).toBe('SPECIFICATION_EXCEPTION');
    expect(codeOf(run(intcpWorld(), [block, load(regs), exec('83240308')]).outcomes[2])).toBe('accepted');
  });

  it('loads only the registers given, and keeps the others', () => {
    const { world } = run(intcpWorld(), [load(Array.from({ length: 16 }, () => 9n)), load([1n, 2n])]);
    expect(world.guests.get(1)?.cpu.registers).toEqual([1n, 2n, ...Array.from({ length: 14 }, () => 9n)]);
  });

  it('decodes a block the view holds, and nothing shorter than its fixed part', async () => {
    const { decodeBlock } = await import('../../model/secure-interception/index.js');
    expect(decodeBlock(new Uint8Array(135))).toBeUndefined();
    const b = decodeBlock(bytes(`6c00b21000000000${area({ 2: 7n })}0000e000`));
    expect(b && { code: b.code, ipa: b.ipa, ipb: b.ipb, data: Buffer.from(b.data).toString('hex') }).toEqual({ code: 0x6c, ipa: 0xb210, ipb: 0, data: '0000e000' });
  });
});

describe('resume-guest', () => {
  const servc = (): ReturnType<typeof run> => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[3] = 0x2ff0n;
    regs[2] = 0x77n;
    return run(intcpWorld(), [{ kind: 'guest-store', guest: 1, address: 0x2ff0n, bytes: bytes('0010') }, load(regs), exec('b2200023')]);
  };

  it('writes the SCCB back, sets the condition code and moves the PSW past the instruction, modulo 2^64', () => {
    const base = servc().world;
    const g = base.guests.get(1);
    if (g === undefined) throw new Error('no guest');
    const w = { ...base, guests: base.guests.set(1, { ...g, slices: { ...g.slices, interception: { open: g.slices.interception.open && { ...g.slices.interception.open, shadow: { ...g.cpu, psw: { mask: 0xffff_ffff_ffff_ffffn, addr: (1n << 64n) - 2n } } } } } }) };
    const { world, outcomes } = run(w, [resume({ cc: 2, registers: area({ 1: 0x77n }), data: 'ee'.repeat(16) })]);
    expect(outcomes.map(codeOf)).toEqual(['accepted']);
    const after = world.guests.get(1);
    expect(after?.cpu.psw).toEqual({ mask: 0xffff_ffff_ffff_ffffn & ~(1n << 44n), addr: 2n });
    expect(Buffer.from(after?.memory.get(2)?.subarray(0xff0) ?? []).toString('hex')).toBe('ee'.repeat(16));
  });

  it('refuses each result outside the footprint and changes nothing', () => {
    const { world } = servc();
    for (const [r, code] of [
      [{ cc: 1, registers: area({ 1: 0x77n }), data: zeros(16) }, 'CC_NOT_ALLOWED'],
      [{ cc: null, registers: area({ 1: 0x77n }), data: zeros(16) }, 'CC_NOT_ALLOWED'],
      [{ cc: 0, registers: area({ 1: 0x78n }), data: zeros(16) }, 'REGISTER_OUTSIDE_FOOTPRINT'],
      [{ cc: 0, registers: area({ 1: 0x77n }).slice(2), data: zeros(16) }, 'REGISTER_OUTSIDE_FOOTPRINT'],
      [{ cc: 0, registers: area({ 1: 0x77n }), data: zeros(15) }, 'DATA_OUTSIDE_FOOTPRINT'],
      [{ cc: 0, registers: area({ 1: 0x77n }), data: zeros(16), exception: 'operand' }, 'EXCEPTION_NOT_ALLOWED'],
    ] as const) {
      const s = run(world, [resume(r)]);
      expect(codeOf(s.outcomes[0]), code).toBe(code);
      expect(s.world).toBe(world);
    }
  });

  it('suppresses the instruction for an exception it can raise: nothing applies, the PSW stays', () => {
    const regs = Array.from({ length: 16 }, () => 0n);
    regs[1] = 0x1_0000_0001n;
    regs[4] = 0x100n;
    const { world } = run(intcpWorld(), [load(regs), exec('b2334000')]);
    const s = run(world, [resume({ cc: 3, registers: area({ 1: 5n, 9: 9n }), data: 'ff', exception: 'operand' })]);
    expect(s.outcomes.map(codeOf)).toEqual(['accepted']);
    expect(s.world.guests.get(1)?.cpu).toEqual(world.guests.get(1)?.cpu);
    expect(s.world.guests.get(1)?.memory).toBe(world.guests.get(1)?.memory);
    expect(run(s.world, [resume({})]).outcomes.map(codeOf)).toEqual(['NO_INTERCEPTION']);
  });
});

describe('the guest CPU and the hypervisor area', () => {
  it('stores across a page boundary and stores the 16 registers big-endian', () => {
    const regs = Array.from({ length: 16 }, (_, i) => BigInt(i) * 0x0101_0101_0101_0101n);
    const { world, outcomes } = run(intcpWorld(2), [
      { kind: 'guest-store', guest: 1, address: 0xffen, bytes: bytes('a1a2a3a4') },
      load(regs),
      { kind: 'guest-store-registers', guest: 1, address: 0x1f80n },
      { kind: 'guest-store-registers', guest: 1, address: 0x1f81n },
      { kind: 'guest-store', guest: 1, address: 0x1fffn, bytes: bytes('0102') },
      { kind: 'guest-store', guest: 1, address: (1n << 64n) - 1n, bytes: bytes('01') },
    ]);
    expect(outcomes.map(codeOf)).toEqual(['accepted', 'accepted', 'accepted', 'ADDRESSING_EXCEPTION', 'ADDRESSING_EXCEPTION', 'ADDRESSING_EXCEPTION']);
    const g = world.guests.get(1);
    expect(Buffer.from(g?.memory.get(0)?.subarray(0xffe) ?? []).toString('hex')).toBe('a1a2');
    expect(Buffer.from(g?.memory.get(1)?.subarray(0, 2) ?? []).toString('hex')).toBe('a3a4');
    expect(Buffer.from(g?.memory.get(1)?.subarray(0xf80) ?? []).toString('hex')).toBe(regs.map(reg).join(''));
    expect(world.hypervisor.interceptions.size).toBe(0);
  });

  it('refuses every CPU action of a guest that is not running or waits, and a resume without interception', () => {
    const { world } = run(intcpWorld(), [exec('83240308')]);
    expect(run(world, [load([1n]), exec('83240308'), { kind: 'guest-store', guest: 1, address: 0n, bytes: bytes('01') }]).outcomes.map(codeOf)).toEqual([
      'INTERCEPTION_PENDING',
      'INTERCEPTION_PENDING',
      'INTERCEPTION_PENDING',
    ]);
    expect(run(intcpWorld(), [{ kind: 'guest-store-registers', guest: 2, address: 0n }, resume({}), { kind: 'resume-guest', guest: 2, cc: null, registers: bytes(area({})), data: new Uint8Array(0), exception: null }]).outcomes.map(codeOf)).toEqual([
      'NOT_RUNNING',
      'NO_INTERCEPTION',
      'NO_INTERCEPTION',
    ]);
  });

  it("drops a destroyed guest's block and keeps the others'", () => {
    let w = intcpWorld();
    const g2 = w.guests.get(2);
    if (g2 === undefined) throw new Error('no guest');
    w = { ...w, guests: w.guests.set(2, { ...g2, phase: 'running' }) };
    const { world } = run(w, [exec('83240308'), { kind: 'guest-execute', guest: 2, text: bytes('83240308') }]);
    expect(world.hypervisor.interceptions.map((b) => b.guest).toArray()).toEqual([1, 2]);
    const after = run(world, [{ kind: 'destroy-guest', guest: 1 }]);
    expect(after.world.hypervisor.interceptions.map((b) => b.guest).toArray()).toEqual([2]);
  });
});
