/**
 * The firmware's side of a dump, piece by piece (what each dump call hands the hypervisor), and a
 * whole dump made at once from plaintext (what `semodel dump create` and the tests use): the same
 * functions, so the file the hypervisor assembles from the calls' pieces and the file made at once
 * are the same bytes.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { CryptoSuite, EcPoint } from '../crypto/suite.js';
import type { DumpCpu } from './dump-cpu.js';
import { sealCpuNote } from './dump-cpu-note.js';
import { assembleDump } from './dump-elf.js';
import { COMPONENT_SIZE, writeTweakComponent, type PageState } from './dump-pages.js';
import { sealRealCompletion } from './dump-real.js';
import { sealSeedCompletion, sealSeedPage, SEED_META_ENTRY_SIZE, seedIv } from './dump-seed.js';

/** The keys of one dump, by mode: what the firmware drew at its start. */
export type DumpKeys =
  | {
      readonly mode: 'real';
      /** HKDF-SHA512(CCK, seed). */
      readonly dumpKey: Uint8Array;
      readonly seed: Uint8Array;
      readonly nonce: Uint8Array;
      readonly xtsKey: Uint8Array;
    }
  | {
      readonly mode: 'seed';
      /** Fresh from the firmware's generator. */
      readonly dumpKey: Uint8Array;
      /** The ephemeral P-521 scalar the dump key is wrapped with. */
      readonly ephemeral: Uint8Array;
    };

/** A guest page as the firmware sees it at dump time: its state and, unless zero, its bytes. */
export interface DumpedPage {
  readonly state: PageState;
  readonly bytes: Uint8Array;
}

/** The pieces of a range of pages: their `pv_mem_meta` entries and their file slots. */
export interface PageChunk {
  readonly meta: Uint8Array;
  readonly slots: Uint8Array;
  /**
   * Each page's slot bytes as they were made, before they were copied into `slots` (undefined
   * for a zero page): arrays nothing else holds, which the firmware may keep without a copy of
   * its own while `slots` goes to the caller.
   */
  readonly pieces: readonly (Uint8Array | undefined)[];
}

/** The meta entry bytes of one page in `mode`. */
export function metaEntrySize(mode: 'real' | 'seed'): number {
  return mode === 'real' ? COMPONENT_SIZE : SEED_META_ENTRY_SIZE;
}

/** The pieces of pages `first` .. `first + count - 1`; `pageAt(i)` gives page `i` at dump time. */
export function dumpPages(suite: CryptoSuite, keys: DumpKeys, first: number, count: number, pageAt: (index: number) => DumpedPage): PageChunk {
  const entry = metaEntrySize(keys.mode);
  const meta = new Uint8Array(count * entry);
  const slots = new Uint8Array(count * PAGE_SIZE);
  // Real mode: one tweak buffer for the chunk (the suites copy the tweak): nonce OR the page address.
  const tweak = new Uint8Array(COMPONENT_SIZE);
  const pieces: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(count).fill(undefined);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const p = pageAt(i);
    if (keys.mode === 'seed') {
      const s = sealSeedPage(suite, keys.dumpKey, i, p.state, p.bytes);
      meta.set(s.meta, k * entry);
      pieces[k] = s.slot;
      slots.set(s.slot, k * PAGE_SIZE);
      continue;
    }
    writeTweakComponent(meta, k * entry, i, p.state);
    if (p.state === 'enc') {
      // Stryker disable next-line EqualityOperator: a write past the 16-byte tweak is dropped by the typed array
      for (let j = 0; j < COMPONENT_SIZE; j++) tweak[j] = (meta[k * entry + j] ?? 0) | (keys.nonce[j] ?? 0);
      const sealed = suite.aesXtsEncrypt(keys.xtsKey, tweak, p.bytes);
      pieces[k] = sealed;
      slots.set(sealed, k * PAGE_SIZE);
    } else if (p.state === 'shared') {
      // Stryker disable next-line MethodExpression: a page is PAGE_SIZE bytes; the copy only keeps the dump independent of the caller's array
      const shared = p.bytes.slice(0, PAGE_SIZE);
      pieces[k] = shared;
      slots.set(shared, k * PAGE_SIZE);
    }
  }
  return { meta, slots, pieces };
}

/** The CPU note of CPU `index`; `iv` is the real mode's fresh IV (seed mode derives its own). */
export function dumpCpuNote(suite: CryptoSuite, keys: DumpKeys, index: number, cpu: DumpCpu, iv: Uint8Array): Uint8Array {
  return sealCpuNote(suite, keys.dumpKey, keys.mode === 'seed' ? seedIv(1, index) : iv, cpu);
}

/** What the completion data needs beyond the keys: the IV, the owner key, the sizes. */
export interface CompletionInput {
  /** Real mode: the completion data's fresh GCM IV. */
  readonly iv: Uint8Array;
  /** Seed mode: the owner's public key. */
  readonly owner: EcPoint;
  readonly pages: number;
  readonly cpus: number;
}

/** The completion data of a dump; undefined in seed mode when the owner's key is not a P-521 point. */
export function dumpCompletion(suite: CryptoSuite, keys: DumpKeys, c: CompletionInput): Uint8Array | undefined {
  if (keys.mode === 'real') return sealRealCompletion(suite, keys.dumpKey, { seed: keys.seed, iv: c.iv, nonce: keys.nonce, xtsKey: keys.xtsKey });
  return sealSeedCompletion(suite, { dumpKey: keys.dumpKey, pages: c.pages, cpus: c.cpus }, c.owner, keys.ephemeral);
}

/** Everything a whole dump is made from. */
export interface DumpInput {
  readonly keys: DumpKeys;
  /** Guest memory, a whole number of pages. */
  readonly memory: Uint8Array;
  /** One state per page (a zero page's bytes are not read). */
  readonly pageStates: readonly PageState[];
  readonly cpus: readonly DumpCpu[];
  /** Real mode: one fresh IV per CPU note. */
  readonly cpuIvs: readonly Uint8Array[];
  readonly completion: Omit<CompletionInput, 'pages' | 'cpus'>;
}

/** A whole dump file; undefined in seed mode when the owner's key is not a P-521 point. */
export function createDump(suite: CryptoSuite, input: DumpInput): Uint8Array | undefined {
  const pages = input.memory.length / PAGE_SIZE;
  const chunk = dumpPages(suite, input.keys, 0, pages, (i) => ({
    state: input.pageStates[i] ?? 'enc',
    bytes: input.memory.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE),
  }));
  const cpuNotes = input.cpus.map((cpu, i) => dumpCpuNote(suite, input.keys, i, cpu, input.cpuIvs[i] ?? new Uint8Array(12)));
  const completion = dumpCompletion(suite, input.keys, { ...input.completion, pages, cpus: input.cpus.length });
  if (completion === undefined) return undefined;
  return assembleDump({ cpuNotes, slots: [chunk.slots], meta: chunk.meta, completion });
}
