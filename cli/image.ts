/**
 * `semodel image build|inspect|verify|extract`: the image commands. Each lives in its own file and is
 * imported when it runs (`build` does not load the firmware reducers that `verify` needs); this
 * one dispatches and makes the combined help.
 * @module
 */
import { runSubcommand } from './subcommands.js';
import type { Io } from './io.js';

/** The help of all image commands. */
export async function imageHelp(): Promise<string> {
  const [{ BUILD_HELP }, { INSPECT_HELP }, { VERIFY_HELP }, { EXTRACT_HELP }] = await Promise.all([
    import('./image-build.js'),
    import('./image-inspect.js'),
    import('./image-verify.js'),
    import('./image-extract.js'),
  ]);
  return `usage: semodel image <build|inspect|verify|extract> [options]

Builds, shows and checks IBM Z Secure Execution images (the real SE header and image format).
Host keys are P-521 keys in PEM form. Exit status: 0 success, 1 a check failed, 2 unusable
input or arguments.

${BUILD_HELP}

${INSPECT_HELP}

${VERIFY_HELP}

${EXTRACT_HELP}`;
}

/** The image command. Returns the exit status. */
export async function imageCommand(argv: string[], io: Io): Promise<number> {
  // The help gathers each command's own, which takes their imports: only when it is shown.
  const help = argv[0] === undefined || ['--help', '-h', 'help'].includes(argv[0]) ? await imageHelp() : '';
  return runSubcommand(argv, io, 'image', help, {
    build: async (rest) => (await import('./image-build.js')).imageBuild(rest, io),
    inspect: async (rest) => (await import('./image-inspect.js')).imageInspect(rest, io),
    verify: async (rest) => (await import('./image-verify.js')).imageVerify(rest, io),
    extract: async (rest) => (await import('./image-extract.js')).imageExtract(rest, io),
  });
}
