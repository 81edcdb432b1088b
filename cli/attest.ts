/**
 * `semodel attest create|measure|verify`: attestation on IBM's real formats (the ARCB v0x100
 * inside pvattest's exchange file). `create` is the owner making a request (pvattest create),
 * `measure` the firmware answering it in a guest (UVC 0x1020 on the machine that holds the host
 * private key), `verify` the owner checking the answer (pvattest verify).
 * @module
 */
import { runSubcommand } from './subcommands.js';
import { bytesToHex } from '../model/core/bytes.js';
import { formatCodecError } from '../model/core/result.js';
import { ATTEST_FLAG, buildArcb, DEFAULT_PAF, MEASUREMENT_SIZE } from '../model/se-format/arcb.js';
import { asrcbTag } from '../model/se-format/asrcb.js';
import { measureArcb, verifyAttestationResponse, type AttestationVerdict } from '../model/se-format/attestation.js';
import { phkh } from '../model/se-format/header-keys.js';
import { additionalDataSize, FIRMWARE_STATE_SIZE, MAX_USER_DATA_SIZE, secretStoreHash, type AdditionalData } from '../model/se-format/measurement.js';
import { decodeExchange, encodeExchangeRequest, encodeExchangeResponse } from '../model/se-format/pvattest-exchange.js';
import { parse } from './args.js';
import { readParsedImage } from './image-common.js';
import { UsageError, type Io } from './io.js';
import {
  bootTagsOfHeader,
  fileOfSize,
  hex,
  hexFlag,
  loadHostPrivateKey,
  loadRequestHostKeys,
  randomSeed,
  refuseOutputClash,
  REQUEST_SUITE,
  requestRandomness,
  requestSeed,
  shortHex,
} from './request-common.js';

/** The help of `attest create`. */
export const ATTEST_CREATE_HELP = `usage: semodel attest create --host-key PEM... [--no-nonce] [--phkh-img] [--phkh-att]
                            [--secret-store-hash] [--seed N] -o REQUEST [--arpk OUT] [--force]

Makes an attestation request (ARCB version 0x100 in pvattest's exchange file), as pvattest create.
  --host-key PEM        a host key (private key, public key or certificate, P-521, PEM); repeat it
                        for more machines: one key slot each, in the order given (the C pvattest
                        2.32 writes them in reverse order)
  --no-nonce            no nonce (PAF bit 1 clear; pvattest's --x-no-nonce)
  --phkh-img            ask for the image's host-key hash in the additional data (PAF bit 2)
  --phkh-att            ask for the attestation request's host-key hash (PAF bit 3)
  --secret-store-hash   ask for the secret-store hash (PAF bit 4)
  --seed N              derive the IV, ARPK, customer key, measurement key and nonce from N
                        (repeatable); without it they are random
  -o, --output REQUEST  the request file to write; an existing file is kept unless --force
  --arpk OUT            write the 32-byte request protection key: verify needs it (keep it secret)
  --force               overwrite existing outputs
Exit status: 0 written, 2 unusable input or arguments.`;

/** The help of `attest measure`. */
export const ATTEST_MEASURE_HELP = `usage: semodel attest measure --request REQUEST --host-key PEM --header HDR --cuid HEX
                             [--user-data F] [--secret ASRCB...] [--locked] [--firmware-state F]
                             -o RESPONSE [--force]

The firmware's side: opens the request with this machine's host private key and measures the
guest booted from HDR (UVC 0x1020), then writes the response exchange file pvattest verify reads.
  --request REQUEST     the request file (attest create, pvattest create)
  --host-key PEM        this machine's host private key (PEM)
  --header HDR          the SE header (or whole image) the guest booted from
  --cuid HEX            the configuration unique ID, 16 bytes as 32 hex digits
  --user-data F         up to ${MAX_USER_DATA_SIZE} bytes of the guest's user data (default: none)
  --secret ASRCB        an add-secret request the guest's store holds; repeat in the order added
                        (for --secret-store-hash requests; default: an empty store)
  --locked              the guest's secret store is locked
  --firmware-state F    the ${FIRMWARE_STATE_SIZE}-byte firmware state, for a request that asks for it
  -o, --output RESPONSE the response file; an existing file is kept unless --force
Exit status: 0 measured, 1 the request does not open with this host key (format, key slot,
request tag), 2 unusable input or arguments.`;

/** The help of `attest verify`. */
export const ATTEST_VERIFY_HELP = `usage: semodel attest verify --response RESPONSE --header HDR --arpk ARPK [--json]

The owner's side, as pvattest verify: opens the request in RESPONSE with the ARPK, recomputes the
measurement over HDR's PLD, ALD, TLD and tag, the response's CUID, user data, nonce and
additional data, and compares it with the response's.
  --response RESPONSE   the response file (attest measure, pvattest perform)
  --header HDR          the SE header (or whole image) the guest should have booted from
  --arpk ARPK           the 32-byte key attest create wrote
  --json                one JSON object: {"verified": bool, "failedCheck"?: "format" |
                        "request-auth" | "measurement", "message"?: string, "cuid": hex,
                        "userData": hex, "additionalData": hex, "additionalFields"?: {"imagePhkh"?,
                        "attestationPhkh"?, "secretStoreHash"?, "firmwareState"?, "unrecognized"?: hex},
                        "paf"?: "0x…"}
Exit status: 0 verified, 1 a check failed, 2 unusable input or arguments.`;

/** The help of all attest commands. */
export const ATTEST_HELP = `usage: semodel attest <create|measure|verify> [options]

Attestation requests and responses on IBM's formats (pvattest). See docs/requests.md.

${ATTEST_CREATE_HELP}

${ATTEST_MEASURE_HELP}

${ATTEST_VERIFY_HELP}`;

function attestCreate(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      'host-key': { type: 'string', multiple: true },
      'no-nonce': { type: 'boolean' },
      'phkh-img': { type: 'boolean' },
      'phkh-att': { type: 'boolean' },
      'secret-store-hash': { type: 'boolean' },
      seed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      arpk: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'attest create',
  );
  if (values.help === true) {
    io.out(ATTEST_CREATE_HELP);
    return 0;
  }
  const hostPaths = values['host-key'] ?? [];
  const out = values.output;
  if (hostPaths.length === 0) throw new UsageError('attest create needs at least one --host-key PEM');
  if (out === undefined) throw new UsageError('attest create needs -o REQUEST');
  refuseOutputClash(out, hostPaths);
  if (values.arpk !== undefined) {
    refuseOutputClash(values.arpk, [...hostPaths, out], '--arpk');
  }
  const hosts = loadRequestHostKeys(io, hostPaths, (p, twin) => io.err(`semodel: warning: ${p} is the same host key as ${twin}: it gets a second key slot`));
  let paf = values['no-nonce'] === true ? 0n : DEFAULT_PAF;
  if (values['phkh-img'] === true) paf |= ATTEST_FLAG.imagePhkh;
  if (values['phkh-att'] === true) paf |= ATTEST_FLAG.attestationPhkh;
  if (values['secret-store-hash'] === true) paf |= ATTEST_FLAG.secretStoreHash;
  const r = requestRandomness(values.seed === undefined ? randomSeed() : requestSeed('attest', values.seed));
  const requestKey = r.derive('arpk', 32);
  const arcb = buildArcb(REQUEST_SUITE, {
    iv: r.derive('iv', 12),
    requestKey,
    customer: { privateKey: r.customer },
    hostKeys: hosts.map((h) => h.publicKey),
    paf,
    measurementKey: r.derive('measurement-key', 64),
    ...((paf & ATTEST_FLAG.nonce) !== 0n ? { nonce: r.derive('nonce', 16) } : {}),
  });
  if (!arcb.ok) throw new UsageError(`cannot build the request: ${arcb.error.field}: ${arcb.error.message}`);
  const file = encodeExchangeRequest({ arcb: arcb.value, measurementSize: MEASUREMENT_SIZE, additionalSize: additionalDataSize(paf) });
  const force = values.force === true;
  if (values.arpk !== undefined && !force && io.exists(values.arpk)) throw new UsageError(`${values.arpk} exists; choose another output or pass --force`);
  io.writeFile(out, file, force);
  if (values.arpk !== undefined) io.writeFile(values.arpk, requestKey, force);
  else io.err('semodel: warning: no --arpk OUT: the response to this request can be verified only with its ARPK');
  io.out(
    `wrote ${out}: ${file.length} bytes, ${hosts.length} key slot${hosts.length === 1 ? '' : 's'}, flags 0x${paf.toString(16).padStart(16, '0')}` +
      (values.arpk === undefined ? '' : `; ARPK in ${values.arpk}`) +
      (values.seed === undefined ? ' (random)' : ` (seed ${BigInt(values.seed).toString(10)})`),
  );
  return 0;
}

function attestMeasure(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    {
      request: { type: 'string' },
      'host-key': { type: 'string' },
      header: { type: 'string' },
      cuid: { type: 'string' },
      'user-data': { type: 'string' },
      secret: { type: 'string', multiple: true },
      locked: { type: 'boolean' },
      'firmware-state': { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'attest measure',
  );
  if (values.help === true) {
    io.out(ATTEST_MEASURE_HELP);
    return 0;
  }
  const need = (name: string, v: string | undefined): string => {
    if (v === undefined) throw new UsageError(`attest measure needs --${name}`);
    return v;
  };
  const requestPath = need('request REQUEST', values.request);
  const hostPath = need('host-key PEM', values['host-key']);
  const headerPath = need('header HDR', values.header);
  const cuid = hexFlag('cuid', need('cuid HEX', values.cuid), 16);
  const out = need('o RESPONSE', values.output);
  refuseOutputClash(out, [requestPath, hostPath, headerPath, values['user-data'], values['firmware-state'], ...(values.secret ?? [])]);

  const file = decodeExchange(io.readFile(requestPath));
  if (!file.ok) throw new UsageError(`${requestPath}: not a pvattest exchange file: ${formatCodecError(file.error)}`);
  const host = loadHostPrivateKey(io, hostPath, 'attest measure');
  const header = readParsedImage(io, headerPath).header;
  const userData = values['user-data'] === undefined ? new Uint8Array(0) : io.readFile(values['user-data']);
  if (userData.length > MAX_USER_DATA_SIZE) throw new UsageError(`--user-data ${values['user-data'] ?? ''}: at most ${MAX_USER_DATA_SIZE} bytes, the file has ${userData.length}`);
  const tags = (values.secret ?? []).map((p) => {
    const t = asrcbTag(io.readFile(p));
    if (t === undefined) throw new UsageError(`--secret ${p}: too short for an add-secret request`);
    return t;
  });
  const imageSlot = header.keySlots.find((s) => bytesToHex(s.phkh) === bytesToHex(host.phkh));
  const additional: AdditionalData = {
    ...(imageSlot === undefined ? {} : { imagePhkh: imageSlot.phkh }),
    attestationPhkh: phkh(REQUEST_SUITE, host.publicKey),
    secretStoreHash: secretStoreHash(REQUEST_SUITE, tags, values.locked === true),
    ...(values['firmware-state'] === undefined ? {} : { firmwareState: fileOfSize(io, 'firmware-state', values['firmware-state'], FIRMWARE_STATE_SIZE, 'a firmware state') }),
  };
  const measured = measureArcb(REQUEST_SUITE, file.value.arcb, host, {
    bootTags: { pld: header.pld, ald: header.ald, tld: header.tld, headerTag: header.tag },
    cuid,
    userData,
    additional,
  });
  if (!measured.ok) {
    const e = measured.error;
    if (e.check === 'input') {
      const why = e.field === 'imagePhkh' ? `the header ${headerPath} has no key slot for this host key, so it cannot have booted here` : `${e.field}: ${e.message}`;
      throw new UsageError(`attest measure: the request asks for what is not given: ${why}`);
    }
    io.err(`semodel: attest measure: ${requestPath}: the request does not open with ${hostPath}: ${e.check}: ${e.message}`);
    return 1;
  }
  const response = encodeExchangeResponse({
    arcb: file.value.arcb,
    measurement: measured.value.measurement,
    ...(measured.value.additionalData.length === 0 ? {} : { additionalData: measured.value.additionalData }),
    ...(userData.length === 0 ? {} : { userData }),
    cuid,
  });
  io.writeFile(out, response, values.force === true);
  io.out(`wrote ${out}: ${response.length} bytes, measurement ${shortHex(measured.value.measurement)}, ${measured.value.additionalData.length} bytes of additional data`);
  return 0;
}

/** The verdict as the `--json` object. */
export function verdictJson(v: AttestationVerdict): Record<string, unknown> {
  const fields = v.additionalFields === undefined ? undefined : Object.fromEntries(Object.entries(v.additionalFields).map(([k, b]) => [k, hex(b as Uint8Array)]));
  return {
    verified: v.verified,
    ...(v.failedCheck === undefined ? {} : { failedCheck: v.failedCheck }),
    ...(v.message === undefined ? {} : { message: v.message }),
    cuid: hex(v.cuid),
    userData: hex(v.userData),
    additionalData: hex(v.additionalData),
    ...(fields === undefined ? {} : { additionalFields: fields }),
    ...(v.paf === undefined ? {} : { paf: `0x${v.paf.toString(16).padStart(16, '0')}` }),
  };
}

function attestVerify(argv: string[], io: Io): number {
  const { values } = parse(
    argv,
    { response: { type: 'string' }, header: { type: 'string' }, arpk: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    false,
    'attest verify',
  );
  if (values.help === true) {
    io.out(ATTEST_VERIFY_HELP);
    return 0;
  }
  if (values.response === undefined) throw new UsageError('attest verify needs --response RESPONSE');
  if (values.header === undefined) throw new UsageError('attest verify needs --header HDR');
  if (values.arpk === undefined) throw new UsageError('attest verify needs --arpk ARPK');
  const response = io.readFile(values.response);
  const decoded = decodeExchange(response);
  if (!decoded.ok) throw new UsageError(`${values.response}: not a pvattest exchange file: ${formatCodecError(decoded.error)}`);
  const bootTags = bootTagsOfHeader(io, values.header);
  const arpk = fileOfSize(io, 'arpk', values.arpk, 32, 'an ARPK');
  const v = verifyAttestationResponse(REQUEST_SUITE, response, bootTags, arpk);
  if (values.json === true) io.out(JSON.stringify(verdictJson(v), null, 2));
  else {
    const lines = [v.verified ? 'verified: the measurement matches' : `not verified: ${v.failedCheck ?? '?'}: ${v.message ?? ''}`, `cuid: ${hex(v.cuid)}`];
    if (v.userData.length > 0) lines.push(`user data: ${hex(v.userData)}`);
    for (const [k, b] of Object.entries(v.additionalFields ?? {})) lines.push(`${k}: ${hex(b as Uint8Array)}`);
    io.out(lines.join('\n'));
  }
  return v.verified ? 0 : 1;
}

/** The attest command. Returns the exit status. */
export function attestCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'attest', ATTEST_HELP, {
    create: (rest) => attestCreate(rest, io),
    measure: (rest) => attestMeasure(rest, io),
    verify: (rest) => attestVerify(rest, io),
  });
}
