/**
 * A correctly signed, well-formed load always continues, into the kernel, with a report that says
 * exactly what was verified (REQ-IPL-3, REQ-IPL-4, REQ-IPL-7); and a load whose optional
 * components are not signed continues too, with their entries' flags clear.
 * @module
 */
import fc from 'fast-check';
import { COMPONENT_KINDS, KERNEL_ADDRESS } from '../../model/secure-ipl/index.js';
import { defineProperty } from '../property.js';
import { expectAccepted, holds, sut } from '../sut-calls.js';
import { iplAction, IPL_CONFIG, loadInput, TRUSTED, wellFormedComponents } from './fixtures.js';
import { reportMismatch } from './report-check.js';

/** REQ-IPL-7: the well-formed load continues and its report is exact. */
export const wellFormedContinues = defineProperty({
  mechanism: 'secure-ipl',
  name: 'well-formed-load-continues',
  requirements: ['REQ-IPL-3', 'REQ-IPL-4', 'REQ-IPL-7'],
  statement:
    "A well-formed program table whose components are all signed by trusted keys continues, entering the kernel at 0x10000, and its IPL report has one entry per component in order, SIGNED and VERIFIED set, each naming the certificate that verified it, and exactly those certificates.",
  arbitrary: loadInput,
  *run(input) {
    yield* sut.reset(IPL_CONFIG);
    const components = wellFormedComponents(input);
    const out = yield* sut.apply(iplAction(components));
    yield* expectAccepted('REQ-IPL-3', 'ipl', out, 'a well-formed, correctly signed load');
    yield* holds('REQ-IPL-4', out.kind === 'accepted' && (out.response as { entry?: unknown }).entry === KERNEL_ADDRESS, 'the load did not enter the kernel at 0x10000');
    // Each kind is signed by the key its own position in `signers` names (fixtures.ts).
    const certs = components.map((c) => TRUSTED[input.signers[COMPONENT_KINDS.indexOf(c.kind)] ?? 0]?.certificate ?? null);
    const why = reportMismatch(out, components, certs);
    yield* holds('REQ-IPL-7', why === null, why ?? '');
  },
});

/** REQ-IPL-7: unsigned optional components are loaded and reported as not signed. */
export const reportFlagsExact = defineProperty({
  mechanism: 'secure-ipl',
  name: 'report-flags-exact',
  requirements: ['REQ-IPL-7'],
  statement:
    'When the stage-3 loader, the parmline or the initrd carries no signature, the load still continues (only the kernel must be signed), and the report marks exactly the signed components SIGNED and VERIFIED and lists only the certificates that verified one.',
  arbitrary: fc.record({ input: loadInput, unsigned: fc.array(fc.constantFrom<number>(0, 2, 3), { maxLength: 3 }) }),
  *run({ input, unsigned }) {
    yield* sut.reset(IPL_CONFIG);
    const components = wellFormedComponents({ ...input, parmline: true, initrd: true }).map((c, i) => (unsigned.includes(i) ? { ...c, signature: null } : c));
    const out = yield* sut.apply(iplAction(components));
    const certs = components.map((c, i) => (c.signature === null ? null : (TRUSTED[input.signers[i] ?? 0]?.certificate ?? null)));
    const why = reportMismatch(out, components, certs);
    yield* holds('REQ-IPL-7', why === null, why ?? '');
  },
});
