/**
 * `semodel image build|inspect|verify`: the image commands. Each lives in its own file; this one
 * dispatches and holds the combined help.
 * @module
 */
import { BUILD_HELP, imageBuild } from './image-build.js';
import { imageInspect, INSPECT_HELP } from './image-inspect.js';
import { imageVerify, VERIFY_HELP } from './image-verify.js';
import { UsageError, type Io } from './io.js';

export const IMAGE_HELP = `usage: semodel image <build|inspect|verify> [options]

Builds, shows and checks IBM Z Secure Execution images (the real SE header and image format).
Host keys are P-521 keys in PEM form. Exit status: 0 success, 1 a check failed, 2 unusable
input or arguments.

${BUILD_HELP}

${INSPECT_HELP}

${VERIFY_HELP}`;

/** The image command. Returns the exit status. */
export async function imageCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case undefined:
      io.out(IMAGE_HELP);
      return 2;
    case '--help':
    case '-h':
    case 'help':
      io.out(IMAGE_HELP);
      return 0;
    case 'build':
      return imageBuild(rest, io);
    case 'inspect':
      return imageInspect(rest, io);
    case 'verify':
      return imageVerify(rest, io);
    default:
      throw new UsageError(`unknown image command '${sub}'; one of: build, inspect, verify`);
  }
}
