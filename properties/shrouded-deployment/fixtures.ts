/**
 * Fixtures of mechanism 8's properties: the world (image-unpack's two machines), the honest
 * host's authentication information and its hostile variants (the host-key-document vectors'
 * files, embedded through the model's fixture), the verification time, and SE images built for
 * each machine's host key, made once per process (building one costs an ECDH).
 * @module
 */
import { utf8ToBytes } from '../../model/core/bytes.js';
import type { Action } from '../../model/platform/index.js';
import { HONEST_HKD, IBM_INTERMEDIATE_CA, IBM_INTERMEDIATE_CA_CRL, IBM_SIGNING_KEY, IBM_SIGNING_KEY_CRL, REVOKED_HKD } from '../../model/se-format/hkd-fixture.js';
import type { WorldConfig } from '../../model/world/config.js';
import { CONFIG as UNPACK_CONFIG, imageOf, MACHINE, OTHER_MACHINE, type TestImage } from '../image-unpack/fixtures.js';

export { MACHINE, OTHER_MACHINE };

/** Machines 0 and 1 (image-unpack's fixture world). */
export const CONFIG: WorldConfig = UNPACK_CONFIG;

/** A machine no configuration has. */
export const NO_MACHINE = 7;

/** The clients the properties use. */
export const CLIENTS = [1, 2] as const;

/** The verification time of the vectors: 2026-01-01T00:00:00Z. */
export const AT = 1767225600n;

/** A time after the signing key and intermediate expired (2389-01-01). */
export const AT_EXPIRED = 13283164800n;

/** The honest authentication information, as the host manager answers. */
export const HONEST = { hkd: HONEST_HKD, certificates: [IBM_SIGNING_KEY, IBM_INTERMEDIATE_CA], crls: [IBM_SIGNING_KEY_CRL, IBM_INTERMEDIATE_CA_CRL] } as const;

/** Authentication information a hostile host manager might send, each with the check it fails. */
export const HOSTILE: readonly { readonly name: string; readonly info: typeof HONEST | { hkd: Uint8Array; certificates: readonly Uint8Array[]; crls: readonly Uint8Array[] }; readonly at: bigint; readonly failedCheck: string }[] = [
  { name: 'no intermediate', info: { ...HONEST, certificates: [IBM_SIGNING_KEY] }, at: AT, failedCheck: 'chain' },
  { name: "no signing key's CRL", info: { ...HONEST, crls: [IBM_INTERMEDIATE_CA_CRL] }, at: AT, failedCheck: 'crl-missing' },
  { name: "no intermediate's CRL", info: { ...HONEST, crls: [IBM_SIGNING_KEY_CRL] }, at: AT, failedCheck: 'chain-crl-missing' },
  { name: 'no signing key', info: { ...HONEST, certificates: [IBM_INTERMEDIATE_CA] }, at: AT, failedCheck: 'signing-key-subject' },
  { name: 'signing key twice', info: { ...HONEST, certificates: [IBM_SIGNING_KEY, IBM_SIGNING_KEY, IBM_INTERMEDIATE_CA] }, at: AT, failedCheck: 'signing-key-multiple' },
  { name: 'intermediate as the document', info: { ...HONEST, hkd: IBM_INTERMEDIATE_CA }, at: AT, failedCheck: 'hkd-akid' },
  { name: 'too late', info: HONEST, at: AT_EXPIRED, failedCheck: 'chain-crl-outdated' },
  { name: 'revoked document', info: { ...HONEST, hkd: REVOKED_HKD }, at: AT, failedCheck: 'hkd-revoked' },
];

/** Not DER: what a hostile host manager may send instead of a certificate. */
export const GARBAGE = utf8ToBytes('not a certificate');

const images = new Map<number, TestImage>();

/** An SE image built for host key `host` (0, 1: machine 0; 2: machine 1), made once per process. */
export function imageFor(host: number): TestImage {
  let image = images.get(host);
  if (image === undefined) {
    const z = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
    image = imageOf(
      { kernelPages: 2, kernelTail: 4096, initrdPages: 0, initrdTail: 64, parmlineLength: undefined, hosts: [host], noDecryption: false, tweakRandoms: { kernel: z(6, 1), parmline: z(6, 2), initrd: z(6, 3), stage3b: z(6, 4) } },
      { contentSeed: 8 + host, headerKey: z(32, 5 + host), xtsKey: z(64, 6 + host), cck: z(32, 7), iv: z(12, 8), customer: 0, scf: 0n, pswAddress: 0x10000n } as Parameters<typeof imageOf>[1],
    );
    images.set(host, image);
  }
  return image;
}

/** The header tag of an image (the last 16 bytes of its header). */
export function tagOf(image: TestImage): Uint8Array {
  return image.header.slice(image.header.length - 16);
}

/** The actions of an honest client's whole path on `machine`: verify, release the image, deploy. */
export function honestPath(client: number, machine: number, host: number): Action[] {
  return [
    { kind: 'shroud-verify-host', client, machine, ...HONEST, certificates: [...HONEST.certificates], crls: [...HONEST.crls], at: AT },
    { kind: 'shroud-release', client, machine, what: 'image', payload: imageFor(host).header },
    { kind: 'shroud-deploy', client, machine },
  ];
}
