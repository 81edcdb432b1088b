/**
 * The honest hypervisor of mechanism 2, once: create a guest big enough for the image, hand
 * over its header, unpack every page the image lists in its order (address, tweak, stored bytes),
 * verify, start. `semodel image verify`, the properties and the vector tests all drive images
 * through this one function, against any implementation (it only applies actions).
 * @module
 */
import type { Outcome } from '../core/outcome.js';
import type { ImagePage } from '../se-format/image-pages.js';

/** What the honest driver needs of an image. */
export interface HonestImage {
  readonly header: Uint8Array;
  /** The secured pages in image order. */
  readonly pages: readonly ImagePage[];
}

/** The calls the honest driver makes, in order. */
export type HonestCall =
  | { readonly kind: 'create-guest'; readonly machine: number; readonly memoryPages: number }
  | { readonly kind: 'set-header'; readonly guest: number; readonly header: Uint8Array }
  | { readonly kind: 'unpack'; readonly guest: number; readonly address: bigint; readonly tweak: Uint8Array; readonly page: Uint8Array }
  | { readonly kind: 'verify'; readonly guest: number }
  | { readonly kind: 'start'; readonly guest: number };

/** One call and its outcome. */
export interface HonestStep {
  readonly action: HonestCall;
  readonly outcome: Outcome<unknown>;
}

/** Where the honest run got to. */
export interface HonestRun {
  /** The guest created, or null when create-guest was rejected. */
  readonly guest: number | null;
  readonly steps: readonly HonestStep[];
  /** The first rejected step, or null when the guest started. */
  readonly rejected: HonestStep | null;
  /** Pages the firmware accepted. */
  readonly unpacked: number;
}

/** The calls after create-guest: set-header, one unpack per page, verify, start. */
export function honestCalls(guest: number, image: HonestImage): HonestCall[] {
  return [
    { kind: 'set-header', guest, header: image.header },
    ...image.pages.map((p): HonestCall => ({ kind: 'unpack', guest, address: p.address, tweak: p.tweak, page: p.stored })),
    { kind: 'verify', guest },
    { kind: 'start', guest },
  ];
}

/**
 * Drives `image` honestly through `apply` on `machine`, stopping at the first rejection.
 * @param apply the system's apply (the model's step, or another implementation's)
 */
export function driveHonest(
  apply: (action: HonestCall) => Outcome<unknown>,
  machine: number,
  memoryPages: number,
  image: HonestImage,
): HonestRun {
  const steps: HonestStep[] = [];
  const run = (action: HonestCall): HonestStep => {
    const s = { action, outcome: apply(action) };
    steps.push(s);
    return s;
  };
  const created = run({ kind: 'create-guest', machine, memoryPages });
  const response = created.outcome.kind === 'accepted' ? (created.outcome.response as { guest?: unknown }) : undefined;
  if (response === undefined || typeof response.guest !== 'number') return { guest: null, steps, rejected: created, unpacked: 0 };
  const guest = response.guest;
  let unpacked = 0;
  for (const call of honestCalls(guest, image)) {
    const s = run(call);
    if (s.outcome.kind === 'rejected') return { guest, steps, rejected: s, unpacked };
    if (call.kind === 'unpack') unpacked++;
  }
  return { guest, steps, rejected: null, unpacked };
}
