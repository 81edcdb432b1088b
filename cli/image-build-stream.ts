/**
 * The streamed build of `semodel image build`: the image of the model's {@link buildImage}, byte
 * for byte, in bounded memory. The model plans the image ({@link planImage}) and seals its header
 * ({@link sealImage}); in between, this module reads the kernel and initrd files chunk by chunk
 * (64 pages), encrypts their pages, feeds the three running SHA-512 digests (PLD over the stored
 * pages, ALD over their addresses, TLD over their tweaks: the hash of a concatenation, so one
 * update per chunk) and writes every chunk at its offset as soon as it is done. Memory is a few
 * chunks, whatever the image size; the header, which carries the digests, is written last.
 *
 * On a large build a worker thread (./image-build-worker-source.ts) reads, encrypts and writes
 * ahead, into a ring of shared slots and the image file, while this thread digests (and writes
 * what it encrypted itself), and encrypts itself any
 * chunk the worker has not claimed by the time it is needed: two cores, whichever thread is
 * slower. If the worker fails or stalls, this thread reads and encrypts the rest itself: the
 * output never depends on the worker, only the time does.
 * @module
 */
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { readSync } from 'node:fs';
import { equalBytes, PAGE_SIZE, u64be, zeroPad } from '../model/core/bytes.js';
import { ok, type Result } from '../model/core/result.js';
import type { CryptoSuite } from '../model/crypto/suite.js';
import type { SeHeader } from '../model/se-format/header-codec.js';
import type { BuildError } from '../model/se-format/header-keys.js';
import { planImage, sealImage, type ImagePlanInput, type PlacedComponent } from '../model/se-format/image-builder.js';
import type { ImageOutput } from './image-build-output.js';
import { chunkXts } from './image-build-xts.js';
import { BUILD_CTRL, BUILD_STATE, chunksOf } from './image-build-worker-source.js';
import { startBuildWorker, type BuildWorker } from './image-build-worker.js';
import { UsageError } from './io.js';
import { collectYoung } from './young-gc.js';

/** A component read from a file: its descriptor, its size when opened, and its name for messages. */
export interface FileComponent {
  readonly fd: number;
  readonly length: number;
  readonly name: string;
}

/** Fewer file pages than this are not worth a thread (4 MiB). */
export const MIN_WORKER_PAGES = 1024;

/** Tuning of {@link streamBuild}. */
export interface StreamOptions {
  /** Pages per chunk (default 64: 256 KiB). */
  readonly chunkPages?: number;
  /** Slots in the ring the worker fills ahead (default 8). */
  readonly slots?: number;
  /** Use a worker only from this many file pages on (default {@link MIN_WORKER_PAGES}); `Infinity`: never. */
  readonly minWorkerPages?: number;
  /** A worker that fills nothing for this long is given up (default 10 s). */
  readonly stallMs?: number;
  /** A thread started early (./image-build-worker.ts); ended here if not needed. */
  readonly worker?: BuildWorker;
  /**
   * Whether this thread encrypts a chunk itself when the worker has not claimed it yet (default
   * true: both cores stay busy); false: the worker encrypts every file chunk (tests use it).
   */
  readonly share?: boolean;
  /** The worker encrypts with node:crypto's XTS page by page, its fallback (default false: ECB and WebAssembly). */
  readonly perPageXts?: boolean;
}

/** What {@link streamBuild} reports once the image is written. */
export interface StreamedBuild {
  readonly imageSize: number;
  /** Secured pages. */
  readonly pageCount: number;
  readonly header: SeHeader;
  /** Whether a worker thread encrypted the file pages (all of them, or until it failed). */
  readonly threaded: boolean;
  /** Chunks the worker filled, and chunks this thread read and encrypted itself. */
  readonly chunks: { readonly fromWorker: number; readonly onThread: number };
}

/** Writes the tweaks of pages `[from, to)` of a component (prefix ‖ u64 page offset) into `into`. */
function chunkTweaks(prefix: Uint8Array, from: number, to: number, into: Uint8Array): Uint8Array {
  const view = new DataView(into.buffer, into.byteOffset, into.byteLength);
  for (let p = from; p < to; p++) {
    const at = 16 * (p - from);
    into.set(prefix, at);
    const offset = p * PAGE_SIZE; // below 2^53: two u32 halves, no bigint
    view.setUint32(at + 8, Math.floor(offset / 0x1_0000_0000), false);
    view.setUint32(at + 12, offset >>> 0, false);
  }
  return into.subarray(0, 16 * (to - from));
}

/** Writes the big-endian u64 addresses of `count` pages from `first` into `into`. */
function chunkAddresses(first: number, count: number, into: Uint8Array): Uint8Array {
  const view = new DataView(into.buffer, into.byteOffset, into.byteLength);
  for (let i = 0; i < count; i++) {
    const address = first + i * PAGE_SIZE;
    view.setUint32(8 * i, Math.floor(address / 0x1_0000_0000), false);
    view.setUint32(8 * i + 4, address >>> 0, false);
  }
  return into.subarray(0, 8 * count);
}

/** Reads `want` bytes of `file` at `position` into `into`; a file that shrank is a UsageError. */
function readExactly(file: FileComponent, into: Uint8Array, want: number, position: number): void {
  for (let got = 0; got < want; ) {
    let n: number;
    try {
      n = readSync(file.fd, into, got, want - got, position + got);
    } catch (e) {
      throw new UsageError(`${file.name}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (n === 0) throw new UsageError(`${file.name}: the file became shorter than ${file.length} bytes while it was read`);
    got += n;
  }
}

/**
 * Builds the image of `input` (kernel and initrd given by size) from `files` (the plan's
 * caller components in order: kernel, then initrd) into `out`, byte-identical to
 * `buildImage` of the same input with the files' bytes. Bad input is a {@link BuildError}; a
 * file that cannot be read, or changed while read, and a failed write are {@link UsageError}s.
 * Does not commit or abort `out`: the caller does.
 * @example
 * const out = openImageOutput('se.img', false, ['bzImage']);
 * const fd = openSync('bzImage', 'r');
 * const r = streamBuild(nodeSuite, { ...secrets, kernel: { length: fstatSync(fd).size }, hostKeys }, [{ fd, length: fstatSync(fd).size, name: 'bzImage' }], out);
 * if (r.ok) out.commit(); else out.abort();
 */
export function streamBuild(
  suite: CryptoSuite,
  input: ImagePlanInput,
  files: readonly FileComponent[],
  out: ImageOutput,
  options: StreamOptions = {},
): Result<StreamedBuild, BuildError> {
  const planned = planImage(input);
  if (!planned.ok) {
    options.worker?.terminate();
    return planned;
  }
  const plan = planned.value;
  const chunkPages = options.chunkPages ?? 64;
  const key = input.xtsKey;
  const fileComponents = plan.components.filter((c) => c.made === undefined);
  if (fileComponents.length !== files.length) throw new Error(`streamBuild: ${files.length} files for ${fileComponents.length} file components`); // a caller's bug

  // The worker: only for enough pages, and a key OpenSSL's XTS takes (distinct halves).
  const filePages = fileComponents.reduce((n, c) => n + c.pages, 0);
  const keyOk = key.length === 64 && !equalBytes(key.subarray(0, 32), key.subarray(32));
  const useWorker = filePages >= (options.minWorkerPages ?? MIN_WORKER_PAGES) && (keyOk || !plan.encrypt);
  const slotCount = options.slots ?? 8;
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (BUILD_CTRL.READY + slotCount)));
  const slots: Uint8Array[] = [];
  let worker: BuildWorker | undefined;
  if (useWorker) {
    const buffers = Array.from({ length: slotCount }, () => new SharedArrayBuffer(chunkPages * PAGE_SIZE));
    slots.push(...buffers.map((b) => new Uint8Array(b)));
    worker = options.worker ?? startBuildWorker();
    worker.post({
      key: plan.encrypt ? Uint8Array.from(key) : null,
      components: fileComponents.map((c, i) => ({ fd: files[i]?.fd ?? -1, length: files[i]?.length ?? 0, pages: c.pages, prefix: u64be(c.tweakPrefix), offset: c.address })),
      pageSize: PAGE_SIZE,
      chunkPages,
      slots: buffers,
      ctrl: ctrl.buffer as SharedArrayBuffer,
      perPageXts: options.perPageXts ?? false,
      out: out.fd ?? null,
    });
  } else options.worker?.terminate();

  try {
    const pld: Hash = createHash('sha512');
    const ald: Hash = createHash('sha512');
    const tld: Hash = createHash('sha512');
    let pages = 0;
    const tweakBuffer = new Uint8Array(16 * chunkPages);
    const addressBuffer = new Uint8Array(8 * chunkPages);
    const plain = new Uint8Array(chunkPages * PAGE_SIZE);
    const cipher = new Uint8Array(chunkPages * PAGE_SIZE);
    let fromWorker = 0;
    let onThread = 0;
    let usable = worker !== undefined;
    const stallMs = options.stallMs ?? 10_000;

    /** Digests pages `[from, to)` of `c`, stored as `stored`, and writes them unless the worker did. */
    const emit = (c: PlacedComponent, from: number, to: number, stored: Uint8Array, tweaks: Uint8Array, written: boolean): void => {
      const address = c.address + from * PAGE_SIZE;
      pld.update(stored);
      ald.update(chunkAddresses(address, to - from, addressBuffer));
      tld.update(tweaks);
      pages += to - from;
      if (written) out.wrote(address, stored.length);
      else out.write(address, stored);
    };

    /** This thread's chunk: read (or take from `made`), pad, encrypt. */
    // Chunks this thread encrypts go through ECB and WebAssembly too, where OpenSSL takes the key.
    const fast = plan.encrypt && keyOk ? chunkXts(key, chunkPages) : undefined;
    let fastChunks = 0;
    const localChunk = (c: PlacedComponent, file: FileComponent | undefined, from: number, to: number, tweaks: Uint8Array): Uint8Array => {
      const bytes = (to - from) * PAGE_SIZE;
      const start = from * PAGE_SIZE;
      const into = fast?.plain ?? plain;
      if (file === undefined) {
        const made = c.made ?? new Uint8Array(0);
        into.set(zeroPad(made.subarray(start, Math.min(made.length, start + bytes)), bytes));
      } else {
        const want = Math.max(0, Math.min(start + bytes, file.length) - start);
        readExactly(file, into, want, start);
        into.fill(0, want, bytes);
      }
      if (!plan.encrypt) return into.subarray(0, bytes);
      if (fast !== undefined) {
        // The chunks' ECB outputs (off-heap, 256 KiB each) are freed by a young collection: one per
        // 8 MiB (a collection costs some 0.5 ms; per 2 MiB they took a tenth of the build's CPU time).
        if ((++fastChunks & 31) === 0) collectYoung();
        return fast.encrypt(to - from, tweaks);
      }
      for (let p = 0; p < to - from; p++) {
        const at = p * PAGE_SIZE;
        // node:crypto's XTS, as the node suite calls it, where OpenSSL takes the key; the suite otherwise.
        const page = plain.subarray(at, at + PAGE_SIZE);
        const t = tweaks.subarray(16 * p, 16 * p + 16);
        cipher.set(keyOk ? createCipheriv('aes-256-xts', key, t).update(page) : suite.aesXtsEncrypt(key, t, page), at);
      }
      if (((pages + to - from) & ~255) !== (pages & ~255)) collectYoung(); // OpenSSL's output buffers, every 1 MiB
      return cipher.subarray(0, bytes);
    };

    const share = options.share ?? true;
    // The file chunks as the worker numbers them, with what this thread needs to fill one.
    const fileChunks = chunksOf(fileComponents.map((c) => c.pages), chunkPages).map((ch) => {
      const c = fileComponents[ch.component] as PlacedComponent;
      return { ...ch, c, file: files[ch.component], prefix: u64be(c.tweakPrefix) };
    });
    /**
     * A chunk this thread took out of turn while the worker was still busy with an earlier one
     * (read, encrypted and written; digested when its turn comes), so that neither thread waits
     * for the other while chunks are left: at most one at a time.
     */
    let held: { readonly k: number; readonly bytes: Uint8Array } | undefined;
    const heldBuffer = new Uint8Array(useWorker && share ? chunkPages * PAGE_SIZE : 0);
    const heldTweaks = new Uint8Array(16 * chunkPages);
    /** Takes the next chunk nobody claimed yet, if this thread holds none: whether it did. */
    const takeAhead = (): boolean => {
      const j = Atomics.load(ctrl, BUILD_CTRL.CLAIMED);
      const ch = fileChunks[j];
      if (!share || held !== undefined || ch === undefined || Atomics.compareExchange(ctrl, BUILD_CTRL.CLAIMED, j, j + 1) !== j) return false;
      const bytes = localChunk(ch.c, ch.file, ch.from, ch.to, chunkTweaks(ch.prefix, ch.from, ch.to, heldTweaks));
      heldBuffer.set(bytes);
      out.write(ch.c.address + ch.from * PAGE_SIZE, bytes);
      held = { k: j, bytes: heldBuffer.subarray(0, bytes.length) };
      onThread++;
      return true;
    };

    /** The worker's chunk `k` (a view of its slot), or undefined once it failed or stalled. */
    const workerChunk = (k: number, bytes: number): Uint8Array | undefined => {
      const ready = BUILD_CTRL.READY + (k % slotCount);
      for (;;) {
        const seen = Atomics.load(ctrl, ready);
        if (seen === k + 1) return (slots[k % slotCount] as Uint8Array).subarray(0, bytes);
        // The state is read before the flag again: a worker that ended set its last flag first.
        if (Atomics.load(ctrl, BUILD_CTRL.STATE) !== BUILD_STATE.RUNNING && Atomics.load(ctrl, ready) !== k + 1) return undefined;
        // Rather than wait, fill a later chunk (then look again).
        if (takeAhead()) continue;
        if (Atomics.wait(ctrl, ready, seen, stallMs) === 'timed-out') return undefined;
      }
    };

    let k = 0; // the next file chunk, numbered as the worker numbers them
    let nextFile = 0;
    for (const c of plan.components) {
      const prefix = u64be(c.tweakPrefix);
      const file = c.made === undefined ? files[nextFile++] : undefined;
      for (const chunk of chunksOf([c.pages], chunkPages)) {
        const tweaks = chunkTweaks(prefix, chunk.from, chunk.to, tweakBuffer);
        let stored: Uint8Array | undefined;
        let written = false;
        if (file !== undefined && held?.k === k) {
          // Taken ahead by this thread: already read, encrypted and written.
          stored = held.bytes;
          written = true;
          held = undefined;
        } else if (file !== undefined && usable && !(share && Atomics.compareExchange(ctrl, BUILD_CTRL.CLAIMED, k, k + 1) === k)) {
          // Chunk k is the worker's: it claimed it before this thread could (a compare-and-swap decides).
          stored = workerChunk(k, (chunk.to - chunk.from) * PAGE_SIZE);
          if (stored === undefined) {
            usable = false;
            Atomics.store(ctrl, BUILD_CTRL.STATE, BUILD_STATE.CANCELLED);
          } else {
            fromWorker++;
            written = out.fd !== undefined;
          }
        }
        if (stored === undefined) {
          stored = localChunk(c, file, chunk.from, chunk.to, tweaks);
          if (file !== undefined) onThread++;
        }
        emit(c, chunk.from, chunk.to, stored, tweaks, written);
        if (file !== undefined) {
          k++;
          // The slot is free again: the worker may fill it with chunk k - 1 + slots.
          Atomics.store(ctrl, BUILD_CTRL.CONSUMED, k);
          Atomics.notify(ctrl, BUILD_CTRL.CONSUMED);
        }
      }
    }

    const digests = { pld: new Uint8Array(pld.digest()), ald: new Uint8Array(ald.digest()), tld: new Uint8Array(tld.digest()), nep: BigInt(pages) };
    const sealed = sealImage(suite, input, plan, digests);
    if (!sealed.ok) return sealed;
    for (const p of sealed.value.pieces) out.write(p.offset, p.bytes);
    return ok({ imageSize: plan.imageSize, pageCount: pages, header: sealed.value.header, threaded: worker !== undefined, chunks: { fromWorker, onThread } });
  } finally {
    if (worker !== undefined) {
      Atomics.compareExchange(ctrl, BUILD_CTRL.STATE, BUILD_STATE.RUNNING, BUILD_STATE.CANCELLED);
      Atomics.notify(ctrl, BUILD_CTRL.CONSUMED);
      // A worker given up on may still be writing a chunk: the caller closes the file next, and
      // its descriptor must not be written after that (wait at most one stall period).
      if (Atomics.load(ctrl, BUILD_CTRL.BUSY) === 1) Atomics.wait(ctrl, BUILD_CTRL.BUSY, 1, options.stallMs ?? 10_000);
      worker.terminate();
    }
  }
}
