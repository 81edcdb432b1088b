/**
 * pkijs and asn1js, loaded the first time a certificate or a signature is read. They are half of
 * what the image commands would otherwise load and compile at every start (about 0.7 MB of
 * JavaScript), and an image is verified, built or dumped without reading any certificate; only
 * secure IPL (mechanism 1) and host-key documents need them. Node loads both ES modules
 * synchronously through `require` (Node ≥ 20.19), so the model's steps stay synchronous.
 * @module
 */
import { createRequire } from 'node:module';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

/** The two libraries, as their module namespaces. */
export interface Asn1Libraries {
  readonly pkijs: typeof Pkijs;
  readonly asn1js: typeof Asn1js;
}

let loaded: Asn1Libraries | undefined;

/**
 * pkijs and asn1js, loaded on the first call.
 * @example
 * ```ts
 * const { asn1js, pkijs } = asn1Libraries();
 * const cert = new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
 * ```
 */
export function asn1Libraries(): Asn1Libraries {
  if (loaded === undefined) {
    const load = createRequire(import.meta.url);
    loaded = { pkijs: load('pkijs') as typeof Pkijs, asn1js: load('asn1js') as typeof Asn1js };
  }
  return loaded;
}
