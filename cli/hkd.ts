/**
 * `semodel hkd verify`: a host-key document checked as IBM's verifier checks it (s390-tools
 * `CertVerifier`), at a given time: the signing key's subject, its chain with CRLs to the trusted
 * root, the document's validity, AKID and signature, the signing key's CRLs (mechanism 8,
 * spec/shrouded-deployment.md). The check names are those of the host-key-document vectors.
 * @module
 */
import { nodeSuite } from '../model/crypto/node-suite.js';
import { hkdInputsOf, type NamedBytes } from '../model/se-format/hkd-inputs.js';
import { verifyHkd } from '../model/se-format/hkd-verify.js';
import { onePositional, parse } from './args.js';
import { UsageError, type Io } from './io.js';
import { runSubcommand } from './subcommands.js';

/** The help of `hkd verify`. */
export const HKD_VERIFY_HELP = `usage: semodel hkd verify HKD --cert CERT [--cert CERT]... [--crl CRL]... --root-ca CRT --at ISO-TIME [--json]

Verifies the host-key document HKD as IBM's verifier does (spec/shrouded-deployment.md,
REQ-SHROUD-2), in IBM's order: signing-key-subject, signing-key-multiple; chain, chain-crl-missing,
chain-crl-outdated, chain-crl-signature, chain-revoked, chain-expired; hkd-security-bits,
hkd-not-yet-valid, hkd-expired, hkd-akid, hkd-signature; crl-missing, crl-outdated, crl-signature,
hkd-revoked. Nothing is downloaded (IBM's --offline).
  --cert CERT      an untrusted certificate file: the IBM Z signing key, an intermediate CA; in the
                   order given; a file may hold several PEM blocks, CRLs too (IBM's *.chained.crt)
  --crl CRL        a CRL file (PEM or DER); repeat for each file
  --root-ca CRT    the trusted root CA; its CRLs in the same file are used too
  --at ISO-TIME    the verification time, e.g. 2026-01-01T00:00:00Z (IBM's tool uses the current time)
  --json           print {verdict: "valid"|"invalid", failedCheck?}
Exit status: 0 valid, 1 invalid (the failed check is printed), 2 unusable input or arguments.`;

/** The help of `semodel hkd`. */
export const HKD_HELP = `usage: semodel hkd verify HKD --cert CERT [--cert CERT]... [--crl CRL]... --root-ca CRT --at ISO-TIME [--json]

Host-key documents (mechanism 8): verify one as IBM's verifier does.
Run 'semodel hkd verify --help' for the options.`;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Unix seconds of an ISO 8601 time with a zone, or a UsageError. */
export function parseIsoTime(flag: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`needs --${flag} ISO-TIME (e.g. 2026-01-01T00:00:00Z)`);
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} takes an ISO 8601 time with a zone, e.g. 2026-01-01T00:00:00Z; got '${value}'`);
  return Math.floor(ms / 1000);
}

function verifyCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(
    argv,
    { cert: { type: 'string', multiple: true }, crl: { type: 'string', multiple: true }, 'root-ca': { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
    'hkd verify',
  );
  if (values.help === true) {
    io.out(HKD_VERIFY_HELP);
    return 0;
  }
  const hkd = onePositional('hkd verify', positionals, 'HKD', 'the host-key document');
  const certs = values.cert ?? [];
  if (certs.length === 0) throw new UsageError('hkd verify needs at least one --cert CERT (the IBM Z signing key)');
  const rootCa = values['root-ca'];
  if (rootCa === undefined) throw new UsageError('hkd verify needs --root-ca CRT');
  const at = parseIsoTime('at', values.at);
  const file = (name: string): NamedBytes => ({ name, bytes: io.readFile(name) });
  const inputs = hkdInputsOf({ hkd: file(hkd), certs: certs.map(file), crls: (values.crl ?? []).map(file), rootCa: file(rootCa) });
  if (typeof inputs === 'string') throw new UsageError(inputs);
  const v = verifyHkd(nodeSuite, inputs, at);
  if (values.json === true) io.out(JSON.stringify(v.verdict === 'valid' ? { verdict: 'valid' } : { verdict: 'invalid', failedCheck: v.failedCheck }));
  else io.out(v.verdict === 'valid' ? `${hkd}: valid, signed by ${v.signingKey.subject.text}` : `${hkd}: invalid, check ${v.failedCheck} failed`);
  return v.verdict === 'valid' ? 0 : 1;
}

/** The hkd command. */
export function hkdCommand(argv: string[], io: Io): number {
  return runSubcommand(argv, io, 'hkd', HKD_HELP, { verify: (rest) => verifyCommand(rest, io) });
}
