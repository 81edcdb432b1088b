// CPUS.json, field by field: every malformed field is refused with its name and reason (the line
// `semodel dump create` prints), every bound is where the register's width puts it, and the
// exact-number reader keeps each number form JSON allows as its digits.
import { describe, expect, it } from 'vitest';
import { cpuFromJson, cpusFromJsonText, parseExactJson } from '../../model/se-format/dump-cpu-json.js';

const zeros = (n: number) => new Array<string>(n).fill('0');

/** A valid CPU in the form parseExactJson gives (numbers as digit strings). */
function cpu(): Record<string, unknown> {
  return { gprs: zeros(16), psw: ['0x1', '2'], acrs: zeros(16), ctrs: zeros(16), fprs: zeros(16), vxrs_low: zeros(16) };
}

/** The error of `cpuFromJson` on a valid CPU with `edit` applied, or 'ok'. */
function errorOf(edit: (c: Record<string, unknown>) => void): unknown {
  const c = cpu();
  edit(c);
  const r = cpuFromJson(c, 2);
  return r.ok ? 'ok' : r.error;
}

const e = (field: string, message: string) => ({ field: `cpus[2].${field}`, offset: 0, message });

describe('CPUS.json fields', () => {
  it('a valid CPU reads; absent optional fields are zero, osii false', () => {
    const r = cpuFromJson(cpu());
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.psw.mask, r.value.psw.addr, r.value.timer, r.value.prefix, r.value.osii]).toEqual([1n, 2n, 0n, 0, false]);
    expect(r.value.vxrsHigh).toEqual(new Uint8Array(256));
  });

  it.each([
    ['gprs of 15 registers', (c: Record<string, unknown>) => (c['gprs'] = zeros(15)), e('gprs', 'expected 16 registers')],
    ['ctrs not a list', (c: Record<string, unknown>) => (c['ctrs'] = '0'), e('ctrs', 'expected 16 registers')],
    ['a register not a number', (c: Record<string, unknown>) => (c['gprs'] = [...zeros(2), 'x', ...zeros(13)]), e('gprs[2]', 'expected an integer, got "x"')],
    ['a number with a prefix', (c: Record<string, unknown>) => (c['fprs'] = ['x12', ...zeros(15)]), e('fprs[0]', 'expected an integer, got "x12"')],
    ['a number with a suffix', (c: Record<string, unknown>) => (c['fprs'] = ['12x', ...zeros(15)]), e('fprs[0]', 'expected an integer, got "12x"')],
    ['an access register of 33 bits', (c: Record<string, unknown>) => (c['acrs'] = ['4294967296', ...zeros(15)]), e('acrs[0]', '4294967296 does not fit 32 bits')],
    ['a register of 65 bits', (c: Record<string, unknown>) => (c['vxrs_low'] = [...zeros(15), '0x10000000000000000']), e('vxrs_low[15]', '0x10000000000000000 does not fit 64 bits')],
    ['a prefix of 33 bits', (c: Record<string, unknown>) => (c['prefix'] = '0x100000000'), e('prefix', '0x100000000 does not fit 32 bits')],
    ['psw not a pair', (c: Record<string, unknown>) => (c['psw'] = ['1', '2', '3']), e('psw', 'expected [mask, address]')],
    ['psw not a list', (c: Record<string, unknown>) => (c['psw'] = '1'), e('psw', 'expected [mask, address]')],
    ['psw mask', (c: Record<string, unknown>) => (c['psw'] = [true, '2']), e('psw[0]', 'expected an integer, got true')],
    ['psw address', (c: Record<string, unknown>) => (c['psw'] = ['1', null]), e('psw[1]', 'expected an integer, got null')],
    ['vxrs_high of 255 bytes', (c: Record<string, unknown>) => (c['vxrs_high'] = '00'.repeat(255)), e('vxrs_high', 'expected 256 bytes as hex')],
    ['vxrs_high not hex at its start', (c: Record<string, unknown>) => (c['vxrs_high'] = `zz${'00'.repeat(255)}`), e('vxrs_high', 'expected 256 bytes as hex')],
    ['vxrs_high not hex at its end', (c: Record<string, unknown>) => (c['vxrs_high'] = `${'00'.repeat(255)}zz`), e('vxrs_high', 'expected 256 bytes as hex')],
    ['vxrs_high a number', (c: Record<string, unknown>) => (c['vxrs_high'] = 0), e('vxrs_high', 'expected 256 bytes as hex')],
    ['osii not a boolean', (c: Record<string, unknown>) => (c['osii'] = 'yes'), e('osii', 'expected true or false')],
  ])('refuses %s', (_what, edit, error) => {
    expect(errorOf(edit)).toEqual(error);
  });

  it('takes each register width up to its last value, numbers as JS numbers, and hex in either case', () => {
    const c = { ...cpu(), acrs: ['4294967295', ...zeros(15)], gprs: ['0xffffffffffffffff', ...zeros(15)], fprs: new Array<number>(16).fill(7), osii: true };
    const r = cpuFromJson({ ...c, vxrs_high: 'AB'.repeat(256) });
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.acrs[0], r.value.gprs[0], r.value.fprs[3], r.value.osii, r.value.vxrsHigh[0]]).toEqual([0xffffffff, (1n << 64n) - 1n, 7n, true, 0xab]);
  });

  it.each([[5], [null], [[1, 2]], ['cpu']])('refuses a CPU that is not an object: %j', (v) => {
    const r = cpuFromJson(v, 1);
    expect(r.ok ? 'ok' : r.error).toEqual({ field: 'cpus[1]', offset: 0, message: 'expected an object' });
  });

  it('reads a list of CPUs or an object holding one, and names the CPU that is wrong', () => {
    const one = JSON.stringify(cpu());
    expect(cpusFromJsonText(`[${one},${one}]`).ok && 'two').toBe('two');
    expect(cpusFromJsonText(`{"cpus":[${one}]}`).ok && 'one').toBe('one');
    const bad = cpusFromJsonText(`[${one},{"gprs":[]}]`);
    expect(bad.ok ? 'ok' : bad.error.field).toBe('cpus[1].gprs');
    for (const text of ['5', '{"cpus":5}', '{"cpu":[]}', 'null', 'not json']) {
      const r = cpusFromJsonText(text);
      expect(r.ok ? 'ok' : r.error).toEqual({ field: 'cpus', offset: 0, message: 'expected a JSON array of CPUs, or an object with a "cpus" array' });
    }
  });

  it('keeps every number form JSON has as its digits, and the strings as they are', () => {
    expect(parseExactJson('[1.25, 2e10, -3, 1E+5, 7e-2, 18446744073709551615, "4 5", "a\\"1"]')).toEqual(['1.25', '2e10', '-3', '1E+5', '7e-2', '18446744073709551615', '4 5', 'a"1']);
    expect(parseExactJson('{"a": [1, {"b": 22}]}')).toEqual({ a: ['1', { b: '22' }] });
    expect(parseExactJson('[1,')).toBeUndefined();
  });
});
