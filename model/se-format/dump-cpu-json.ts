/**
 * The JSON form of dump CPUs, with the register names of the dump vectors' `expected.json`
 * (zgetdump's names): `gprs`, `psw` ([mask, address]), `prefix`, `fpc`, `todpreg`, `timer`,
 * `todcmp`, `acrs`, `ctrs`, `fprs`, `vxrs_low`, `vxrs_high` (256 bytes as hex), `gsd`, `gssm`,
 * `gs_epl_a`, `osii`. Integers are read from numbers (decimal, any size: the text is read so that
 * 64-bit values keep every digit) or strings (decimal or `0x` hex); they are written as `0x` hex
 * strings.
 * @module
 */
import { bytesToHex, hexToBytes } from '../core/bytes.js';
import { codecError, err, ok, type CodecError, type Result } from '../core/result.js';
import { VXRS_HIGH_SIZE, type DumpCpu } from './dump-cpu.js';

type Json = null | boolean | string | readonly Json[] | { readonly [k: string]: Json };

/**
 * Parses JSON text, every number kept as its digits (a string), so that 64-bit integers lose
 * nothing; undefined when the text is not JSON.
 */
export function parseExactJson(text: string): unknown {
  // Quote every bare number outside strings: JSON strings cannot hold a raw digit run after ':' ',' or '['.
  const quoted = text.replace(/("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, s: string | undefined) => (s !== undefined ? s : `"#${m}"`));
  try {
    return JSON.parse(quoted, (_k, v: unknown) => (typeof v === 'string' && v.startsWith('#') ? v.slice(1) : v)) as unknown;
    // Stryker disable next-line BlockStatement: an empty catch block returns undefined as well
  } catch {
    return undefined;
  }
}

function integer(v: unknown, bits: 32 | 64, field: string): Result<bigint> {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) return err(codecError(field, 0, `expected an integer, got ${JSON.stringify(v)}`));
  const n = BigInt(s);
  if (n >= 1n << BigInt(bits)) return err(codecError(field, 0, `${s} does not fit ${bits} bits`));
  return ok(n);
}

function list(v: unknown, bits: 32 | 64, field: string): Result<bigint[]> {
  if (!Array.isArray(v) || v.length !== 16) return err(codecError(field, 0, 'expected 16 registers'));
  const out: bigint[] = [];
  for (const [i, x] of v.entries()) {
    const n = integer(x, bits, `${field}[${i}]`);
    if (!n.ok) return n;
    out.push(n.value);
  }
  return ok(out);
}

/** One CPU from its JSON object (as `parseExactJson` gives it); errors name the field. */
export function cpuFromJson(v: unknown, index = 0): Result<DumpCpu> {
  const at = (f: string) => `cpus[${index}].${f}`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err(codecError(`cpus[${index}]`, 0, 'expected an object'));
  const o = v as Record<string, unknown>;
  const lists = {} as Record<'gprs' | 'acrs' | 'ctrs' | 'fprs' | 'vxrs_low', bigint[]>;
  for (const [name, bits] of [['gprs', 64], ['acrs', 32], ['ctrs', 64], ['fprs', 64], ['vxrs_low', 64]] as const) {
    const r = list(o[name], bits, at(name));
    if (!r.ok) return r;
    lists[name] = r.value;
  }
  const scalars = {} as Record<'prefix' | 'fpc' | 'todpreg' | 'timer' | 'todcmp' | 'gsd' | 'gssm' | 'gs_epl_a', bigint>;
  for (const [name, bits] of [['prefix', 32], ['fpc', 32], ['todpreg', 32], ['timer', 64], ['todcmp', 64], ['gsd', 64], ['gssm', 64], ['gs_epl_a', 64]] as const) {
    const r = integer(o[name] ?? '0', bits, at(name));
    if (!r.ok) return r;
    scalars[name] = r.value;
  }
  const psw = o['psw'];
  if (!Array.isArray(psw) || psw.length !== 2) return err(codecError(at('psw'), 0, 'expected [mask, address]'));
  const mask = integer(psw[0], 64, at('psw[0]'));
  if (!mask.ok) return mask;
  const addr = integer(psw[1], 64, at('psw[1]'));
  if (!addr.ok) return addr;
  const high = o['vxrs_high'] ?? '00'.repeat(VXRS_HIGH_SIZE);
  if (typeof high !== 'string' || !/^[0-9a-fA-F]*$/.test(high) || high.length !== 2 * VXRS_HIGH_SIZE) return err(codecError(at('vxrs_high'), 0, `expected ${VXRS_HIGH_SIZE} bytes as hex`));
  const osii = o['osii'] ?? false;
  if (typeof osii !== 'boolean') return err(codecError(at('osii'), 0, 'expected true or false'));
  return ok({
    gprs: lists.gprs,
    psw: { mask: mask.value, addr: addr.value },
    prefix: Number(scalars.prefix),
    fpc: Number(scalars.fpc),
    todpreg: Number(scalars.todpreg),
    timer: scalars.timer,
    todcmp: scalars.todcmp,
    acrs: lists.acrs.map(Number),
    ctrs: lists.ctrs,
    fprs: lists.fprs,
    vxrsLow: lists.vxrs_low,
    // Stryker disable next-line MethodExpression: hexToBytes reads either case; lower case is only the canonical form
    vxrsHigh: hexToBytes(high.toLowerCase()),
    gsd: scalars.gsd,
    gssm: scalars.gssm,
    gsEplA: scalars.gs_epl_a,
    osii,
  });
}

/** The CPUs of a CPUS.json text: an array of CPU objects, or an object with such a `cpus` array. */
export function cpusFromJsonText(text: string): Result<DumpCpu[], CodecError> {
  const v = parseExactJson(text);
  const arr = Array.isArray(v) ? v : typeof v === 'object' && v !== null && Array.isArray((v as Record<string, unknown>)['cpus']) ? ((v as Record<string, unknown>)['cpus'] as unknown[]) : undefined;
  if (arr === undefined) return err(codecError('cpus', 0, 'expected a JSON array of CPUs, or an object with a "cpus" array'));
  const out: DumpCpu[] = [];
  for (const [i, c] of arr.entries()) {
    const r = cpuFromJson(c, i);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** The JSON form of a CPU (u64 as `0x` hex strings). */
export function cpuToJson(c: DumpCpu): Json {
  return {
    gprs: c.gprs.map(hex),
    psw: [hex(c.psw.mask), hex(c.psw.addr)],
    prefix: hex(BigInt(c.prefix)),
    fpc: hex(BigInt(c.fpc)),
    todpreg: hex(BigInt(c.todpreg)),
    timer: hex(c.timer),
    todcmp: hex(c.todcmp),
    acrs: c.acrs.map((a) => hex(BigInt(a))),
    ctrs: c.ctrs.map(hex),
    fprs: c.fprs.map(hex),
    vxrs_low: c.vxrsLow.map(hex),
    vxrs_high: bytesToHex(c.vxrsHigh),
    gsd: hex(c.gsd),
    gssm: hex(c.gssm),
    gs_epl_a: hex(c.gsEplA),
    osii: c.osii,
  };
}
