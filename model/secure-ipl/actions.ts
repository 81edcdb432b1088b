/**
 * The secure IPL of mechanism 1, declared once as a schema: one load of a list of components
 * (zipl's program table: stage-3 loader, kernel, parmline, initrd; each with its load address,
 * its data and, when it is signed, its appended signature) with the machine's trusted
 * verification certificates and the load PSW.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';

/** The kinds of component, in the order zipl's program table holds them. */
export const COMPONENT_KINDS = ['stage3', 'kernel', 'parmline', 'initrd'] as const;

/** A kind of component. */
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** The most certificates the machine's certificate store holds (DIAG 0x320: 64). */
export const MAX_CERTIFICATES = 64;

/** One component of the program table. */
export const IPL_COMPONENT = t.object({
  kind: t.enum(COMPONENT_KINDS, 'what the component is: stage-3 loader, kernel image, parmline, initial ramdisk'),
  address: t.u64('the load address'),
  data: t.bytes({ doc: 'the bytes loaded at the address (the file without its appended signature)' }),
  signature: t.nullable(t.bytes({ doc: 'the appended signature as the file carries it after the data: PKCS#7 ‖ info block ‖ magic' }), 'null: the component is not signed'),
});

/** A secure IPL. */
export const IPL = defineAction({
  kind: 'ipl',
  doc: "Load a machine by secure IPL: verify every component's signature with the trusted certificates (the kernel's rules), check that the component the load PSW enters is signed and verified, check the fixed load address and PSW and the layout, and continue with the IPL report.",
  caller: 'host-manager',
  fields: {
    machine: t.id('the machine to load'),
    memory: t.u64('the bytes of storage the loaded system has'),
    psw: t.u64('the load PSW (mask and address in one u64, as zipl writes it)'),
    certificates: t.array(t.bytes({ doc: 'a trusted verification certificate, DER X.509' }), { max: MAX_CERTIFICATES, doc: "the machine's certificate store" }),
    components: t.array(IPL_COMPONENT, { max: 16, doc: "zipl's program table, in order" }),
  },
  response: {
    report: t.bytes({ doc: 'the IPL report followed by the certificates its entries point to (addresses relative to the report)' }),
    entry: t.u64('the address the load PSW enters'),
  },
});

/** Every secure-IPL action kind. */
export const IPL_ACTIONS = [IPL] as const;

/** A secure IPL. */
export type Ipl = ActionOfSpec<typeof IPL>;
/** One component of a secure IPL. */
export type IplComponent = Ipl['components'][number];
