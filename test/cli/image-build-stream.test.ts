// The streamed build (cli/image-build-stream.ts): the same bytes as the model's pure buildImage
// for the same inputs and seed, on this thread and with the worker (small chunks, a small ring),
// with PCF bit 35, with an empty kernel; a worker that never answers falls back to this thread;
// a file that shrank is refused. Pieces tile the image exactly once.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { streamBuild, type FileComponent, type StreamOptions } from '../../cli/image-build-stream.js';
import { startBuildWorker, type BuildWorker } from '../../cli/image-build-worker.js';
import { openImageOutput, type ImageOutput } from '../../cli/image-build-output.js';
import { UsageError } from '../../cli/io.js';
import { equalBytes, PAGE_SIZE, utf8ToBytes } from '../../model/core/bytes.js';
import { nodeSuite } from '../../model/crypto/index.js';
import type { EcPoint } from '../../model/crypto/suite.js';
import { PCF_NO_DECRYPTION } from '../../model/se-format/format.js';
import { buildImage, deriveBuildSecrets, type ImageBuildInput } from '../../model/se-format/image-builder.js';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seedOf } from '../../cli/image-build.js';
import { loadHostKeys } from '../../cli/host-keys.js';
import { processIo } from '../../cli/io.js';
import { run, tempDir } from './cli-harness.js';

const suite = nodeSuite;
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const fds: number[] = [];
afterAll(() => fds.forEach((fd) => closeSync(fd)));

const hostKeys: EcPoint[] = [1, 2].map((i) => suite.ecPublicKey('p521', deriveBuildSecrets(suite, Uint8Array.of(0xb0, i)).customer.privateKey) as EcPoint);

/** Distinct bytes of `length`, as a file; returns the bytes and the open file. */
function file(name: string, length: number, salt: number): { bytes: Uint8Array; component: FileComponent } {
  const bytes = new Uint8Array(length).map((_, i) => (i * 131 + (i >>> 12) * 7 + salt) & 0xff);
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  const fd = openSync(p, 'r');
  fds.push(fd);
  return { bytes, component: { fd, length, name: p } };
}

/** An output in memory that records which bytes were written how often. */
function memoryOutput(size: number): ImageOutput & { readonly image: Uint8Array; readonly times: Uint8Array } {
  const image = new Uint8Array(size);
  const times = new Uint8Array(size);
  return {
    name: 'memory',
    image,
    times,
    wrote: () => undefined,
    write(offset, bytes) {
      image.set(bytes, offset); // throws past the end: a piece outside the image
      for (let i = offset; i < offset + bytes.length; i++) times[i] = (times[i] ?? 0) + 1;
    },
    commit: () => undefined,
    abort: () => undefined,
  };
}

/** Streams `input` from files of its kernel and initrd bytes, and builds it with the model: both images. */
function both(input: ImageBuildInput, options: StreamOptions): { streamed: Uint8Array; reference: Uint8Array; threaded: boolean; chunks: { fromWorker: number; onThread: number } } {
  const reference = buildImage(suite, input);
  if (!reference.ok) throw new Error(JSON.stringify(reference.error));
  const files = [file(`k${Math.random()}`, input.kernel.length, 0), ...(input.initrd === undefined ? [] : [file(`i${Math.random()}`, input.initrd.length, 9)])];
  // The files hold the input's bytes.
  expect(equalBytes(files[0]?.bytes ?? new Uint8Array(), input.kernel)).toBe(true);
  const out = memoryOutput(reference.value.image.length);
  const r = streamBuild(suite, { ...input, kernel: { length: input.kernel.length }, initrd: input.initrd === undefined ? undefined : { length: input.initrd.length } }, files.map((f) => f.component), out, options);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  expect(out.times.every((t) => t === 1)).toBe(true); // every byte written exactly once
  expect(r.value.imageSize).toBe(reference.value.image.length);
  expect(r.value.pageCount).toBe(reference.value.layout.pages.length);
  return { streamed: out.image, reference: reference.value.image, threaded: r.value.threaded, chunks: r.value.chunks };
}

const pattern = (length: number, salt: number): Uint8Array => new Uint8Array(length).map((_, i) => (i * 131 + (i >>> 12) * 7 + salt) & 0xff);
const secrets = deriveBuildSecrets(suite, utf8ToBytes('stream test'));
const base = (kernelLength: number, initrdLength: number | undefined): ImageBuildInput => ({
  ...secrets,
  kernel: pattern(kernelLength, 0),
  initrd: initrdLength === undefined ? undefined : pattern(initrdLength, 9),
  parmline: 'console=ttyS0 root=/dev/vda',
  hostKeys,
});
/** The worker encrypts every file chunk (this thread takes none), in chunks of three pages, two slots. */
const threaded: StreamOptions = { minWorkerPages: 1, chunkPages: 3, slots: 2, share: false };

describe('streamBuild', () => {
  it('writes the image buildImage builds, on this thread (a partial last kernel page, an initrd, a parmline, two host keys)', () => {
    const r = both(base(5 * PAGE_SIZE + 123, 3 * PAGE_SIZE + 7), { minWorkerPages: Infinity, chunkPages: 2 });
    expect(r.threaded).toBe(false);
    expect(r.chunks).toEqual({ fromWorker: 0, onThread: 3 + 2 });
    expect(equalBytes(r.streamed, r.reference)).toBe(true);
  });

  it('writes the same image with the worker encrypting ahead in chunks of three pages, two slots (ECB and WebAssembly, and node:crypto XTS per page)', () => {
    for (const perPageXts of [false, true]) {
      const r = both(base(20 * PAGE_SIZE + 1, 11 * PAGE_SIZE), { ...threaded, perPageXts });
      expect(r.threaded).toBe(true);
      expect(r.chunks).toEqual({ fromWorker: 7 + 4, onThread: 0 });
      expect(equalBytes(r.streamed, r.reference)).toBe(true);
    }
    // Chunks of 100 pages: the WebAssembly memory grows to hold them.
    const large = both(base(150 * PAGE_SIZE + 9, 11 * PAGE_SIZE), { ...threaded, chunkPages: 100 });
    expect(large.chunks).toEqual({ fromWorker: 2 + 1, onThread: 0 });
    expect(equalBytes(large.streamed, large.reference)).toBe(true);
  });

  it('with both threads taking chunks (the default), default chunks (64 pages) over a 1 MiB kernel, and a worker started early', () => {
    const early = startBuildWorker();
    const r = both(base(256 * PAGE_SIZE + 999, PAGE_SIZE), { minWorkerPages: 1, worker: early });
    expect(r.threaded).toBe(true);
    expect(r.chunks.fromWorker + r.chunks.onThread).toBe(5 + 1); // who took which depends on timing
    expect(equalBytes(r.streamed, r.reference)).toBe(true);
    const small = both(base(40 * PAGE_SIZE + 3, 9 * PAGE_SIZE), { minWorkerPages: 1, chunkPages: 2, slots: 3 });
    expect(small.chunks.fromWorker + small.chunks.onThread).toBe(21 + 5);
    expect(equalBytes(small.streamed, small.reference)).toBe(true);
  });

  it('into a file (and through -o -), the worker writes the chunks it fills itself, at their offsets, and the image is the same', () => {
    const input = base(200 * PAGE_SIZE + 77, 30 * PAGE_SIZE + 5);
    const reference = buildImage(suite, input);
    if (!reference.ok) throw new Error(JSON.stringify(reference.error));
    const files = [file(`k${Math.random()}`, input.kernel.length, 0), file(`i${Math.random()}`, input.initrd?.length ?? 0, 9)].map((f) => f.component);
    const sizes = { ...input, kernel: { length: input.kernel.length }, initrd: { length: input.initrd?.length ?? 0 } };
    for (const options of [{ ...threaded, chunkPages: 16 }, { minWorkerPages: 1, chunkPages: 8 }] as StreamOptions[]) {
      const target = path.join(dir, `out-${Math.random()}.img`);
      const out = openImageOutput(target, false, []);
      const r = streamBuild(suite, sizes, files, out, options);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      out.commit();
      // Without sharing the worker fills every file chunk; with it, who fills which depends on timing.
      if (options.share === false) expect(r.value.chunks).toEqual({ fromWorker: 13 + 2, onThread: 0 });
      expect(equalBytes(readFileSync(target), reference.value.image)).toBe(true);
      // -o -: the image goes through an unlinked temporary file, then in order to the descriptor.
      const piped = path.join(dir, `piped-${Math.random()}.img`);
      const fd = openSync(piped, 'w');
      const stdout = openImageOutput('-', false, [], fd);
      const p = streamBuild(suite, sizes, files, stdout, options);
      if (!p.ok) throw new Error(JSON.stringify(p.error));
      stdout.commit();
      closeSync(fd);
      expect(equalBytes(readFileSync(piped), reference.value.image)).toBe(true);
    }
  });

  it('stores the pages as they are under PCF bit 35, with and without the worker', () => {
    const input = { ...base(7 * PAGE_SIZE + 5, 2 * PAGE_SIZE), pcf: 0xe0n | PCF_NO_DECRYPTION };
    for (const options of [threaded, { minWorkerPages: Infinity }, { ...threaded, chunkPages: 100 }]) {
      const r = both(input, options);
      expect(equalBytes(r.streamed, r.reference)).toBe(true);
    }
  });

  it('a key whose halves are equal (OpenSSL refuses it) is encrypted by the suite on this thread, worker or not', () => {
    const half = secrets.xtsKey.subarray(0, 32);
    const input = { ...base(9 * PAGE_SIZE + 1, PAGE_SIZE), xtsKey: Uint8Array.from([...half, ...half]) };
    for (const options of [threaded, {}]) {
      const r = both(input, options);
      expect(r.threaded).toBe(false);
      expect(equalBytes(r.streamed, r.reference)).toBe(true);
    }
  });

  it('an empty kernel and no initrd still take their page', () => {
    const input: ImageBuildInput = { ...secrets, kernel: new Uint8Array(0), hostKeys: hostKeys.slice(0, 1) };
    for (const options of [threaded, {}]) {
      const r = both(input, options);
      expect(equalBytes(r.streamed, r.reference)).toBe(true);
    }
  });

  it('a worker that never answers is given up: this thread encrypts every chunk, and the image is the same', () => {
    const silent: BuildWorker = { post: () => undefined, terminate: () => undefined };
    for (const share of [false, true]) {
      // Waiting for the worker times out (share: false), or this thread claims every chunk first.
      const r = both(base(10 * PAGE_SIZE, 4 * PAGE_SIZE), { ...threaded, worker: silent, stallMs: 20, share });
      expect(r.threaded).toBe(true);
      expect(r.chunks).toEqual({ fromWorker: 0, onThread: 4 + 2 });
      expect(equalBytes(r.streamed, r.reference)).toBe(true);
    }
  });

  it('refuses a file that is shorter than its planned size (it changed while read), naming it', () => {
    const f = file('short.bin', 3 * PAGE_SIZE, 1);
    const input = { ...secrets, kernel: { length: 5 * PAGE_SIZE }, hostKeys: hostKeys.slice(0, 1) };
    for (const options of [threaded, { minWorkerPages: Infinity }]) {
      const out = memoryOutput(1 << 20);
      expect(() => streamBuild(suite, input, [{ ...f.component, length: 5 * PAGE_SIZE }], out, options)).toThrow(UsageError);
      expect(() => streamBuild(suite, input, [{ ...f.component, length: 5 * PAGE_SIZE }], out, options)).toThrow(/short\.bin: the file became shorter than 20480 bytes/);
    }
  });

  it('returns the model\'s build error for bad input, before any page is written', () => {
    const f = file('k.bin', 10, 1);
    const out = memoryOutput(1 << 20);
    const r = streamBuild(suite, { ...secrets, kernel: { length: 10 }, hostKeys: [] }, [f.component], out, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe('hostKeys');
    expect(out.times.every((t) => t === 0)).toBe(true);
  });
});

describe('semodel image build (streamed)', () => {
  it('writes the bytes of the model\'s buildImage for the same inputs and --seed (a small image)', async () => {
    const key = path.join(dir, 'host.pem');
    writeFileSync(key, generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const kernel = file('cli-kernel.bin', 6 * PAGE_SIZE + 11, 3);
    const initrd = file('cli-initrd.bin', 2 * PAGE_SIZE + 1, 4);
    const out = path.join(dir, 'cli.img');
    const r = await run('image', 'build', '--kernel', kernel.component.name, '--initrd', initrd.component.name, '--parmline', 'root=/dev/vda', '--host-key', key, '--seed', '7', '-o', out);
    expect(r.code, r.err).toBe(0);
    const expected = buildImage(suite, {
      ...deriveBuildSecrets(suite, seedOf('7')),
      kernel: kernel.bytes,
      initrd: initrd.bytes,
      parmline: 'root=/dev/vda',
      hostKeys: loadHostKeys(processIo, suite, [key]).map((k) => k.publicKey),
    });
    if (!expected.ok) throw new Error(JSON.stringify(expected.error));
    expect(Buffer.compare(readFileSync(out), expected.value.image)).toBe(0);
  });
});
