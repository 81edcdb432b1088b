/**
 * Young-generation garbage collection on demand, for the long synchronous loop of `image build`.
 *
 * V8 frees a dead ArrayBuffer's memory only when a collection finds it dead. The build allocates a
 * 4 KiB buffer per page and few other objects, so collections are rare and tens of MiB of pages
 * that are already written wait for the next one. Collecting the young generation every few MiB
 * keeps the peak close to the inputs' size, at well under a millisecond per collection.
 *
 * Node gives V8's `gc()` only under `--expose-gc`. Setting that flag at run time (node:v8) and
 * taking `gc` from a fresh context (node:vm) reaches it without a command-line flag; if that ever
 * fails, collecting is a no-op: only memory is at stake, never a result.
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'major' | 'minor' }) => void;

let gc: Gc | undefined | null = null;

/** Collects V8's young generation now, if the process lets us. */
export function collectYoung(): void {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      gc = typeof f === 'function' ? (f as Gc) : undefined;
    } catch {
      gc = undefined;
    }
  }
  gc?.({ type: 'minor' });
}

/** The statement the build's worker thread runs to get the same collector (it is CommonJS source). */
export const COLLECT_YOUNG_SOURCE = `
let youngGc = null;
function collectYoung() {
  // Found at the first collection, not at start-up: a fresh context costs some milliseconds.
  if (youngGc === null) {
    youngGc = undefined;
    try {
      require('node:v8').setFlagsFromString('--expose-gc');
      const gc = require('node:vm').runInNewContext('typeof gc === "function" ? gc : undefined');
      if (typeof gc === 'function') youngGc = gc;
    } catch {}
  }
  if (youngGc !== undefined) youngGc({ type: 'minor' });
}
`;
