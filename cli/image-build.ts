/**
 * `semodel image build`: builds an SE image as genprotimg v2.35.0 lays it out, with the model's
 * stand-in boot loaders, for one key slot per `--host-key`.
 *
 * Randomness: every random value of the image (header key, XTS key, CCK, IV, tweak randoms,
 * customer key) comes from `deriveBuildSecrets(suite, seed)` with a 32-byte seed. With `--seed N`
 * the seed is SHA-256 of the canonical decimal spelling of N (no sign, no leading zeros: `007`
 * is `7`), so the same inputs and N give the same image byte for byte. Without it the seed is 32
 * bytes of node:crypto `randomBytes`, and the build does not repeat.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { PAGE_SIZE, utf8ToBytes } from '../model/core/bytes.js';
import { CCK_SIZE, DEFAULT_PCF, DEFAULT_SCF } from '../model/se-format/format.js';
import { deriveBuildSecrets, type ImagePlanInput } from '../model/se-format/image-builder.js';
import { parse, parseHex64 } from './args.js';
import { loadHostKeys } from './host-keys.js';
import { openImageOutput, type ImageOutput } from './image-build-output.js';
import { MIN_WORKER_PAGES, streamBuild, type FileComponent, type StreamedBuild } from './image-build-stream.js';
import { dropEarlyBuildWorker, takeBuildWorker, type BuildWorker } from './image-build-worker.js';
import { IMAGE_SUITE } from './image-common.js';
import { UsageError, type Io } from './io.js';

export const BUILD_HELP = `usage: semodel image build --kernel F [--initrd F] [--parmline TEXT] --host-key PEM... \\
                          [--pcf N] [--scf N] [--cck F] [--seed N] -o OUT [--force]

Builds a Secure Execution image (genprotimg v2.35.0 layout, stand-in boot loaders).
  --kernel F       the kernel (any size; padded to whole pages)
  --initrd F       the initial RAM disk (default: none)
  --parmline TEXT  the kernel command line; stored as its UTF-8 bytes and one NUL (default: none)
  --host-key PEM   a host's P-521 private key, public key or certificate (PEM); repeat it for
                   more hosts: each adds one key slot, in the order given
  --pcf N          plaintext control flags, 64 bits: hex with a 0x prefix, or decimal (224 is 0xe0)
                   (default 0x${DEFAULT_PCF.toString(16)}; 0x10000000 stores the components unencrypted)
  --scf N          secret control flags, 64 bits: hex with a 0x prefix, or decimal (default 0x${DEFAULT_SCF.toString(16)})
  --cck F          the customer communication key: a file of exactly ${CCK_SIZE} bytes (default: derived from the seed)
  --seed N         make the build repeatable: every key, the IV and the tweaks derive from
                   SHA-256 of N's decimal digits (leading zeros ignored); without it the seed is
                   random and the image is not reproducible
  -o, --output OUT the image file to write, or - for standard output; only a regular file or a
                   new path (a FIFO, device, directory or symbolic link is refused, even with
                   --force); an existing file is kept unless --force
  --force          overwrite OUT if it is an existing regular file
The kernel and initrd must be regular files; they are read in chunks while the image is
written (pages first, the header last, through a temporary file), so memory stays small
whatever their size.
Prints one line: the file, its size, its secured pages and key slots (on standard error
with -o -).
Exit status: 0 built, 2 unusable input or arguments.`;

/** The 32-byte build seed of `--seed N`: SHA-256 of N's canonical decimal spelling. */
export function seedOf(value: string): Uint8Array {
  if (!/^\d+$/.test(value)) throw new UsageError(`--seed takes a whole number, got '${value}'`);
  return IMAGE_SUITE.sha256(utf8ToBytes(BigInt(value).toString(10)));
}

/** Opens a kernel or initrd for reading in chunks; its size is taken now (the image is planned on it). */
function openInput(file: string, fds: number[]): FileComponent {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  fds.push(fd);
  const s = fstatSync(fd);
  if (!s.isFile()) throw new UsageError(`${file}: not a regular file (the build reads its size first, then its pages)`);
  return { fd, length: s.size, name: file };
}

/** The build command. Returns the exit status. */
export function imageBuild(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      kernel: { type: 'string' },
      initrd: { type: 'string' },
      parmline: { type: 'string' },
      'host-key': { type: 'string', multiple: true },
      pcf: { type: 'string' },
      scf: { type: 'string' },
      cck: { type: 'string' },
      seed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help === true) {
    io.out(BUILD_HELP);
    return 0;
  }
  const kernelPath = values.kernel;
  const out = values.output;
  const hostKeyPaths = values['host-key'] ?? [];
  if (kernelPath === undefined) throw new UsageError('image build needs --kernel F');
  if (hostKeyPaths.length === 0) throw new UsageError('image build needs at least one --host-key PEM');
  if (out === undefined) throw new UsageError('image build needs -o OUT');
  const pcf = values.pcf === undefined ? undefined : parseHex64('pcf', values.pcf, DEFAULT_PCF);
  const scf = values.scf === undefined ? undefined : parseHex64('scf', values.scf, DEFAULT_SCF);
  const seed = values.seed === undefined ? undefined : seedOf(values.seed);
  const force = values.force === true;

  // Nothing the user passes in is lost: OUT may not be one of the inputs, even with --force.
  const inputs = [kernelPath, values.initrd, values.cck, ...hostKeyPaths].filter((p): p is string => p !== undefined);
  const clash = out === '-' ? undefined : inputs.find((p) => path.resolve(p) === path.resolve(out));
  if (clash !== undefined) throw new UsageError(`-o ${out} is also an input (${clash}); choose another output`);

  const fds: number[] = [];
  let worker: BuildWorker | undefined;
  let output: ImageOutput | undefined;
  let streamed: StreamedBuild | undefined;
  try {
    // The kernel and initrd are read chunk by chunk while the image is built, never whole.
    const kernel = openInput(kernelPath, fds);
    const initrd = values.initrd === undefined ? undefined : openInput(values.initrd, fds);
    // A large build encrypts on a second thread, started by bin/semodel.mjs or now, so that its
    // start-up overlaps loading the host keys (streamBuild decides, and ends it if unneeded).
    if (kernel.length + (initrd?.length ?? 0) >= MIN_WORKER_PAGES * PAGE_SIZE) worker = takeBuildWorker();
    else dropEarlyBuildWorker();
    const hostKeys = loadHostKeys(io, IMAGE_SUITE, hostKeyPaths);
    let cck: Uint8Array | undefined;
    if (values.cck !== undefined) {
      cck = io.readFile(values.cck);
      if (cck.length !== CCK_SIZE) throw new UsageError(`${values.cck}: a CCK is exactly ${CCK_SIZE} bytes, the file has ${cck.length}`);
    }
    // Checked last among the inputs, so that a refused input leaves no temporary file behind.
    output = openImageOutput(out, force, inputs);

    const secrets = deriveBuildSecrets(IMAGE_SUITE, seed ?? new Uint8Array(randomBytes(32)));
    const input: ImagePlanInput = {
      ...secrets,
      ...(cck === undefined ? {} : { cck }),
      kernel: { length: kernel.length },
      initrd: initrd === undefined ? undefined : { length: initrd.length },
      parmline: values.parmline,
      hostKeys: hostKeys.map((k) => k.publicKey),
      pcf,
      scf,
    };
    const r = streamBuild(IMAGE_SUITE, input, initrd === undefined ? [kernel] : [kernel, initrd], output, worker === undefined ? {} : { worker });
    worker = undefined; // streamBuild owns it now, and has ended it
    if (!r.ok) throw new UsageError(`cannot build the image: ${r.error.field}: ${r.error.message}`);
    output.commit();
    streamed = r.value;
  } finally {
    worker?.terminate(); // when an input was refused before the build began
    dropEarlyBuildWorker(); // one that bin/semodel.mjs started for a build refused before it was taken
    if (streamed === undefined) output?.abort();
    for (const fd of fds) closeSync(fd);
  }
  if (streamed === undefined) throw new UsageError('the image was not built'); // unreachable: the try either set it or threw
  const { imageSize, pageCount } = streamed;
  const slots = hostKeyPaths.length; // one key slot per --host-key (loadHostKeys refuses twins)
  const summary =
    `wrote ${out === '-' ? 'standard output' : out}: ${imageSize} bytes, ${pageCount} secured pages, ${slots} key slot${slots === 1 ? '' : 's'}` +
    (values.seed === undefined ? ' (random seed: not reproducible; pass --seed N to repeat a build)' : ` (seed ${BigInt(values.seed).toString(10)})`);
  // With -o - the image is standard output: the summary goes to standard error.
  if (out === '-') io.err(summary);
  else io.out(summary);
  return 0;
}
