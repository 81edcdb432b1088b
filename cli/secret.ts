/**
 * `semodel secret create|inspect`: add-secret requests (ASRCB v1) on IBM's real format.
 * `create` is the owner making a request, as pvsecret create (given IBM's test inputs it writes
 * IBM's bytes); `inspect` opens one from the machine's side (host private key) or from the
 * owner's (customer private key + host public key: ECDH is symmetric) and shows every field.
 * @module
 */
import { runSubcommand } from './subcommands.js';
import { CCK_SIZE } from '../model/se-format/format.js';
import {
  ADD_SECRET_FLAG_DISABLE_DUMP,
  asrcbUserData,
  buildAsrcb,
  decodeAsrcb,
  openAsrcb,
  type Asrcb,
  type AsrcbCheck,
  type BootTags,
  type OpenedAsrcb,
} from '../model/se-format/asrcb.js';
import { deriveExtensionSecret, type ExtensionSecretInput } from '../model/se-format/extension-secret.js';
import { SECRET_TYPES, secretType, type SecretTypeInfo } from '../model/se-format/secret-types.js';
import type { RequestOpener } from '../model/se-format/uv-request.js';
import { USER_DATA_SIZE, type UserDataInput } from '../model/se-format/user-data.js';
import { parse, onePositional } from './args.js';
import { listing } from './image-common.js';
import { UsageError, type Io } from './io.js';
import { loadHostKey } from './host-keys.js';
import {
  bootTagsOfHeader,
  fileOfSize,
  hex,
  hex64,
  hexFlag,
  loadCustomerKey,
  loadRequestHostKeys,
  randomSeed,
  refuseOutputClash,
  REQUEST_SUITE,
  requestRandomness,
  requestSeed,
  shortHex,
} from './request-common.js';

const TYPE_NAMES = SECRET_TYPES.map((t) => t.name).join(', ');

/** The help of `secret create`. */
export const SECRET_CREATE_HELP = `usage: semodel secret create --type TYPE [--name NAME] [--secret F] --host-key PEM...
                            (--header HDR | --pld HEX --ald HEX --tld HEX --header-tag HEX)
                            [--cuid HEX] [--extension-secret none|derived|F] [--cck F] [--disable-dump]
                            [--user-data F [--user-data-key PEM]]
                            [--iv HEX --request-key F --customer-key F | --seed N] -o REQUEST [--force]

Makes an add-secret request (ASRCB version 1), as pvsecret create.
  --type TYPE           one of: ${TYPE_NAMES}
  --name NAME           the secret's name; its ID is SHA-256 of it (every type but null and update-cck)
  --secret F            the secret's value: 32 bytes (association, update-cck; random if not given),
                        the text (plaintext, up to 8190 bytes), or the key bytes of the type's size
                        (aes-128 16, aes-256 32, aes-xts-256 64, hmac-sha-512 128, ec-p521 80, ...)
  --host-key PEM        a host key (private key, public key or certificate, P-521); repeat it for
                        more machines: one key slot each, in the order given; the same key twice
                        gives two slots (as IBM's library does) and a warning
  --header HDR          bind to the image of this SE header (or whole image): its PLD, ALD, TLD, tag
  --pld/--ald/--tld HEX --header-tag HEX   or give them: 64, 64, 64 and 16 bytes in hex
  --cuid HEX            the configuration unique ID the request is for (16 bytes; default zeros: any)
  --extension-secret X  none (32 zero bytes, the default), derived (HKDF-SHA512 of --cck with the
                        header tag; what SCF bit 1 requires), or a file of 32 bytes
  --cck F               the image's 32-byte customer communication key (for derived)
  --disable-dump        flag bit 0: once added, the firmware gives no more dump keys for the guest
  --user-data F         user data (type 1: up to 512 bytes; with --user-data-key, type 2: up to 256)
  --user-data-key PEM   sign the request with this P-521 private key (ECDSA SHA-512, user-data type 2)
  --iv HEX --request-key F --customer-key F
                        the request's randomness, all three: the 12-byte IV in hex, a file of the
                        32-byte request key, and the customer key (P-521 private key PEM, or the raw
                        scalar of 66 or 80 bytes, as IBM's private_cust.bin); IBM's inputs give IBM's bytes
  --seed N              or derive them (and a missing association secret) from N: repeatable;
                        without either they are random
  -o, --output REQUEST  the request file; an existing file is kept unless --force
Exit status: 0 written, 2 unusable input or arguments.`;

/** The help of `secret inspect`. */
export const SECRET_INSPECT_HELP = `usage: semodel secret inspect REQUEST (--host-key PEM | --customer-key F --host-key CRT)
                             [--extension-secret none|derived|F] [--cck F] [--show-secrets] [--json]

Opens an add-secret request and shows every field: from the machine's side with the host private
key, or from the owner's side with the request's customer private key and the host's public key
(certificate or PEM): ECDH is symmetric, both give the key slot's key.
  --extension-secret X  also check the extension secret: none, derived (needs --cck F), or a file
  --show-secrets        show the secret and the extension secret (hidden by default)
  --json                one JSON object: {"valid": bool, "failedCheck"?: "format" | "key-slot" |
                        "request-auth" | "secret-header" | "extension-secret", "message"?, "side":
                        "machine" | "owner", "checks": {check: "pass" | "fail" | "skip"}, and the
                        fields that could be read: "magic", "userDataType", "version", "rql", "iv",
                        "nks", "sea", "flags", "disableDump", "pld", "ald", "tld", "headerTag", "cuid",
                        "userData", "customerPublicKey", "keySlots": [{"phkh","wrappedKey","tag"}],
                        "slotIndex", "secretHeader": {"type", "typeName", "length", "id"?}, "tag",
                        "secretLength", and with --show-secrets "secret", "extensionSecret"} (bytes in hex)
Exit status: 0 every check passed, 1 a check failed, 2 unusable input or arguments.`;

/** The help of all secret commands. */
export const SECRET_HELP = `usage: semodel secret <create|inspect> [options]

Add-secret requests on IBM's format (pvsecret). See docs/requests.md.

${SECRET_CREATE_HELP}

${SECRET_INSPECT_HELP}`;

/** The type named by --type. */
function typeOf(name: string | undefined): SecretTypeInfo {
  if (name === undefined) throw new UsageError(`secret create needs --type TYPE (one of: ${TYPE_NAMES})`);
  const t = secretType(name);
  if (t === undefined) throw new UsageError(`--type ${name}: not a secret type; one of: ${TYPE_NAMES}`);
  return t;
}

/** The image binding: --header, or the four tags. */
function bindingOf(io: Io, v: { header?: string | undefined; pld?: string | undefined; ald?: string | undefined; tld?: string | undefined; 'header-tag'?: string | undefined }): BootTags {
  const given = [v.pld, v.ald, v.tld, v['header-tag']].filter((x) => x !== undefined).length;
  if (v.header !== undefined) {
    if (given > 0) throw new UsageError('give --header HDR or --pld, --ald, --tld and --header-tag, not both');
    return bootTagsOfHeader(io, v.header);
  }
  if (v.pld === undefined || v.ald === undefined || v.tld === undefined || v['header-tag'] === undefined) {
    throw new UsageError('secret create needs the image it binds to: --header HDR, or all of --pld, --ald, --tld and --header-tag');
  }
  return { pld: hexFlag('pld', v.pld, 64), ald: hexFlag('ald', v.ald, 64), tld: hexFlag('tld', v.tld, 64), headerTag: hexFlag('header-tag', v['header-tag'], 16) };
}

/** --extension-secret none|derived|F with --cck F. */
function extensionOf(io: Io, mode: string | undefined, cck: string | undefined): ExtensionSecretInput {
  if (mode === undefined || mode === 'none') {
    if (cck !== undefined && mode === undefined) throw new UsageError('--cck is for --extension-secret derived');
    return { mode: 'none' };
  }
  if (mode === 'derived') {
    if (cck === undefined) throw new UsageError('--extension-secret derived needs --cck F (the image\'s 32-byte CCK)');
    return { mode: 'derived', cck: fileOfSize(io, 'cck', cck, CCK_SIZE, 'a CCK') };
  }
  return { mode: 'given', value: fileOfSize(io, 'extension-secret', mode, 32, 'an extension secret') };
}

function secretCreate(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      type: { type: 'string' },
      name: { type: 'string' },
      secret: { type: 'string' },
      'host-key': { type: 'string', multiple: true },
      header: { type: 'string' },
      pld: { type: 'string' },
      ald: { type: 'string' },
      tld: { type: 'string' },
      'header-tag': { type: 'string' },
      cuid: { type: 'string' },
      'extension-secret': { type: 'string' },
      cck: { type: 'string' },
      'disable-dump': { type: 'boolean' },
      'user-data': { type: 'string' },
      'user-data-key': { type: 'string' },
      iv: { type: 'string' },
      'request-key': { type: 'string' },
      'customer-key': { type: 'string' },
      seed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'secret create',
  );
  if (values.help === true) {
    io.out(SECRET_CREATE_HELP);
    return 0;
  }
  const type = typeOf(values.type);
  const hostPaths = values['host-key'] ?? [];
  if (hostPaths.length === 0) throw new UsageError('secret create needs at least one --host-key PEM');
  const out = values.output;
  if (out === undefined) throw new UsageError('secret create needs -o REQUEST');
  if (type.listable && values.name === undefined) throw new UsageError(`a ${type.name} secret is listed by its ID: give --name NAME`);
  if (!type.listable && values.name !== undefined) throw new UsageError(`a ${type.name} secret has no name or ID; leave out --name`);
  if (type.name === 'null' && values.secret !== undefined) throw new UsageError('a null secret has no value; leave out --secret');
  const explicit = [values.iv, values['request-key'], values['customer-key']].filter((x) => x !== undefined).length;
  if (explicit !== 0 && explicit !== 3) throw new UsageError('give --iv, --request-key and --customer-key together (or --seed N, or none)');
  if (explicit === 3 && values.seed !== undefined) throw new UsageError('give --iv, --request-key and --customer-key, or --seed N, not both');
  if (values['user-data-key'] !== undefined && values['user-data'] === undefined) throw new UsageError('--user-data-key signs --user-data F: give both');
  refuseOutputClash(out, [...hostPaths, values.header, values.secret, values.cck, values['request-key'], values['customer-key'], values['user-data'], values['user-data-key'], values['extension-secret']]);

  const bootTags = bindingOf(io, values);
  const hosts = loadRequestHostKeys(io, hostPaths, (p, twin) => io.err(`semodel: warning: ${p} is the same host key as ${twin}: it gets a second key slot (as IBM's library does)`));
  const r = requestRandomness(values.seed === undefined ? randomSeed() : requestSeed('secret', values.seed));
  const iv = values.iv === undefined ? r.derive('iv', 12) : hexFlag('iv', values.iv, 12);
  const requestKey = values['request-key'] === undefined ? r.derive('request-key', 32) : fileOfSize(io, 'request-key', values['request-key'], 32, 'a request key');
  const customer = values['customer-key'] === undefined ? r.customer : loadCustomerKey(io, values['customer-key']);
  let value: Uint8Array;
  if (values.secret !== undefined) value = io.readFile(values.secret);
  else if (type.name === 'association' || type.name === 'update-cck') value = r.derive(`secret/${type.name}`, 32);
  else if (type.name === 'null') value = new Uint8Array(0);
  else throw new UsageError(`a ${type.name} secret needs its value: --secret F`);
  let userData: UserDataInput | undefined;
  if (values['user-data'] !== undefined) {
    const data = io.readFile(values['user-data']);
    if (values['user-data-key'] === undefined) {
      if (data.length > USER_DATA_SIZE) throw new UsageError(`--user-data ${values['user-data']}: at most ${USER_DATA_SIZE} bytes, the file has ${data.length}`);
      userData = { type: 1, data };
    } else {
      const k = loadHostKey(io, REQUEST_SUITE, values['user-data-key']);
      if (k.privateKey === undefined) throw new UsageError(`--user-data-key ${values['user-data-key']}: a ${k.kind}, not a private key`);
      if (data.length > 256) throw new UsageError(`--user-data ${values['user-data']}: signed user data is at most 256 bytes, the file has ${data.length}`);
      userData = { type: 2, data, signingKey: k.privateKey };
    }
  }
  const built = buildAsrcb(REQUEST_SUITE, {
    iv,
    requestKey,
    customer: { privateKey: customer },
    hostKeys: hosts.map((h) => h.publicKey),
    flags: values['disable-dump'] === true ? ADD_SECRET_FLAG_DISABLE_DUMP : 0n,
    bootTags,
    cuid: values.cuid === undefined ? new Uint8Array(16) : hexFlag('cuid', values.cuid, 16),
    secret: type.listable ? { type: type.code, value, name: values.name as string } : { type: type.code, value },
    extensionSecret: extensionOf(io, values['extension-secret'], values.cck),
    ...(userData === undefined ? {} : { userData }),
  });
  if (!built.ok) throw new UsageError(`cannot build the request: ${built.error.field === 'secret.value' ? `--secret: ${built.error.message}` : `${built.error.field}: ${built.error.message}`}`);
  io.writeFile(out, built.value, values.force === true);
  const seedNote = explicit === 3 ? ' (given IV, request key and customer key)' : values.seed === undefined ? ' (random)' : ` (seed ${BigInt(values.seed).toString(10)})`;
  io.out(`wrote ${out}: ${built.value.length} bytes, ${type.name} secret, ${hosts.length} key slot${hosts.length === 1 ? '' : 's'}, request tag ${hex(built.value.subarray(built.value.length - 16))}${seedNote}`);
  return 0;
}

/** The checks in order, for the `checks` object. */
const CHECKS: readonly AsrcbCheck[] = ['format', 'key-slot', 'request-auth', 'secret-header', 'extension-secret'];

/** The fields of a decoded request, as JSON (bytes in hex). */
function fieldsJson(a: Asrcb): Record<string, unknown> {
  const t = secretType(a.secretHeader.type);
  return {
    magic: hex(a.header.magic),
    userDataType: a.userDataType,
    version: `0x${a.header.version.toString(16)}`,
    rql: a.header.rql,
    iv: hex(a.header.iv),
    nks: a.header.nks,
    sea: a.header.sea,
    flags: hex64(a.flags),
    disableDump: (a.flags & ADD_SECRET_FLAG_DISABLE_DUMP) !== 0n,
    pld: hex(a.bootTags.pld),
    ald: hex(a.bootTags.ald),
    tld: hex(a.bootTags.tld),
    headerTag: hex(a.bootTags.headerTag),
    cuid: hex(a.cuid),
    userData: hex(asrcbUserData(a)),
    customerPublicKey: hex(a.customerPublicKey.x).padStart(160, '0') + hex(a.customerPublicKey.y).padStart(160, '0'),
    keySlots: a.keySlots.map((s) => ({ phkh: hex(s.phkh), wrappedKey: hex(s.wrappedKey), tag: hex(s.tag) })),
    secretHeader: {
      type: a.secretHeader.type,
      typeName: t?.name ?? `unknown 0x${a.secretHeader.type.toString(16)}`,
      length: a.secretHeader.length,
      ...(a.secretHeader.id === undefined ? {} : { id: hex(a.secretHeader.id) }),
    },
    tag: hex(a.tag),
  };
}

/** The opener of the inspect flags: owner side with --customer-key, machine side otherwise. */
function openerOf(io: Io, hostPath: string, customerPath: string | undefined): { opener: RequestOpener; side: 'machine' | 'owner' } {
  const host = loadHostKey(io, REQUEST_SUITE, hostPath);
  if (customerPath !== undefined) {
    return { opener: { kind: 'owner', customerPrivateKey: loadCustomerKey(io, customerPath), hostPublicKey: host.publicKey }, side: 'owner' };
  }
  if (host.privateKey === undefined) {
    throw new UsageError(`secret inspect: --host-key ${hostPath} is a ${host.kind}: give the host private key, or --customer-key F with the host's certificate`);
  }
  return { opener: { kind: 'host', host: { privateKey: host.privateKey, publicKey: host.publicKey, phkh: host.phkh } }, side: 'machine' };
}

function secretInspect(argv: string[], io: Io): number {
  const { values, positionals } = parse(
    argv,
    {
      'host-key': { type: 'string' },
      'customer-key': { type: 'string' },
      'extension-secret': { type: 'string' },
      cck: { type: 'string' },
      'show-secrets': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
    'secret inspect',
  );
  if (values.help === true) {
    io.out(SECRET_INSPECT_HELP);
    return 0;
  }
  const file = onePositional('secret inspect', positionals, 'REQUEST', 'an add-secret request');
  if (values['host-key'] === undefined) throw new UsageError('secret inspect needs --host-key PEM (machine side) or --customer-key F --host-key CRT (owner side)');
  const bytes = io.readFile(file);
  const { opener, side } = openerOf(io, values['host-key'], values['customer-key']);
  const decoded = decodeAsrcb(bytes);
  let expected: Uint8Array | undefined;
  const mode = values['extension-secret'];
  if (mode !== undefined) {
    const ext = extensionOf(io, mode, values.cck);
    if (ext.mode === 'none') expected = new Uint8Array(32);
    else if (ext.mode === 'given') expected = ext.value;
    else expected = decoded.ok ? deriveExtensionSecret(REQUEST_SUITE, ext.cck, decoded.value.bootTags.headerTag) : undefined;
  } else if (values.cck !== undefined) throw new UsageError('--cck is for --extension-secret derived');
  const opened = openAsrcb(REQUEST_SUITE, bytes, opener, expected === undefined ? {} : { expectedExtensionSecret: expected });
  const failed = opened.ok ? undefined : opened.error;
  const failedAt = failed === undefined ? CHECKS.length : CHECKS.indexOf(failed.check);
  const checks = Object.fromEntries(
    CHECKS.map((c, i) => [c, i < failedAt ? (c === 'extension-secret' && expected === undefined ? 'skip' : 'pass') : i === failedAt ? 'fail' : 'skip']),
  );
  const o: OpenedAsrcb | undefined = opened.ok ? opened.value : undefined;
  const result: Record<string, unknown> = {
    valid: opened.ok,
    ...(failed === undefined ? {} : { failedCheck: failed.check, reason: failed.reason, message: failed.message }),
    side,
    checks,
    ...(decoded.ok ? fieldsJson(decoded.value) : {}),
    ...(o?.slotIndex === undefined ? (failed?.slotIndex === undefined ? {} : { slotIndex: failed.slotIndex }) : { slotIndex: o.slotIndex }),
    ...(o === undefined ? {} : { secretLength: o.secret.length }),
    ...(o !== undefined && values['show-secrets'] === true ? { secret: hex(o.secret), extensionSecret: hex(o.extensionSecret) } : {}),
  };
  if (values.json === true) io.out(JSON.stringify(result, null, 2));
  else io.out(inspectText(result, decoded.ok ? decoded.value : undefined));
  return opened.ok ? 0 : 1;
}

/** The text form of inspect: a verdict line and a listing. */
function inspectText(r: Record<string, unknown>, a: Asrcb | undefined): string {
  const verdict = r['valid'] === true ? `valid (opened from the ${String(r['side'])}'s side)` : `not valid: ${String(r['failedCheck'])}: ${String(r['message'])}`;
  const rows: [string, string][] = [['checks', Object.entries(r['checks'] as Record<string, string>).map(([k, v]) => `${k} ${v}`).join(', ')]];
  if (a !== undefined) {
    const t = secretType(a.secretHeader.type);
    rows.push(
      ['size', `${a.header.rql} bytes, ${a.header.nks} key slot${a.header.nks === 1 ? '' : 's'}, SEA ${a.header.sea}`],
      ['secret', `${t?.name ?? `unknown type 0x${a.secretHeader.type.toString(16)}`}, ${a.secretHeader.length} bytes${a.secretHeader.id === undefined ? '' : `, ID ${hex(a.secretHeader.id)}`}`],
      ['flags', `${hex64(a.flags)}${(a.flags & ADD_SECRET_FLAG_DISABLE_DUMP) !== 0n ? ' (disable dump)' : ''}`],
      ['cuid', hex(a.cuid)],
      ['pld', shortHex(a.bootTags.pld)],
      ['ald', shortHex(a.bootTags.ald)],
      ['tld', shortHex(a.bootTags.tld)],
      ['header tag', hex(a.bootTags.headerTag)],
      ['user data', `type ${a.userDataType}${asrcbUserData(a).length === 0 ? '' : `, ${shortHex(asrcbUserData(a))}`}`],
      ['key slots', a.keySlots.map((s) => shortHex(s.phkh)).join(' ')],
      ['request tag', hex(a.tag)],
    );
  }
  if (typeof r['slotIndex'] === 'number') rows.push(['slot used', String(r['slotIndex'])]);
  if (typeof r['secret'] === 'string') rows.push(['secret value', r['secret']], ['extension secret', String(r['extensionSecret'])]);
  return `${verdict}\n${listing(rows)}`;
}

/** The secret command. Returns the exit status. */
export function secretCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'secret', SECRET_HELP, {
    create: (rest) => secretCreate(rest, io),
    inspect: (rest) => secretInspect(rest, io),
  });
}
