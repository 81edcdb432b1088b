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
import { statSync } from 'node:fs';
import path from 'node:path';
import { PAGE_SIZE, utf8ToBytes } from '../model/core/bytes.js';
import { CCK_SIZE, DEFAULT_PCF, DEFAULT_SCF } from '../model/se-format/format.js';
import { deriveBuildSecrets, plannedComponents, streamImage, type ImageBuildInput, type StreamedImage } from '../model/se-format/image-builder.js';
import { parse, parseHex64 } from './args.js';
import { loadHostKeys } from './host-keys.js';
import { MIN_PARALLEL_PAGES, parallelXts, startXtsWorker } from './parallel-xts.js';
import { collectYoung } from './young-gc.js';
import { IMAGE_SUITE } from './image-common.js';
import { UsageError, type Io } from './io.js';

export const BUILD_HELP = `usage: semodel image build --kernel F [--initrd F] [--parmline TEXT] --host-key PEM... \\
                          [--pcf HEX] [--scf HEX] [--cck F] [--seed N] -o OUT [--force]

Builds a Secure Execution image (genprotimg v2.35.0 layout, stand-in boot loaders).
  --kernel F       the kernel (any size; padded to whole pages)
  --initrd F       the initial RAM disk (default: none)
  --parmline TEXT  the kernel command line; stored as its UTF-8 bytes and one NUL (default: none)
  --host-key PEM   a host's P-521 private key, public key or certificate (PEM); repeat it for
                   more hosts: each adds one key slot, in the order given
  --pcf HEX        plaintext control flags (default 0x${DEFAULT_PCF.toString(16)}; 0x10000000 stores the components unencrypted)
  --scf HEX        secret control flags (default 0x${DEFAULT_SCF.toString(16)})
  --cck F          the customer communication key: a file of exactly ${CCK_SIZE} bytes (default: derived from the seed)
  --seed N         make the build repeatable: every key, the IV and the tweaks derive from
                   SHA-256 of N's decimal digits (leading zeros ignored); without it the seed is
                   random and the image is not reproducible
  -o, --output OUT the image file to write; an existing file is kept unless --force
  --force          overwrite OUT if it exists
Prints one line: the file, its size, its secured pages and key slots.
Exit status: 0 built, 2 unusable input or arguments.`;

/** The 32-byte build seed of `--seed N`: SHA-256 of N's canonical decimal spelling. */
export function seedOf(value: string): Uint8Array {
  if (!/^\d+$/.test(value)) throw new UsageError(`--seed takes a whole number, got '${value}'`);
  return IMAGE_SUITE.sha256(utf8ToBytes(BigInt(value).toString(10)));
}

/** The total size of the files that exist among `paths` (a hint for starting work early). */
function inputBytes(paths: readonly (string | undefined)[]): number {
  let total = 0;
  for (const p of paths) total += p === undefined ? 0 : (statSync(p, { throwIfNoEntry: false })?.size ?? 0);
  return total;
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
  const clash = inputs.find((p) => path.resolve(p) === path.resolve(out));
  if (clash !== undefined) throw new UsageError(`-o ${out} is also an input (${clash}); choose another output`);
  if (!force && io.exists(out)) throw new UsageError(`${out} exists; choose another output or pass --force`);

  // A large build encrypts on a second thread; start it now, so that its start-up overlaps
  // reading the inputs (the sizes are only a hint: parallelXts decides, and ends it if unneeded).
  const early = inputBytes([kernelPath, values.initrd]) >= MIN_PARALLEL_PAGES * PAGE_SIZE ? startXtsWorker() : undefined;
  let streamed: StreamedImage | undefined;
  try {
    const hostKeys = loadHostKeys(io, IMAGE_SUITE, hostKeyPaths);
    // Kernel and initrd go to shared memory: the page encryption reads them from a worker thread.
    const kernel = io.readFileShared(kernelPath);
    const initrd = values.initrd === undefined ? undefined : io.readFileShared(values.initrd);
    let cck: Uint8Array | undefined;
    if (values.cck !== undefined) {
      cck = io.readFile(values.cck);
      if (cck.length !== CCK_SIZE) throw new UsageError(`${values.cck}: a CCK is exactly ${CCK_SIZE} bytes, the file has ${cck.length}`);
    }

    const secrets = deriveBuildSecrets(IMAGE_SUITE, seed ?? new Uint8Array(randomBytes(32)));
    // The image goes to the file piece by piece as it is built (pages first, the header last), so a
    // large build holds its inputs in memory but not a second copy of the image. The file appears
    // whole or not at all; an existing one is refused unless --force.
    const input: ImageBuildInput = {
      ...secrets,
      ...(cck === undefined ? {} : { cck }),
      kernel,
      initrd,
      parmline: values.parmline,
      hostKeys: hostKeys.map((k) => k.publicKey),
      pcf,
      scf,
    };
    // A second thread encrypts the kernel's and initrd's pages ahead of the builder (the output is
    // the same either way; see parallel-xts.ts).
    const xts = parallelXts(IMAGE_SUITE, secrets.xtsKey, plannedComponents(input), early === undefined ? {} : { worker: early });
    try {
      io.writeFileWith(out, force, (write) => {
        // Pages that are written and digested are garbage: collect them every 4 MiB (young-gc.ts).
        let pieces = 0;
        const r = streamImage(xts.suite, input, (offset, bytes) => {
          write(offset, bytes);
          if ((++pieces & 1023) === 0) collectYoung();
        });
        if (!r.ok) throw new UsageError(`cannot build the image: ${r.error.field}: ${r.error.message}`);
        streamed = r.value;
      });
    } finally {
      xts.close();
    }
  } finally {
    early?.terminate(); // when the inputs were refused before the build began
  }
  if (streamed === undefined) throw new UsageError('the image was not built'); // writeFileWith ran produce, or threw
  const { layout, pageCount } = streamed;
  const slots = hostKeyPaths.length; // one key slot per --host-key (loadHostKeys refuses twins)
  io.out(`wrote ${out}: ${layout.imageSize} bytes, ${pageCount} secured pages, ${slots} key slot${slots === 1 ? '' : 's'}` +
    (values.seed === undefined ? ' (random seed: not reproducible; pass --seed N to repeat a build)' : ` (seed ${BigInt(values.seed).toString(10)})`));
  return 0;
}
