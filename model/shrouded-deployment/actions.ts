/**
 * The actions of mechanism 8 (shrouded virtual server, spec/shrouded-deployment.md): the host
 * manager's answer with the hosting system's authentication information, the client's
 * verification of it at a given time, the client's release of an image or secret, the request to
 * deploy in shrouded mode, and a request to change a security setting of a machine's hypervisor.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';
import { HKD_CHECKS } from '../se-format/hkd-verify.js';

/** The most certificates or CRLs one authentication information carries. */
export const MAX_AUTH_FILES = 16;

/** The security settings of the preconfigured hypervisor that immutable mode freezes. */
export const SECURITY_SETTINGS = ['dump', 'interception', 'memory-sharing', 'debug', 'console'] as const;

/** A security setting. */
export type SecuritySetting = (typeof SECURITY_SETTINGS)[number];

/** Who asks to change a setting (any party may try). */
export const SETTING_REQUESTERS = ['host-manager', 'hypervisor', 'client'] as const;

/** What a client releases to a host. */
export const RELEASE_KINDS = ['image', 'secret'] as const;

const certificates = t.array(t.bytes({ doc: 'a DER X.509 certificate' }), { max: MAX_AUTH_FILES, doc: 'the IBM Z signing key and intermediate CA(s), in order' });
const crls = t.array(t.bytes({ doc: 'a DER X.509 CRL' }), { max: MAX_AUTH_FILES, doc: 'the CRLs of the signing key and the chain' });

export const SHROUD_AUTH_INFO = defineAction({
  kind: 'shroud-auth-info',
  doc: "The host manager answers a client's request with the hosting system's authentication information: its host-key document and the chain to IBM's signing key, with CRLs.",
  caller: 'host-manager',
  fields: { machine: t.id('the hosting system') },
  response: { hkd: t.bytes({ doc: 'the host-key document, DER' }), certificates, crls },
});

export const SHROUD_VERIFY_HOST = defineAction({
  kind: 'shroud-verify-host',
  doc: "The client verifies a hosting system's authentication information as IBM's verifier does, at the given time, against the root CA it trusts, and records the verdict for that host.",
  caller: 'client',
  fields: {
    client: t.id('the client'),
    machine: t.id('the hosting system the information is for'),
    hkd: t.bytes({ doc: 'the host-key document, DER' }),
    certificates,
    crls,
    at: t.u64('the verification time, Unix seconds'),
  },
  response: {
    verdict: t.enum(['valid', 'invalid'] as const, "IBM's verdict"),
    failedCheck: t.nullable(t.enum(HKD_CHECKS, 'the first check that failed'), 'null when valid'),
  },
});

export const SHROUD_RELEASE = defineAction({
  kind: 'shroud-release',
  doc: 'The client releases its boot image (an SE header built for the host) or a secret to a hosting system it verified.',
  caller: 'client',
  fields: {
    client: t.id('the client'),
    machine: t.id('the hosting system'),
    what: t.enum(RELEASE_KINDS, 'an SE image (its header) or a secret'),
    payload: t.bytes({ doc: "the image's SE header, or the secret (e.g. an add-secret request)" }),
  },
  response: {},
});

export const SHROUD_DEPLOY = defineAction({
  kind: 'shroud-deploy',
  doc: "A request to deploy the client's virtual server in shrouded mode: the host manager deploys the preconfigured hypervisor in immutable mode, which deploys the client's released image as the server; the server's identifier is returned.",
  caller: 'client',
  fields: { client: t.id('the client'), machine: t.id('the hosting system') },
  response: { server: t.id('the virtual server, unique'), image: t.bytes({ size: 16, doc: "the header tag of the image the server runs" }) },
});

export const SHROUD_SET_SETTING = defineAction({
  kind: 'shroud-set-setting',
  doc: "A request to change a security setting of a machine's hypervisor; refused once the hypervisor runs in immutable mode.",
  caller: 'hypervisor',
  fields: {
    machine: t.id('the machine whose hypervisor'),
    by: t.enum(SETTING_REQUESTERS, 'who asks'),
    setting: t.enum(SECURITY_SETTINGS, 'the security setting'),
    value: t.u64('its new value'),
  },
  response: {},
});

/** Every action of mechanism 8. */
export const SHROUD_ACTIONS = [SHROUD_AUTH_INFO, SHROUD_VERIFY_HOST, SHROUD_RELEASE, SHROUD_DEPLOY, SHROUD_SET_SETTING] as const;

export type ShroudAuthInfo = ActionOfSpec<typeof SHROUD_AUTH_INFO>;
export type ShroudVerifyHost = ActionOfSpec<typeof SHROUD_VERIFY_HOST>;
export type ShroudRelease = ActionOfSpec<typeof SHROUD_RELEASE>;
export type ShroudDeploy = ActionOfSpec<typeof SHROUD_DEPLOY>;
export type ShroudSetSetting = ActionOfSpec<typeof SHROUD_SET_SETTING>;
