/**
 * The `semodel` command: dispatches to its subcommands and turns every failure into one clear
 * line and an exit status (0 success, 1 a check failed, 2 unusable input or arguments).
 * @module
 */
import { UsageError, processIo, type Io } from './io.js';

// Each command is imported when it runs: `image build` should not pay for loading fast-check and
// every property, nor `campaign` for the image codecs' CLI.

export const HELP = `usage: semodel <command> [options]

Commands:
  semodel image build --kernel F [--initrd F] [--parmline TEXT] --host-key PEM... [--pcf HEX] [--scf HEX] [--cck F] [--seed N] -o OUT [--force]
      build a Secure Execution image from a kernel, initrd and parmline
  semodel image inspect FILE [--host-key PEM...] [--show-secrets] [--json]
      show the fields of an image or header (decrypted with a host private key)
  semodel image verify IMAGE --host-key PEM... [--json]
      run the firmware's set-header, unpack and verify over an image
  semodel campaign [--mechanism NAME] [--runs N] [--seed N] [--json]
      run the model's properties (the default of npm start)
  semodel requirements [--json] [--write FILE [--force]]
      trace spec/ requirements to rejection codes, guard order and properties
  semodel schema [--out DIR] [--actions FILE] [--check] [--force]
      write JSON Schema of actions, outcomes, parties, views and config, and docs/actions.md

Run 'semodel <command> --help' (or 'semodel image <command> --help') for a command's options.
Exit status: 0 success, 1 a check or property failed, 2 unusable input or arguments.`;

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
        return (await import('./campaign.js')).campaign(rest, io);
      case 'requirements':
        return (await import('./requirements.js')).requirements(rest, io);
      case 'schema':
        return (await import('./schema.js')).schema(rest, io);
      case 'image':
        return await (await import('./image.js')).imageCommand(rest, io);
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
