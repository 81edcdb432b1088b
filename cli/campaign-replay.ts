/**
 * `semodel campaign replay FILE`: replays a campaign failure file (a trace whose header carries
 * the property, fast-check's seed and path and the runs) by running the property again from
 * that seed and path. cli/campaign.ts routes `campaign replay` here.
 * @module
 */
import { FailureFileError, replayFailureText } from '../conformance/trace/failure.js';
import type { ModelSystem } from '../model/platform/index.js';
import { parse, onePositional } from './args.js';
import { UsageError, type Io } from './io.js';

export const CAMPAIGN_REPLAY_HELP = `usage: semodel campaign replay FILE [--json]

Replays a failure file that 'semodel campaign' wrote (FILE.trace.jsonl under --out): runs the
property its header names again with fast-check from the recorded seed and path (numRuns: the
recorded runs, endOnFailure), and prints one line: whether it fails again.

  --json  print {file, reproduced, message}

Exit status: 1 the failure reproduces, 0 the property now passes on that input, 2 the file is
not a usable failure trace. To compare the recorded steps with the model, use
'semodel trace replay FILE'.`;

/**
 * The campaign replay command. Returns the exit status. `options.system` replays on another
 * system than the model (the tests pass a deliberately broken one).
 * @example
 * ```ts
 * campaignReplay(['semodel-failures/image-unpack--start-implies-verify--seed-7.trace.jsonl'], io); // 1: it fails again
 * ```
 */
export function campaignReplay(argv: string[], io: Io, options: { system?: () => ModelSystem } = {}): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.out(CAMPAIGN_REPLAY_HELP);
    return 0;
  }
  const file = onePositional('campaign replay', positionals, 'FILE', 'a failure trace written by semodel campaign');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(io.readFile(file));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: not UTF-8 text`);
  }
  let r: { reproduced: boolean; message: string };
  try {
    r = replayFailureText(text, file, options);
  } catch (e) {
    if (e instanceof FailureFileError) throw new UsageError(e.message);
    throw e;
  }
  io.out(values.json === true ? JSON.stringify({ file, reproduced: r.reproduced, message: r.message }, null, 2) : r.message);
  return r.reproduced ? 1 : 0;
}
