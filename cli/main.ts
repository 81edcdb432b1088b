/**
 * The `semodel` command: dispatches to its subcommands and turns every failure into one clear
 * line and an exit status (0 success, 1 a check failed, 2 unusable input or arguments).
 * @module
 */
import { campaign, CAMPAIGN_HELP } from './campaign.js';
import { imageCommand, IMAGE_HELP } from './image.js';
import { UsageError, processIo, type Io } from './io.js';
import { requirements, REQUIREMENTS_HELP } from './requirements.js';

export const HELP = `usage: semodel <command> [options]

Commands:
  image build     build a Secure Execution image from a kernel, initrd and parmline
  image inspect   show the fields of an image or header (decrypted with a host key)
  image verify    run the firmware's set-header, unpack and verify over an image
  campaign        run the model's properties (the default of npm start)
  requirements    trace spec/ requirements to rejection codes and properties

Run 'semodel <command> --help' for a command's options.

${CAMPAIGN_HELP}

${REQUIREMENTS_HELP}

${IMAGE_HELP}`;

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      case 'campaign':
        return campaign(rest, io);
      case 'requirements':
        return requirements(rest, io);
      case 'image':
        return await imageCommand(rest, io);
      default:
        throw new UsageError(`unknown command '${command}'; try 'semodel --help'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`semodel: ${e.message}`);
      return 2;
    }
    // A bug of semodel itself: still one line, and the status of unusable input.
    io.err(`semodel: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
