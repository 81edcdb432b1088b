/**
 * The owner's side of the requests a guest hands to the firmware: add-secret requests (ASRCB v1)
 * and attestation requests (ARCB) built with the formats of model/se-format/, with every random
 * value drawn from a seed, and what the owner recomputes from a response (the measurement, the
 * additional data, the secret-store hash). Also the owner's re-sealing of a request after an edit
 * (it holds the request key), for the stimulus of the firmware's later checks.
 * @module
 */
import { concatBytes, utf8ToBytes } from '../../model/core/bytes.js';
import { ATTEST_FLAG, buildArcb } from '../../model/se-format/arcb.js';
import { ASRCB_LAYOUT, buildAsrcb, type BootTags } from '../../model/se-format/asrcb.js';
import { decodeHeader } from '../../model/se-format/header-codec.js';
import { deriveExtensionSecret, type ExtensionSecretInput } from '../../model/se-format/extension-secret.js';
import { attestationMeasurement, encodeAdditionalData, secretStoreHash, type AdditionalData } from '../../model/se-format/measurement.js';
import { openUvRequest, type UvRequestLayout } from '../../model/se-format/uv-request.js';
import { seededBytes, type TestImage } from '../image-unpack/fixtures.js';
import { hostHash, hostPublics, openingHost, OWNER_SUITE, type ControlledImage } from './fixtures.js';

/** Customer private keys the owner's requests take (one per request in reality; a pool keeps ECDH memoized). */
export const REQUEST_CUSTOMERS: readonly Uint8Array[] = [0, 1].map((i) => {
  const d = new Uint8Array(66);
  d.set(OWNER_SUITE.sha512(utf8ToBytes(`semodel request-controls customer ${i}`)), 2);
  return d;
});

/** The secret of an add-secret request: type code, raw value (the text of plain text) and name. */
export interface SecretSpec {
  readonly type: number;
  readonly value: Uint8Array;
  /** The name whose SHA-256 is the ID (ignored for unlisted types). */
  readonly name: string;
}

/** Choices of an add-secret request beside its secret. */
export interface SecretRequestOptions {
  /** Host keys (indices) to make key slots for, in order; default: the image's. */
  readonly hosts?: readonly number[];
  /** 16 bytes; default zeros (any configuration). */
  readonly cuid?: Uint8Array;
  /** The extension secret: `derived` (default) from `cck` (default the image's CCK) and the guest's tag, `none`, or given bytes. */
  readonly extension?: 'derived' | 'none' | Uint8Array;
  readonly cck?: Uint8Array;
  /** The image the request names (default: the image's own PLD, ALD, TLD, tag). */
  readonly bootTags?: BootTags;
  readonly flags?: bigint;
  /** Seed of the IV, request key and the customer key chosen. */
  readonly seed?: number;
}

/** The boot tags of `image`: what an add-secret request binds to. */
export function bootTagsOf(image: ControlledImage): BootTags {
  return { pld: image.pld, ald: image.ald, tld: image.tld, headerTag: image.headerTag };
}

/** The random values of a request from `seed`: IV, request key, customer. */
export function requestRandoms(seed: number): { readonly iv: Uint8Array; readonly requestKey: Uint8Array; readonly customer: Uint8Array } {
  return {
    iv: seededBytes(seed ^ 0x1a2b3c4d, 12),
    requestKey: seededBytes(seed ^ 0x5e6f7a8b, 32),
    customer: REQUEST_CUSTOMERS[Math.abs(seed) % REQUEST_CUSTOMERS.length] as Uint8Array,
  };
}

/** An add-secret request of `secret` for `image`'s guest, as the owner (who knows the CCK) builds it. */
export function secretRequest(image: ControlledImage, secret: SecretSpec, o: SecretRequestOptions = {}): Uint8Array {
  const r = requestRandoms(o.seed ?? 0);
  const tags = o.bootTags ?? bootTagsOf(image);
  // The derived value is for the guest's own header tag, whatever image the request names.
  const ext = o.extension ?? 'derived';
  const extensionSecret: ExtensionSecretInput =
    ext === 'none'
      ? { mode: 'none' }
      : ext === 'derived'
        ? { mode: 'given', value: deriveExtensionSecret(OWNER_SUITE, o.cck ?? image.cck, image.headerTag) }
        : { mode: 'given', value: ext };
  const built = buildAsrcb(OWNER_SUITE, {
    iv: r.iv,
    requestKey: r.requestKey,
    customer: { privateKey: r.customer },
    hostKeys: hostPublics(o.hosts ?? image.hosts),
    flags: o.flags ?? 0n,
    bootTags: tags,
    cuid: o.cuid ?? new Uint8Array(16),
    secret: { type: secret.type, value: secret.value, name: secret.name },
    extensionSecret,
  });
  if (!built.ok) throw new Error(`test request did not build: ${built.error.field}: ${built.error.message}`);
  return built.value;
}

/**
 * An association secret's add-secret request for a guest booted from `image` (a mechanism-2 test
 * image, its header as built): bound to that image, any configuration (CUID zeros), with the
 * CCK-derived extension secret (accepted whether or not the image's SCF demands it), one key
 * slot per host key of the image. For the HSM-binding properties.
 */
export function associationRequest(image: TestImage, value: Uint8Array, name: string, seed = 0): Uint8Array {
  const h = decodeHeader(image.header);
  if (!h.ok) throw new Error('test headers decode');
  const controlled: ControlledImage = {
    base: image,
    header: image.header,
    pcf: h.value.pcf,
    scf: image.scf,
    cck: image.secrets[2] ?? new Uint8Array(32),
    pld: h.value.pld,
    ald: h.value.ald,
    tld: h.value.tld,
    headerTag: h.value.tag,
    hosts: image.hosts,
  };
  return secretRequest(controlled, { type: 0x02, value, name }, { seed });
}

/** The choices of an attestation request. */
export interface AttestationSpec {
  readonly paf: bigint;
  /** 64 bytes. */
  readonly measurementKey: Uint8Array;
  /** 16 bytes, when `paf` has the nonce bit. */
  readonly nonce?: Uint8Array;
  /** Host keys (indices) to make key slots for. */
  readonly hosts: readonly number[];
  readonly seed: number;
}

/** An ARCB as pvattest create makes it, and its request key (the ARPK). */
export function attestationRequest(spec: AttestationSpec): { readonly arcb: Uint8Array; readonly requestKey: Uint8Array } {
  const r = requestRandoms(spec.seed);
  const built = buildArcb(OWNER_SUITE, {
    iv: r.iv,
    requestKey: r.requestKey,
    customer: { privateKey: r.customer },
    hostKeys: hostPublics(spec.hosts),
    paf: spec.paf,
    measurementKey: spec.measurementKey,
    ...(spec.nonce === undefined ? {} : { nonce: spec.nonce }),
  });
  if (!built.ok) throw new Error(`test ARCB did not build: ${built.error.field}: ${built.error.message}`);
  return { arcb: built.value, requestKey: r.requestKey };
}

/** What the owner knows of the store: the tags of the requests it sent that were accepted, and whether it locked. */
export interface KnownStore {
  readonly tags: readonly Uint8Array[];
  readonly locked: boolean;
}

/** The additional data the owner expects for `paf`: image PHKH, attestation PHKH, store hash, as asked. */
export function expectedAdditionalData(paf: bigint, image: ControlledImage, arcbHosts: readonly number[], store: KnownStore): Uint8Array {
  const v: { -readonly [K in keyof AdditionalData]: Uint8Array } = {};
  const imageHost = openingHost(image.hosts);
  const arcbHost = openingHost(arcbHosts);
  if ((paf & ATTEST_FLAG.imagePhkh) !== 0n && imageHost !== undefined) v.imagePhkh = hostHash(imageHost);
  if ((paf & ATTEST_FLAG.attestationPhkh) !== 0n && arcbHost !== undefined) v.attestationPhkh = hostHash(arcbHost);
  if ((paf & ATTEST_FLAG.secretStoreHash) !== 0n) v.secretStoreHash = secretStoreHash(OWNER_SUITE, store.tags, store.locked);
  const out = encodeAdditionalData(paf, v);
  if (!out.ok) throw new Error(`expected additional data: ${out.error.field}: ${out.error.message}`);
  return out.value;
}

/** The measurement the owner expects (pvattest verify's recomputation). */
export function expectedMeasurement(
  image: ControlledImage,
  spec: Pick<AttestationSpec, 'measurementKey' | 'nonce'>,
  cuid: Uint8Array,
  userData: Uint8Array,
  additionalData: Uint8Array,
): Uint8Array {
  const m = attestationMeasurement(OWNER_SUITE, spec.measurementKey, {
    pld: image.pld,
    ald: image.ald,
    tld: image.tld,
    headerTag: image.headerTag,
    cuid,
    userData,
    ...(spec.nonce === undefined ? {} : { nonce: spec.nonce }),
    additionalData,
  });
  if (!m.ok) throw new Error(`expected measurement: ${m.error.field}: ${m.error.message}`);
  return m.value;
}

/** The request tag of an add-secret request: its last 16 bytes. */
export function tagOf(request: Uint8Array): Uint8Array {
  return request.slice(request.length - 16);
}

/**
 * `request` (authentic under `requestKey`) with its authenticated bytes and plaintext edited
 * and sealed again, as its owner can: the layout (RQL, NKS, SEA) must stay as it was.
 */
export function resealRequest(
  request: Uint8Array,
  requestKey: Uint8Array,
  edit: { readonly aad?: (aad: Uint8Array) => void; readonly plaintext?: (p: Uint8Array) => void },
  layout: UvRequestLayout = ASRCB_LAYOUT,
): Uint8Array {
  const opened = openUvRequest(OWNER_SUITE, request, layout, { kind: 'request-key', requestKey });
  if (!opened.ok) throw new Error(`reseal: the request does not open: ${opened.error.message}`);
  const aad = opened.value.aad.slice();
  const plaintext = opened.value.plaintext.slice();
  edit.aad?.(aad);
  edit.plaintext?.(plaintext);
  const sealed = OWNER_SUITE.aesGcmEncrypt(requestKey, opened.value.header.iv, plaintext, aad);
  return concatBytes(aad, sealed.ciphertext, sealed.tag);
}
