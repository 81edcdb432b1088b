/**
 * Seeds of a campaign: one 32-bit campaign seed, and each property's own seed derived from it
 * and the property's name, so that adding, removing or reordering properties leaves every other
 * property's runs as they were.
 * @module
 */

/** The largest campaign seed: seeds are 32-bit unsigned numbers. */
export const MAX_SEED = 0xffff_ffff;

/** True when `n` is a whole number from 0 to {@link MAX_SEED}. */
export function isSeed(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_SEED;
}

/** FNV-1a over the UTF-16 code units of `text`, 32 bits. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The seed of one property in a campaign: FNV-1a of `seed:mechanism/name`, then a final avalanche
 * (murmur3's fmix32) so that neighbouring campaign seeds give unrelated property seeds.
 * @example
 * ```ts
 * propertySeed(2026, 'image-unpack', 'noninterference'); // the same number on every machine
 * ```
 */
export function propertySeed(campaignSeed: number, mechanism: string, name: string): number {
  let h = fnv1a32(`${campaignSeed >>> 0}:${mechanism}/${name}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
