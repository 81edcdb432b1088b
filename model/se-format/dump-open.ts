/**
 * The owner's side of a dump, like `zgetdump -k CCK`: reads the file, opens the completion data
 * with the CCK (real mode) or the owner's private key (seed mode), decrypts every CPU note and
 * every page, and reports the first check that failed.
 *
 * What each mode guarantees (spec/secure-dump.md, REQ-DUMP-9): in both, a wrong key, a changed
 * completion data or a changed CPU note is refused; in real mode pages carry no MAC, so a changed
 * page decrypts to garbage and is *not* detected; in seed mode every page is authenticated and the
 * file must be exactly the one its pieces make, so any change to the dump is refused.
 * @module
 */
import { bytesToHex, equalBytes, PAGE_SIZE, readU32 } from '../core/bytes.js';
import { err, ok, codecError, type CodecError, type Result } from '../core/result.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { DumpCpu } from './dump-cpu.js';
import { cpuNoteIv, openCpuNote } from './dump-cpu-note.js';
import { assembleDump, parseDump } from './dump-elf.js';
import { COMPONENT_SIZE, pageStateOf, type PageState } from './dump-pages.js';
import { decryptRealPage, openRealCompletion, REAL_COMPLETION_VERSION } from './dump-real.js';
import { openSeedCompletion, openSeedPage, SEED_COMPLETION_VERSION, SEED_META_ENTRY_SIZE, seedIv } from './dump-seed.js';

/** The key the owner opens a dump with: the image's CCK (real mode) or its private customer key (seed mode). */
export type OwnerKey = { readonly cck: Uint8Array } | { readonly ownerPrivateKey: Uint8Array };

/** The checks that refuse a dump, in the order they run. */
export const OPEN_CHECKS = ['completion-auth', 'cpu-auth', 'page-state', 'page-auth', 'layout'] as const;

/** A check that refused a dump. */
export type OpenCheck = (typeof OPEN_CHECKS)[number];

/** Why a dump did not open: a check refused it, or the input is not a usable dump (or key). */
export type OpenFailure =
  | { readonly kind: 'refused'; readonly check: OpenCheck; readonly message: string }
  | { readonly kind: 'unusable'; readonly error: CodecError };

/** An opened dump. */
export interface OpenedDump {
  readonly mode: 'real' | 'seed';
  readonly cpus: readonly DumpCpu[];
  readonly pageStates: readonly PageState[];
  /** Guest memory: every page, zero pages as zeros. */
  readonly memory: Uint8Array;
}

const refused = (check: OpenCheck, message: string): { ok: false; error: OpenFailure } => err({ kind: 'refused', check, message });
const unusable = (e: CodecError): { ok: false; error: OpenFailure } => err({ kind: 'unusable', error: e });

/** The mode a completion data's version names, or undefined. */
function modeOf(completion: Uint8Array): 'real' | 'seed' | undefined {
  if (completion.length < 4) return undefined;
  const v = readU32(completion, 0);
  return v === REAL_COMPLETION_VERSION ? 'real' : v === SEED_COMPLETION_VERSION ? 'seed' : undefined;
}

/** Opens the dump `file` with `key`. */
export function openDump(suite: CryptoSuite, file: Uint8Array, key: OwnerKey): Result<OpenedDump, OpenFailure> {
  const parsed = parseDump(file);
  if (!parsed.ok) return unusable(parsed.error);
  const { memory, meta, completion, cpuNotes } = parsed.value;
  const mode = modeOf(completion);
  if (mode === undefined) return unusable(codecError('pv_compl version', 0, `completion data of ${completion.length} bytes with an unknown version`));
  const pages = memory.length / PAGE_SIZE;
  const entry = mode === 'real' ? COMPONENT_SIZE : SEED_META_ENTRY_SIZE;
  if (mode === 'real') {
    if (!('cck' in key)) return unusable(codecError('key', 0, 'a real-mode dump opens with the CCK (--cck), not an owner key'));
    if (key.cck.length !== 32) return unusable(codecError('CCK', 0, `a CCK has 32 bytes, not ${key.cck.length}`));
    const c = openRealCompletion(suite, key.cck, completion);
    // REQ-DUMP-9: the completion data opens with the CCK
    if (c === undefined) return refused('completion-auth', 'the completion data does not authenticate under the dump key of this CCK (wrong CCK, or a changed byte)');
    if (meta.length < pages * entry) return unusable(codecError('pv_mem_meta', 0, `${meta.length / entry} page components for ${pages} pages`));
    const cpus: DumpCpu[] = [];
    for (const [i, note] of cpuNotes.entries()) {
      const cpu = openCpuNote(suite, c.dumpKey, note);
      // REQ-DUMP-9: every CPU note authenticates under the dump key
      if (cpu === undefined) return refused('cpu-auth', `CPU note ${i} does not authenticate under the dump key`);
      cpus.push(cpu);
    }
    const states: PageState[] = [];
    const out = new Uint8Array(memory.length);
    for (let i = 0; i < pages; i++) {
      const component = meta.subarray(i * entry, (i + 1) * entry);
      const state = pageStateOf(component);
      // REQ-DUMP-5: every page component names a valid state
      if (state === undefined) return refused('page-state', `page ${i}: invalid page state in component ${bytesToHex(component)}`);
      states.push(state);
      const slot = memory.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      if (state === 'enc') out.set(decryptRealPage(suite, c.xtsKey, c.nonce, component, slot), i * PAGE_SIZE);
      else if (state === 'shared') out.set(slot, i * PAGE_SIZE);
    }
    return ok({ mode, cpus, pageStates: states, memory: out });
  }
  if (!('ownerPrivateKey' in key)) return unusable(codecError('key', 0, "a seed-mode dump opens with the owner's private key (--owner-key), not a CCK"));
  const c = openSeedCompletion(suite, key.ownerPrivateKey, completion);
  // REQ-DUMP-9: the completion data opens with the owner's key
  if (c === undefined) return refused('completion-auth', "the dump key does not unwrap with this owner key, or the completion data's tag does not verify");
  // REQ-DUMP-9: the dump holds as many CPUs as the completion data says, each authenticated
  if (cpuNotes.length !== c.cpus) return refused('cpu-auth', `${cpuNotes.length} CPU notes, the completion data says ${c.cpus}`);
  const cpus: DumpCpu[] = [];
  for (const [i, note] of cpuNotes.entries()) {
    const cpu = note.length === 1568 && equalBytes(cpuNoteIv(note), seedIv(1, i)) ? openCpuNote(suite, c.dumpKey, note) : undefined;
    if (cpu === undefined) return refused('cpu-auth', `CPU note ${i} does not authenticate as CPU ${i} under the dump key`);
    cpus.push(cpu);
  }
  // REQ-DUMP-9: the dump holds as many pages as the completion data says
  if (pages !== c.pages || meta.length !== pages * entry) return refused('page-auth', `${pages} pages and ${meta.length / entry} page entries, the completion data says ${c.pages}`);
  const states: PageState[] = [];
  const out = new Uint8Array(memory.length);
  for (let i = 0; i < pages; i++) {
    const m = meta.subarray(i * entry, (i + 1) * entry);
    const state = pageStateOf(m.subarray(0, COMPONENT_SIZE));
    if (state === undefined) return refused('page-state', `page ${i}: invalid page state in component ${bytesToHex(m.subarray(0, COMPONENT_SIZE))}`);
    states.push(state);
    const plain = openSeedPage(suite, c.dumpKey, i, m, memory.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), state);
    // REQ-DUMP-9: every page authenticates at its index
    if (plain === undefined) return refused('page-auth', `page ${i} (${state}) does not authenticate`);
    out.set(plain, i * PAGE_SIZE);
  }
  // REQ-DUMP-9: nothing else of the file changed: it is exactly the file its pieces make
  if (!equalBytes(assembleDump({ cpuNotes, slots: [memory], meta, completion }), file)) return refused('layout', 'the file is not laid out as its pieces make it: bytes outside them were changed');
  return ok({ mode, cpus, pageStates: states, memory: out });
}
