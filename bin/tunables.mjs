// The C library's memcpy setting semodel runs under. glibc 2.36 (Debian 12's) copies 4 KiB and
// more with `rep movsb` (upstream later changed that choice for Zen 3 and 4, glibc bug 30994),
// which on AMD Zen cores is slow to start and 15-20 times slower still
// when the destination lies 1 to 31 bytes past the source modulo 4096: a 4 KiB page takes
// 0.15-2.4 µs to copy where its vector loop takes 0.08-0.1 µs (bench/dispatch.ts measures both,
// live). Every step copies its pages at the boundary, so semodel's commands run with the vector
// loop: `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=…` makes glibc keep `rep movsb` for
// copies of 1 GiB and more, which semodel never makes. glibc reads its tunables when a process
// starts, so a command relaunches itself once with the setting; elsewhere (another C library,
// another CPU, the setting already made, or SEMODEL_NO_RELAUNCH set) nothing happens.

/** The tunable semodel sets: `rep movsb` only for copies of 1 GiB and more. */
export const REP_MOVSB_TUNABLE = 'glibc.cpu.x86_rep_movsb_threshold=1073741824';

/** Whether `env` already says how glibc copies (ours or the user's own setting, which wins). */
export function hasCopyTunable(env) {
  return (env.GLIBC_TUNABLES ?? '').includes('x86_rep_movsb_threshold');
}

/** `env` with the tunable added to any the user set. */
export function tunedEnv(env) {
  if (hasCopyTunable(env)) return { ...env };
  const own = env.GLIBC_TUNABLES;
  return { ...env, GLIBC_TUNABLES: own ? `${own}:${REP_MOVSB_TUNABLE}` : REP_MOVSB_TUNABLE };
}

/** `env` without the tunable: glibc's own choice (the bench's comparison). */
export function untunedEnv(env) {
  const kept = (env.GLIBC_TUNABLES ?? '').split(':').filter((t) => t !== '' && !t.includes('x86_rep_movsb_threshold'));
  const out = { ...env };
  if (kept.length === 0) delete out.GLIBC_TUNABLES;
  else out.GLIBC_TUNABLES = kept.join(':');
  return out;
}

/**
 * Whether a command copies pages by the million, so that relaunching (about 0.1 s) pays: a
 * campaign, conform, explore and trace replay. The image commands do not relaunch: `verify` and
 * `extract` copy each page of an image once, at page-aligned offsets, which `rep movsb` copies as
 * fast (a 72 MiB verify takes as long under the setting as without it), and a 72 MiB `build`
 * took 1.5 times genprotimg's wall time relaunched against 1.1 times not (bench/build.ts,
 * alternated): a second start of node costs more than the copies save.
 */
export function relaunchPays(argv) {
  const [command] = argv;
  return command === 'campaign' || command === 'conform' || command === 'explore' || command === 'trace';
}

/**
 * The young generation semodel's relaunched commands run with: semi-spaces of
 * {@link SEMI_SPACE_MIB} MiB. A model step allocates many small objects that die within a few
 * steps (actions, outcomes, the path copies of persistent maps); with V8's default of 16 MiB the
 * scavenger runs every few thousand steps and copies what is still alive each time. Nothing is
 * added when the user's node options already set a semi-space size.
 */
export const SEMI_SPACE_MIB = 64;

/** The node options to add for the young generation, given the options already in force. */
export function youngGenerationArgs(execArgv, env) {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((a) => a.includes('semi-space-size')) ? [] : [`--max-semi-space-size=${SEMI_SPACE_MIB}`];
}

/** Whether this process should relaunch itself with the tunable. */
export function shouldRelaunch(env = process.env, platform = process.platform, arch = process.arch) {
  return platform === 'linux' && arch === 'x64' && !hasCopyTunable(env) && !env.SEMODEL_NO_RELAUNCH;
}

/**
 * Runs this same node command again with the tunable and resolves to its exit code; the child
 * shares stdin, stdout and stderr, and the signals a terminal sends reach it (as they reach this
 * process, which waits for the child to finish rather than die first).
 */
export function relaunchTuned() {
  return Promise.all([import('node:child_process'), import('node:os')]).then(
    ([{ spawn }, { constants }]) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [...process.execArgv, ...youngGenerationArgs(process.execArgv, process.env), ...process.argv.slice(1)], {
          stdio: 'inherit',
          env: tunedEnv(process.env),
        });
        const forward = (signal) => () => child.kill(signal);
        const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => [s, forward(s)]);
        for (const [s, h] of handlers) process.on(s, h);
        child.on('error', (e) => {
          process.stderr.write(`semodel: cannot relaunch: ${e.message}\n`);
          resolve(2);
        });
        child.on('exit', (code, signal) => {
          for (const [s, h] of handlers) process.off(s, h);
          // A child killed by a signal exits as a shell reports it: 128 + the signal's number.
          resolve(code ?? 128 + (constants.signals[signal] ?? 0));
        });
      }),
  );
}
