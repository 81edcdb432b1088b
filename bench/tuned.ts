/**
 * The bench runs as semodel's commands do, under glibc's faster copy (bin/tunables.mjs): run
 * without it, it relaunches itself once with it and exits with the relaunched run's code.
 * @module
 */
import { relaunchTuned, shouldRelaunch } from '../bin/tunables.mjs';

/** Relaunches this process under the tunable where that applies; returns only when it did not. */
export async function runTuned(): Promise<void> {
  if (!shouldRelaunch()) return;
  process.exit(await relaunchTuned());
}
