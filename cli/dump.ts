/**
 * `semodel dump create|open`: secure-guest dumps. `create` is the firmware and hypervisor making a
 * dump of given memory and CPUs (real mode: the ELF core zgetdump reads; with --owner-key, seed
 * mode); `open` is the owner's side, like `zgetdump -k CCK`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { PAGE_SIZE, utf8ToBytes } from '../model/core/bytes.js';
import type { EcPoint } from '../model/crypto/suite.js';
import { formatCodecError } from '../model/core/result.js';
import { cpusFromJsonText, cpuToJson, parseExactJson } from '../model/se-format/dump-cpu-json.js';
import { createDump, type DumpKeys } from '../model/se-format/dump-create.js';
import { openDump, type OwnerKey } from '../model/se-format/dump-open.js';
import { PAGE_STATES, type PageState } from '../model/se-format/dump-pages.js';
import { realDumpKey } from '../model/se-format/dump-real.js';
import { parse, onePositional } from './args.js';
import { UsageError, type Io } from './io.js';
import { loadHostKey } from './host-keys.js';
import { fileOfSize, loadCustomerKey, refuseOutputClash, REQUEST_SUITE } from './request-common.js';
import { runSubcommand } from './subcommands.js';

const SUITE = REQUEST_SUITE;

/** The help of `dump create`. */
export const DUMP_CREATE_HELP = `usage: semodel dump create --memory MEM.bin --cpus CPUS.json [--page-states STATES.json]
                           (--cck F | --owner-key PEM) [--seed N] -o DUMP.elf [--force]

Makes the dump of a secure guest from its memory and CPU state, as the firmware's dump calls and
the hypervisor would (spec/secure-dump.md).
  --memory MEM.bin      guest memory from address 0, a whole number of 4 KiB pages
  --cpus CPUS.json      the CPUs: a JSON array (or {"cpus": [...]}) of objects with the register
                        names of zgetdump (the dump vectors' expected.json): gprs, psw [mask, addr],
                        prefix, fpc, todpreg, timer, todcmp, acrs, ctrs, fprs, vxrs_low, vxrs_high
                        (256 bytes hex), gsd, gssm, gs_epl_a, osii; integers as numbers or strings
                        (decimal or 0x hex); missing scalars are 0
  --page-states F       a JSON array with one state per page: "enc", "zero" or "shared" (default:
                        every page "enc"); a zero page's bytes are not dumped
  --cck F               real mode: the image's 32-byte customer communication key; the dump key is
                        HKDF-SHA512 of it with a fresh 64-byte seed (the format zgetdump reads)
  --owner-key PEM       seed mode instead: the owner's P-521 key (public or private, PEM); the dump
                        key is fresh and wrapped for it, every page is authenticated
  --seed N              derive the dump's fresh values (seed, IVs, nonce, page key, ephemeral key)
                        from N: repeatable; without it they are random
  -o, --output DUMP.elf the dump; an existing file is kept unless --force
Exit status: 0 written, 2 unusable input or arguments.`;

/** The help of `dump open`. */
export const DUMP_OPEN_HELP = `usage: semodel dump open DUMP.elf (--cck F | --owner-key PEM) -o MEMORY.bin [--json] [--force]

Opens a secure-guest dump as its owner, like zgetdump -k: writes the guest memory (zero pages as
zeros) and, with --json, prints {mode, cpus: [...], pageStates: [...]} (register names as
dump create reads them).
  --cck F               a real-mode dump: the image's 32-byte customer communication key
  --owner-key PEM       a seed-mode dump: the owner's P-521 private key (PEM, or its raw scalar)
  -o, --output F        where the memory goes; an existing file is kept unless --force
  --json                print the mode, the CPUs and the page states as JSON

What is checked: completion-auth (the completion data opens with the key), cpu-auth (every CPU
note authenticates), page-state (every page state is valid), and in seed mode page-auth (every
page authenticates at its index) and layout (no other byte of the file changed).
A real-mode dump CANNOT DETECT A CHANGED PAGE: pages carry no MAC, so a page changed in the file
decrypts to garbage and the dump still opens. A seed-mode dump detects any change.
Exit status: 0 opened and written, 1 a check failed (its name is printed), 2 unusable input or
arguments.`;

/** The help of `semodel dump`. */
export const DUMP_HELP = `usage: semodel dump create --memory MEM.bin --cpus CPUS.json [--page-states STATES.json] (--cck F | --owner-key PEM) [--seed N] -o DUMP.elf
       semodel dump open DUMP.elf (--cck F | --owner-key PEM) -o MEMORY.bin [--json]

Secure-guest dumps (mechanism 6): the real zgetdump format (--cck) or the seed mode (--owner-key).
Run 'semodel dump create --help' or 'semodel dump open --help' for the options.`;

/** The fresh values of a dump: derived from --seed N, or random. */
function freshValues(seed: string | undefined): (label: string, n: number) => Uint8Array {
  if (seed === undefined) return (_label, n) => new Uint8Array(randomBytes(n));
  if (!/^\d+$/.test(seed)) throw new UsageError(`--seed takes a whole number, got '${seed}'`);
  const ikm = utf8ToBytes(`semodel dump v1/${BigInt(seed).toString(10)}`);
  return (label, n) => SUITE.hkdf('sha512', ikm, new Uint8Array(0), utf8ToBytes(label), n);
}

function readText(io: Io, file: string): string {
  return Buffer.from(io.readFile(file)).toString('utf8');
}

function pageStatesOf(io: Io, file: string | undefined, pages: number): PageState[] {
  if (file === undefined) return Array.from({ length: pages }, () => 'enc');
  const v = parseExactJson(readText(io, file));
  if (!Array.isArray(v) || !v.every((s): s is PageState => typeof s === 'string' && (PAGE_STATES as readonly string[]).includes(s))) {
    throw new UsageError(`--page-states ${file}: a JSON array of "enc", "zero" or "shared"`);
  }
  if (v.length !== pages) throw new UsageError(`--page-states ${file}: ${v.length} states for ${pages} pages of memory`);
  return v;
}

function create(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      memory: { type: 'string' },
      cpus: { type: 'string' },
      'page-states': { type: 'string' },
      cck: { type: 'string' },
      'owner-key': { type: 'string' },
      seed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'dump create',
  );
  if (values.help === true) {
    io.out(DUMP_CREATE_HELP);
    return 0;
  }
  if (values.memory === undefined || values.cpus === undefined || values.output === undefined) throw new UsageError('dump create needs --memory, --cpus and -o');
  if ((values.cck === undefined) === (values['owner-key'] === undefined)) throw new UsageError('dump create needs one of --cck F (real mode) or --owner-key PEM (seed mode)');
  refuseOutputClash(values.output, [values.memory, values.cpus, values['page-states'], values.cck, values['owner-key']]);
  const memory = io.readFile(values.memory);
  if (memory.length === 0 || memory.length % PAGE_SIZE !== 0) throw new UsageError(`--memory ${values.memory}: ${memory.length} bytes is not a whole number of 4096-byte pages`);
  const pages = memory.length / PAGE_SIZE;
  const cpus = cpusFromJsonText(readText(io, values.cpus));
  if (!cpus.ok) throw new UsageError(`--cpus ${values.cpus}: ${cpus.error.field}: ${cpus.error.message}`);
  const pageStates = pageStatesOf(io, values['page-states'], pages);
  const fresh = freshValues(values.seed);
  let keys: DumpKeys;
  let owner: EcPoint = { x: new Uint8Array(66), y: new Uint8Array(66) };
  if (values.cck !== undefined) {
    const cck = fileOfSize(io, 'cck', values.cck, 32, 'a CCK');
    const seed = fresh('seed', 64);
    keys = { mode: 'real', dumpKey: realDumpKey(SUITE, cck, seed), seed, nonce: fresh('nonce', 16), xtsKey: fresh('xts-key', 64) };
  } else {
    owner = loadHostKey(io, SUITE, values['owner-key'] ?? '').publicKey;
    const ephemeral = new Uint8Array(66);
    ephemeral.set(fresh('ephemeral', 64), 2);
    keys = { mode: 'seed', dumpKey: fresh('dump-key', 32), ephemeral };
  }
  const file = createDump(SUITE, {
    keys,
    memory,
    pageStates,
    cpus: cpus.value,
    cpuIvs: cpus.value.map((_, i) => fresh(`cpu-iv/${i}`, 12)),
    completion: { iv: fresh('completion-iv', 12), owner },
  });
  if (file === undefined) throw new UsageError(`--owner-key ${values['owner-key'] ?? ''}: not a P-521 point`);
  io.writeFile(values.output, file, values.force === true);
  io.err(`wrote ${values.output}: ${keys.mode}-mode dump, ${pages} pages, ${cpus.value.length} CPUs, ${file.length} bytes`);
  return 0;
}

function ownerKeyOf(io: Io, cck: string | undefined, ownerKey: string | undefined): OwnerKey {
  if ((cck === undefined) === (ownerKey === undefined)) throw new UsageError('dump open needs one of --cck F (real mode) or --owner-key PEM (seed mode)');
  if (cck !== undefined) return { cck: fileOfSize(io, 'cck', cck, 32, 'a CCK') };
  try {
    return { ownerPrivateKey: loadCustomerKey(io, ownerKey ?? '') };
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(e.message.replace('--customer-key', '--owner-key')) : e;
  }
}

function open(argv: string[], io: Io): number {
  const { values, positionals } = parse(
    argv,
    { cck: { type: 'string' }, 'owner-key': { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
    'dump open',
  );
  if (values.help === true) {
    io.out(DUMP_OPEN_HELP);
    return 0;
  }
  const input = onePositional('dump open', positionals, 'DUMP.elf');
  if (values.output === undefined) throw new UsageError('dump open needs -o MEMORY.bin');
  refuseOutputClash(values.output, [input, values.cck, values['owner-key']]);
  const key = ownerKeyOf(io, values.cck, values['owner-key']);
  const r = openDump(SUITE, io.readFile(input), key);
  if (!r.ok) {
    if (r.error.kind === 'unusable') throw new UsageError(`${input}: ${formatCodecError(r.error.error)}`);
    io.err(`${input}: check ${r.error.check} failed: ${r.error.message}`);
    return 1;
  }
  io.writeFile(values.output, r.value.memory, values.force === true);
  if (values.json === true) io.out(JSON.stringify({ mode: r.value.mode, cpus: r.value.cpus.map(cpuToJson), pageStates: r.value.pageStates }, null, 1));
  io.err(`wrote ${values.output}: ${r.value.mode}-mode dump, ${r.value.pageStates.length} pages, ${r.value.cpus.length} CPUs${r.value.mode === 'real' ? ' (real mode: changed pages are not detected)' : ''}`);
  return 0;
}

/** The dump command. */
export function dumpCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'dump', DUMP_HELP, { create: (rest) => create(rest, io), open: (rest) => open(rest, io) });
}
