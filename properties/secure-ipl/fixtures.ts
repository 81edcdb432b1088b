/**
 * The loads the secure-IPL properties start from: a well-formed program table (stage 3 at
 * 0xA000, the kernel at 0x10000 entered by the default PSW, a parmline and an initrd elsewhere),
 * every component signed by a trusted key, and the edits a property makes to it. The bytes come
 * from a seed, so a run is a pure function of its input; signing is deterministic ECDSA.
 * @module
 */
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '../../model/core/bytes.js';
import type { ComponentKind, Ipl, IplComponent } from '../../model/secure-ipl/index.js';
import { DEFAULT_PSW, KERNEL_ADDRESS, STAGE3_ADDRESS } from '../../model/secure-ipl/index.js';
import type { WorldConfig } from '../../model/platform/index.js';
import { CONFIG, MACHINE } from '../image-unpack/fixtures.js';
import { signingKey, trailerOf, type SigningKey } from './signing.js';

/** The world every secure-IPL property resets to. */
export const IPL_CONFIG: WorldConfig = CONFIG;
/** The machine the loads name. */
export const IPL_MACHINE = MACHINE;
/** The storage of the loaded system: 32 MiB. */
export const IPL_MEMORY = 32n * 1024n * 1024n;

/** The trusted keys (two, so that a report lists the one that verified each component). */
export const TRUSTED: readonly SigningKey[] = [signingKey('trusted-1'), signingKey('trusted-2', 'semodel IPL signing key 2')];
/** A key no trusted certificate names: its certificate has the first trusted key's subject and issuer, another serial. */
export const UNTRUSTED: SigningKey = signingKey('untrusted');

/** Where the parmline and the initrd go (zipl's stage-3 parameter area; above the kernel). */
const PARMLINE_ADDRESS = 0x9000n;
const INITRD_ADDRESS = 0x1000000n;

/** The input of a well-formed load: a seed for the bytes, sizes, which trusted key signs each component, and which optional components exist. */
export interface LoadInput {
  readonly seed: number;
  readonly sizes: readonly [number, number, number, number];
  readonly signers: readonly [number, number, number, number];
  readonly parmline: boolean;
  readonly initrd: boolean;
}

/** Well-formed load inputs: small components (a few KiB at most), so that a run stays fast. */
export const loadInput: fc.Arbitrary<LoadInput> = fc.record({
  seed: fc.nat(1000),
  sizes: fc.tuple(fc.integer({ min: 1, max: 0x3000 }), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 0x1000 }), fc.integer({ min: 1, max: 4096 })),
  signers: fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1), fc.nat(1)),
  parmline: fc.boolean(),
  initrd: fc.boolean(),
});

/** `n` bytes from the seed and a label: SHA-256 in counter mode. */
export function seededData(seed: number, label: string, n: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 0; i * 32 < n; i++) blocks.push(sha256(utf8ToBytes(`semodel/secure-ipl/${seed}/${label}/${i}`)));
  return concatBytes(...blocks).slice(0, n);
}

/** A component of `kind` at `address` with data from the seed, signed by `key` (or not, for null). */
export function component(kind: ComponentKind, address: bigint, data: Uint8Array, key: SigningKey | null): IplComponent {
  return { kind, address, data, signature: key === null ? null : trailerOf(key, data) };
}

/** The well-formed, correctly signed program table of an input. */
export function wellFormedComponents(input: LoadInput): IplComponent[] {
  const key = (i: number): SigningKey => TRUSTED[input.signers[i] ?? 0] ?? TRUSTED[0] ?? UNTRUSTED;
  const data = (i: number, kind: ComponentKind): Uint8Array => seededData(input.seed, kind, input.sizes[i] ?? 1);
  const list = [component('stage3', STAGE3_ADDRESS, data(0, 'stage3'), key(0)), component('kernel', KERNEL_ADDRESS, data(1, 'kernel'), key(1))];
  if (input.parmline) list.push(component('parmline', PARMLINE_ADDRESS, data(2, 'parmline'), key(2)));
  if (input.initrd) list.push(component('initrd', INITRD_ADDRESS, data(3, 'initrd'), key(3)));
  return list;
}

/** The `ipl` action of a program table, with the trusted certificates and the default PSW unless given. */
export function iplAction(components: readonly IplComponent[], over: Partial<Omit<Ipl, 'kind' | 'components'>> = {}): Ipl {
  return {
    kind: 'ipl',
    machine: over.machine ?? IPL_MACHINE,
    memory: over.memory ?? IPL_MEMORY,
    psw: over.psw ?? DEFAULT_PSW,
    certificates: over.certificates ?? TRUSTED.map((k) => k.certificate),
    components,
  };
}
