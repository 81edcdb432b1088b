/**
 * Any change to a correctly signed, well-formed load that the real platform can see halts it with
 * the right code (REQ-IPL-2 to REQ-IPL-6): a byte of a component's data or signature, an address,
 * the PSW, the order, an omitted, duplicated or added component; and a signature by a key no
 * trusted certificate names halts it (REQ-IPL-3).
 * @module
 */
import fc from 'fast-check';
import { SIGNATURE_MAGIC, TRAILER_OVERHEAD } from '../../model/se-format/appended-signature.js';
import type { IplComponent, IplCode } from '../../model/secure-ipl/index.js';
import { defineProperty } from '../property.js';
import { expectCode, sut } from '../sut-calls.js';
import { component, iplAction, IPL_CONFIG, IPL_MEMORY, loadInput, TRUSTED, UNTRUSTED, wellFormedComponents } from './fixtures.js';

/** The edits of {@link anyChangeHalts}. */
const EDITS = ['data-byte', 'signature-byte', 'address', 'psw-mask', 'swap', 'omit', 'duplicate', 'add'] as const;
type Edit = (typeof EDITS)[number];

interface Changed {
  readonly components: readonly IplComponent[];
  readonly psw?: bigint;
  /** The code the change halts with. */
  readonly code: IplCode;
}

/** `b` with bit `bit` of byte `at` flipped. */
function flip(b: Uint8Array, at: number, bit: number): Uint8Array {
  const c = b.slice();
  c[at] = (c[at] ?? 0) ^ (1 << bit);
  return c;
}

/** The change `edit` of the well-formed list `list` at position `pick` (a fraction), and the codes it halts with. */
function change(list: readonly IplComponent[], edit: Edit, pick: number, bit: number): Changed {
  const i = Math.floor(pick * list.length);
  const c = list[i] ?? list[0];
  const at = (arr: readonly IplComponent[], k: number, v: IplComponent): IplComponent[] => arr.map((x, j) => (j === k ? v : x));
  if (c === undefined) return { components: list, code: 'COMPONENT_MISSING' };
  switch (edit) {
    case 'data-byte':
      return { components: at(list, i, { ...c, data: flip(c.data, Math.floor(pick * 7919) % c.data.length, bit) }), code: 'SIGNATURE_INVALID' };
    case 'signature-byte': {
      // The last 104 bytes of the trailer: magic (28), info block (12, sig_len its last 4), the end of the
      // PKCS#7: inside the ECDSA signature value (at least 70 bytes). Other PKCS#7 bytes are not all
      // read by the kernel (it ignores the digestAlgorithms set, and takes any ecdsa-with-* OID).
      const sig = c.signature ?? new Uint8Array(0);
      const fromEnd = 1 + (Math.floor(pick * 104729) % (TRAILER_OVERHEAD + 64));
      const code: IplCode = fromEnd <= SIGNATURE_MAGIC.length ? 'SIGNATURE_MAGIC' : fromEnd <= SIGNATURE_MAGIC.length + 4 ? 'SIGNATURE_SIG_LEN' : fromEnd <= TRAILER_OVERHEAD ? 'SIGNATURE_INFO_BLOCK' : 'SIGNATURE_INVALID';
      return { components: at(list, i, { ...c, signature: flip(sig, sig.length - fromEnd, bit) }), code };
    }
    case 'address': {
      // Stage 3 and the kernel have fixed addresses; the parmline is moved onto stage 3, the initrd past the storage.
      const moved: Record<IplComponent['kind'], [bigint, IplCode]> = { stage3: [c.address + 0x1000n, 'LOADER_PLACEMENT'], kernel: [c.address + 0x1000n, 'NO_DESIGNATED_COMPONENT'], parmline: [0xa000n, 'COMPONENTS_OVERLAP'], initrd: [IPL_MEMORY, 'OUT_OF_MEMORY'] };
      const [address, code] = moved[c.kind];
      return { components: at(list, i, { ...c, address }), code };
    }
    case 'psw-mask':
      return { components: list, psw: 0x0008000080010000n ^ (1n << BigInt(32 + bit)), code: 'INVALID_LOAD_ADDRESS' };
    case 'swap': {
      const j = Math.min(i, list.length - 2);
      const a = list[j] ?? c;
      const b = list[j + 1] ?? c;
      return { components: at(at(list, j, b), j + 1, a), code: 'COMPONENT_ORDER' };
    }
    case 'omit':
      return { components: list.filter((_, j) => j !== i % 2), code: 'COMPONENT_MISSING' };
    case 'duplicate':
      return { components: [...list.slice(0, i + 1), c, ...list.slice(i + 1)], code: 'COMPONENT_DUPLICATE' };
    case 'add': {
      // A component of a kind already there, correctly signed, after the others: zipl's table has one of each.
      const extra = component(c.kind, 0x1800000n, c.data, TRUSTED[0] ?? UNTRUSTED);
      return { components: [...list, extra], code: 'COMPONENT_DUPLICATE' };
    }
  }
}

/** REQ-IPL-2 to REQ-IPL-6: every visible change halts the load with its code. */
export const anyChangeHalts = defineProperty({
  mechanism: 'secure-ipl',
  name: 'any-change-halts',
  requirements: ['REQ-IPL-2', 'REQ-IPL-3', 'REQ-IPL-4', 'REQ-IPL-5', 'REQ-IPL-6'],
  statement:
    "Changing a correctly signed, well-formed load (each of these edits, every run) by one bit of a component's data (SIGNATURE_INVALID) or of its signature's last 104 bytes (the check of the part hit: magic, sig_len, info block, the signature value), by moving a component (stage 3: LOADER_PLACEMENT; kernel: NO_DESIGNATED_COMPONENT; parmline onto stage 3: COMPONENTS_OVERLAP; initrd past the storage: OUT_OF_MEMORY), by a PSW mask bit (INVALID_LOAD_ADDRESS), by swapping two components (COMPONENT_ORDER), omitting stage 3 or the kernel (COMPONENT_MISSING), or duplicating or adding one (COMPONENT_DUPLICATE) halts it with that code.",
  arbitrary: fc.record({ input: loadInput, pick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), bit: fc.nat(7) }),
  *run({ input, pick, bit }) {
    const list = wellFormedComponents({ ...input, parmline: true, initrd: true });
    // Every edit each run, and the address edit on each of the four components.
    const runs = EDITS.flatMap((e): [Edit, number][] => (e === 'address' ? list.map((_, k): [Edit, number] => [e, (k + 0.5) / list.length]) : [[e, pick]]));
    for (const [edit, at] of runs) {
      yield* sut.reset(IPL_CONFIG);
      const c = change(list, edit, at, bit);
      const out = yield* sut.apply(iplAction(c.components, c.psw === undefined ? {} : { psw: c.psw }));
      yield* expectCode('ipl', out, c.code, `edit ${edit}`);
    }
  },
});

/** REQ-IPL-3: a signature by an untrusted key halts the load. */
export const untrustedKeyHalts = defineProperty({
  mechanism: 'secure-ipl',
  name: 'untrusted-key-halts',
  requirements: ['REQ-IPL-3'],
  statement:
    "A load one of whose components is signed by a key that no trusted certificate names (its certificate shares the trusted key's subject and issuer, not its serial), or whose signer's certificate is not in the store, halts with SIGNATURE_UNTRUSTED_KEY.",
  arbitrary: fc.record({ input: loadInput, which: fc.nat(3), dropCertificate: fc.boolean() }),
  *run({ input, which, dropCertificate }) {
    yield* sut.reset(IPL_CONFIG);
    const list = wellFormedComponents({ ...input, parmline: true, initrd: true });
    const certificates = TRUSTED.map((k) => k.certificate);
    if (dropCertificate) {
      // Every component signed by the first key, whose certificate is left out of the store.
      const first = TRUSTED[0] ?? UNTRUSTED;
      const signed = list.map((c) => component(c.kind, c.address, c.data, first));
      yield* expectCode('ipl', yield* sut.apply(iplAction(signed, { certificates: certificates.slice(1) })), 'SIGNATURE_UNTRUSTED_KEY', 'the signer certificate not in the store');
      return;
    }
    const c = list[which] ?? list[0];
    if (c === undefined) return;
    const changed = list.map((x, i) => (i === which ? component(c.kind, c.address, c.data, UNTRUSTED) : x));
    yield* expectCode('ipl', yield* sut.apply(iplAction(changed)), 'SIGNATURE_UNTRUSTED_KEY', `the ${c.kind} signed by the untrusted key`);
  },
});

/** REQ-IPL-4: the component the load PSW enters must be signed. */
export const unsignedEntryHalts = defineProperty({
  mechanism: 'secure-ipl',
  name: 'unsigned-entry-halts',
  requirements: ['REQ-IPL-4'],
  statement:
    'A well-formed load whose kernel, the component the load PSW enters, carries no signature halts with DESIGNATED_UNSIGNED, whichever other components are signed; one whose PSW enters no component halts with NO_DESIGNATED_COMPONENT.',
  arbitrary: fc.record({ input: loadInput, unsignAll: fc.boolean(), nowhere: fc.boolean() }),
  *run({ input, unsignAll, nowhere }) {
    yield* sut.reset(IPL_CONFIG);
    const list = wellFormedComponents(input).map((c) => (c.kind === 'kernel' || (unsignAll && c.kind !== 'stage3') ? { ...c, signature: null } : c));
    if (nowhere) {
      yield* expectCode('ipl', yield* sut.apply(iplAction(wellFormedComponents(input), { psw: 0x0008000080000000n | 0x7ff0000n })), 'NO_DESIGNATED_COMPONENT', 'the PSW enters no component');
      return;
    }
    yield* expectCode('ipl', yield* sut.apply(iplAction(list)), 'DESIGNATED_UNSIGNED', 'the kernel unsigned');
  },
});
