/**
 * How a campaign's work is split: the properties selected, the share of one shard (a fixed,
 * deterministic 1/N of them), and each property's share of a time budget.
 * @module
 */

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The items of shard `index` of `count`: every `count`-th item starting at `index - 1`. Which
 * shard an item falls in depends on its position in the selection only, so that every shard
 * of a campaign agrees without talking to the others, and the shards together are the selection.
 * @example
 * ```ts
 * shardOf(['a', 'b', 'c', 'd'], { index: 2, count: 3 }); // ['b']
 * ```
 */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * Parses `K/N` (K from 1 to N), or returns why not.
 */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (m === null) return `--shard takes K/N (K from 1 to N), got '${text}'`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count || !Number.isSafeInteger(count)) return `--shard K/N needs 1 ≤ K ≤ N, got '${text}'`;
  return { index, count };
}

/**
 * The shard an Indexed Job's pod runs: `JOB_COMPLETION_INDEX` (0-based, as Kubernetes sets it)
 * of `count`, or why not.
 */
export function shardFromIndex(indexText: string, count: number): Shard | string {
  if (!/^\d+$/.test(indexText)) return `JOB_COMPLETION_INDEX must be a whole number, got '${indexText}'`;
  const index = Number(indexText) + 1;
  if (index > count) return `JOB_COMPLETION_INDEX ${indexText} is not below --shard-count ${count}`;
  return { index, count };
}

/** Milliseconds of a `seconds` budget for each of `n` properties (at least 1 ms each). */
export function timeShare(seconds: number, n: number): number {
  return Math.max(1, Math.floor((seconds * 1000) / Math.max(1, n)));
}

/**
 * Rough relative cost of one run of each property (seconds of a 100-run campaign on this
 * project's reference machine, rounded): only the order in which workers take properties depends
 * on it, never a result. Unknown properties count as 2.
 */
export const COST_HINTS: Readonly<Record<string, number>> = {
  'platform/caller-buffers-not-kept': 3,
  'platform/step-total': 2,
  'secure-ipl/stimulus-each-guard': 60,
  'secure-ipl/well-formed-load-continues': 3,
  'secure-ipl/any-change-halts': 3,
  'secure-ipl/untrusted-key-halts': 3,
  'secure-ipl/unsigned-entry-halts': 2,
  'secure-ipl/continue-implies-all-stages': 3,
  'secure-ipl/report-flags-exact': 3,
  'image-unpack/header-codec-round-trip': 0.2,
  'image-unpack/header-bit-flip-rejected': 0.5,
  'image-unpack/stimulus-each-guard': 8,
  'image-unpack/stimulus-every-phase': 4,
  'image-unpack/stimulus-guard-pairs': 8,
  'image-unpack/key-slot-names-own-host-key': 2.5,
  'image-unpack/tweak-uniqueness': 2,
  'image-unpack/tweaks-follow-formula': 0.5,
  'image-unpack/honest-unpack-yields-plaintext': 2,
  'image-unpack/targeted-edits-fail-verify': 2,
  'image-unpack/start-implies-verify': 2.5,
  'image-unpack/adversarial-schedule-integrity': 2.5,
  'image-unpack/hypervisor-view-confidential': 8,
  'image-unpack/noninterference': 10,
  'image-unpack/guests-independent': 10,
  'request-controls/stimulus-each-guard': 15,
  'request-controls/stimulus-guard-pairs': 17,
  'request-controls/stimulus-every-phase': 7,
  'request-controls/controls-gate-responses': 5,
  'startup-order/stimulus-each-guard': 11.5,
  'startup-order/all-start-iff-satisfiable': 0.7,
  'startup-order/malformed-lists-refused': 0.6,
  'startup-order/startup-hidden-from-hypervisor': 0.6,
  'secure-dump/owner-opens-dump': 4,
  'secure-dump/dump-confidential': 5,
  'secure-dump/stimulus-each-guard': 3,
  'secure-interception/stimulus-each-guard': 6,
  'secure-interception/stimulus-guard-pairs': 8,
  'shrouded-deployment/stimulus-each-guard': 4,
  'shrouded-deployment/nothing-to-unauthenticated-host': 1,
  'shrouded-deployment/verdict-independent-of-order': 1,
  'shrouded-deployment/immutable-after-deploy': 1,
  'shrouded-deployment/servers-unique-and-as-built': 1,
  'migration/stimulus-each-guard': 29,
  'migration/migration-confidential': 3,
  'secure-interception/footprint-only-in-view': 1.5,
  'secure-interception/noninterference': 2.5,
  'confidential-boot/stimulus-each-guard': 33,
  'confidential-boot/keys-and-plaintext-hidden': 1.5,
  'confidential-boot/tamper-changes-plaintext': 1,
  'confidential-boot/boot-stops-with-its-code': 1,
  'confidential-boot/read-after-write': 1,
  'confidential-boot/boot-runs-the-real-chain': 0.8,
};

/** The cost hint of `key` (`mechanism/name`); unknown properties count as 2. */
function costOf(key: string): number {
  return COST_HINTS[key] ?? 2;
}

/**
 * `keys` (`mechanism/name`) costliest first: workers that take the next property when free then
 * finish close together (longest processing time first), instead of one worker starting the
 * costliest property last.
 */
export function costliestFirst(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => costOf(b) - costOf(a));
}

/**
 * The properties of a campaign handed out to `workers` workers, each keeping to its own run of
 * neighbouring properties. Every process compiles the code it runs (V8's optimizing compiler
 * costs about a fifth of a campaign's CPU time), and neighbours in the selection share a
 * mechanism and its code: a worker that stays within one part of the selection compiles that
 * part only, where workers taking from one shared queue would each compile nearly everything.
 *
 * The selection is cut into `workers` contiguous parts of about equal cost; a worker takes its
 * own part costliest first, and when that is empty takes the cheapest property left in the
 * part with the most cost left, so that the workers still finish close together.
 * @example
 * ```ts
 * const q = new WorkQueue(['a/x', 'a/y', 'b/x', 'b/y'], 2);
 * q.take(0); // 'a/x' or 'a/y': worker 0 starts in the first half
 * ```
 */
export class WorkQueue {
  readonly #parts: string[][];

  constructor(keys: readonly string[], workers: number) {
    const n = Math.max(1, Math.min(workers, keys.length));
    const total = keys.reduce((s, k) => s + costOf(k), 0);
    const parts: string[][] = Array.from({ length: n }, () => []);
    let done = 0;
    for (const k of keys) {
      // The part whose share of the total cost this key's midpoint falls in.
      const i = Math.min(n - 1, Math.floor(((done + costOf(k) / 2) / total) * n));
      parts[i]?.push(k);
      done += costOf(k);
    }
    this.#parts = parts.map((p) => costliestFirst(p));
  }

  /** Properties not yet taken. */
  get size(): number {
    return this.#parts.reduce((s, p) => s + p.length, 0);
  }

  /** The next property for worker `worker` (0-based), or undefined when none is left. */
  take(worker: number): string | undefined {
    const own = this.#parts[worker % this.#parts.length];
    if (own !== undefined && own.length > 0) return own.shift();
    let richest: string[] | undefined;
    let most = 0;
    for (const p of this.#parts) {
      const left = p.reduce((s, k) => s + costOf(k), 0);
      if (left > most) [richest, most] = [p, left];
    }
    return richest?.pop();
  }
}
