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

/**
 * The BER/DER value that `der` starts with, or why it is not one. Total: asn1js reports most
 * malformed input in its result but throws on some (a GeneralizedTime whose text is no time).
 * Decodes a copy: callers may hand views into buffers that change.
 */
export function decodeBer(der: Uint8Array): { readonly ok: true; readonly value: Asn1js.AsnType } | { readonly ok: false; readonly error: string } {
  try {
    const asn1 = asn1Libraries().asn1js.fromBER(der.slice());
    return asn1.offset === -1 ? { ok: false, error: asn1.result.error } : { ok: true, value: asn1.result };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
