/**
 * The `semodel` command: dispatches to its subcommands and turns every failure into one clear
 * line and an exit status (0 success, 1 a check failed, 2 unusable input or arguments).
 * @module
 */
import { UsageError, guardProcessOutput, processIo, semodelVersion, type Io } from './io.js';

// Each command is imported when it runs: `image build` should not pay for loading fast-check and
// every property, nor `campaign` for the image codecs' CLI.

export const HELP = `usage: semodel <command> [options]

Commands:
  semodel image build --kernel F [--initrd F] [--parmline TEXT] --host-key PEM... [--pcf N] [--scf N] [--cck F] [--seed N] -o OUT [--force]
      build a Secure Execution image from a kernel, initrd and parmline
  semodel image inspect FILE [--host-key PEM...] [--show-secrets] [--json]
      show the fields of an image or header (decrypted with a host private key)
  semodel image verify IMAGE --host-key PEM... [--json]
      run the firmware's set-header, unpack and verify over an image
  semodel image extract IMAGE --host-key PEM... --out DIR [--force]
      verify an image, then write its decrypted kernel, initrd and parmline into DIR
  semodel campaign [--mechanism M]... [--property P]... [--runs N | --time S] [--seed N] [--workers N] [--shard K/N] [--json]
      run the model's properties (the default of npm start); 'campaign merge DIR...' joins shards,
      'campaign replay FILE' replays a failure
  semodel explore --mechanism M --depth D [--guests G] [--json]
      explore every schedule of a small action alphabet up to depth D, checking invariants
  semodel requirements [--json] [--write FILE [--force]]
      trace spec/ requirements to rejection codes, guard order and properties
  semodel schema [--out DIR] [--actions FILE] [--check] [--force]
      write JSON Schema of actions, outcomes, parties, views and config, and docs/actions.md
  semodel trace replay FILE [--json]
  semodel trace export FILE --itf -o OUT [--force]
  semodel trace import FILE.itf.json -o OUT [--force]
      replay a trace file on the model; convert it to ITF (Quint, Apalache) and back
  semodel trace check FILE [--json]
      check someone else's trace (JSON lines or ITF) on the model: the first divergence, with context
  semodel vectors export --out DIR [--mechanism M]... [--force]
  semodel vectors run DIR --adapter "CMD ARGS" [--json] [--timeout-ms T]
      write deterministic conformance vectors; run them against an adapter
  semodel conform --adapter "CMD ARGS" [--mechanism M]... [--runs N | --time S] [--seed N] [--timeout-ms T] [--out DIR] [--json]
  semodel conform replay FILE --adapter "CMD ARGS" [--json]
      check an implementation behind an adapter against the model, side by side; replay a saved divergence
  semodel adapter [--faulty NAME]
      serve the model as an adapter (semodel-adapter/1 JSON-RPC on stdin/stdout), the reference adapter;
      --faulty NAME serves a deliberately wrong implementation (--faulty list names them)
  semodel attest create --host-key PEM... [--no-nonce] [--phkh-img] [--phkh-att] [--secret-store-hash] [--seed N] -o REQUEST [--arpk OUT]
  semodel attest measure --request REQUEST --host-key PEM --header HDR --cuid HEX [--user-data F] -o RESPONSE
  semodel attest verify --response RESPONSE --header HDR --arpk ARPK [--json]
      attestation requests on IBM's formats (pvattest): make one, answer it as the firmware, verify the answer
  semodel secret create --type TYPE [--name NAME] [--secret F] --host-key PEM... (--header HDR | --pld HEX ...) -o REQUEST
  semodel secret inspect REQUEST (--host-key PEM | --customer-key F --host-key CRT) [--json]
      add-secret requests on IBM's format (pvsecret): make one, open one from the machine's or the owner's side
  semodel dump create --memory MEM.bin --cpus CPUS.json [--page-states STATES.json] (--cck F | --owner-key PEM) [--seed N] -o DUMP.elf
  semodel dump open DUMP.elf (--cck F | --owner-key PEM) -o MEMORY.bin [--json]
      secure-guest dumps: the real zgetdump format or the seed mode; open one as its owner
  semodel ipl check-component FILE --trusted CERT [--trusted CERT]... [--json]
  semodel ipl run --component KIND=FILE[@ADDR] [--component ...]... --trusted CERT... [--psw HEX] [--json]
      secure IPL of signed components: the kernel's verdict on one signed file; a whole IPL with its report
  semodel hkd verify HKD --cert CERT [--cert CERT]... [--crl CRL]... --root-ca CRT --at ISO-TIME [--json]
      a host-key document checked as IBM's verifier checks it, at a given time

Run 'semodel <command> --help' (or 'semodel image|attest|secret|dump|ipl|hkd <command> --help') for a command's options;
'semodel --version' (or -V) prints the version.
Exit status: 0 success, 1 a check or property failed, 2 unusable input or arguments.`;

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  // A closed pipe or a full disk on stdout: one line and exit 2, whatever the command.
  if (io === processIo) guardProcessOutput();
  try {
    switch (command) {
      case '--version':
      case '-V':
        io.out(semodelVersion());
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      case 'campaign':
        return await (await import('./campaign.js')).campaign(rest, io);
      case 'explore':
        return (await import('./explore.js')).explore(rest, io);
      case 'requirements':
        return (await import('./requirements.js')).requirements(rest, io);
      case 'schema':
        return (await import('./schema.js')).schema(rest, io);
      case 'trace':
        return (await import('./trace.js')).traceCommand(rest, io);
      case 'vectors':
        return await (await import('./vectors.js')).vectorsCommand(rest, io);
      case 'image':
        return await (await import('./image.js')).imageCommand(rest, io);
      case 'conform':
        return await (await import('./conform.js')).conform(rest, io);
      case 'adapter':
        return await (await import('./adapter.js')).adapterCommand(rest, io);
      case 'attest':
        return (await import('./attest.js')).attestCommand(rest, io);
      case 'secret':
        return (await import('./secret.js')).secretCommand(rest, io);
      case 'dump':
        return (await import('./dump.js')).dumpCommand(rest, io);
      case 'ipl':
        return (await import('./ipl.js')).iplCommand(rest, io);
      case 'hkd':
        return (await import('./hkd.js')).hkdCommand(rest, io);
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
