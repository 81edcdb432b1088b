/** Declarations of bin/tunables.mjs, for the TypeScript that imports it (the bench). */
type Env = Readonly<Record<string, string | undefined>>;
/** The tunable semodel sets: `rep movsb` only for copies of 1 GiB and more. */
export declare const REP_MOVSB_TUNABLE: string;
/** Whether `env` already says how glibc copies. */
export declare function hasCopyTunable(env: Env): boolean;
/** `env` with the tunable added to any the user set. */
export declare function tunedEnv(env: Env): Record<string, string | undefined>;
/** `env` without the tunable. */
export declare function untunedEnv(env: Env): Record<string, string | undefined>;
/** Whether this process should relaunch itself with the tunable. */
/** Whether a command (argv after the script) copies pages by the million, so relaunching pays. */
export declare function relaunchPays(argv: readonly string[]): boolean;
export declare function shouldRelaunch(env?: Env, platform?: string, arch?: string): boolean;
/** Semi-space size (MiB) of the relaunched commands' young generation. */
export declare const SEMI_SPACE_MIB: number;
/** The node options to add for the young generation, given the options already in force. */
export declare function youngGenerationArgs(execArgv: readonly string[], env: Env): string[];
/** Runs this same node command again with the tunable; resolves to its exit code. */
export declare function relaunchTuned(): Promise<number>;
