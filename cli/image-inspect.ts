/**
 * `semodel image inspect`: the fields of an SE image or of a header alone; with a host private
 * key also the decrypted encrypted area (keys only with `--show-secrets`).
 * @module
 */
import { bytesToHex } from '../model/core/bytes.js';
import { describeImage, type ImageDescription } from '../model/se-format/describe.js';
import { openHeader, type OpenedHeader } from '../model/se-format/header-keys.js';
import type { ParsedImage } from '../model/se-format/image-layout.js';
import { parse, onePositional } from './args.js';
import { loadHostKeys, type HostKeyKind, type LoadedHostKey } from './host-keys.js';
import { hexShort, IMAGE_SUITE, listing, pcfFlagNames, readParsedImage, scfFlagNames } from './image-common.js';
import type { Io } from './io.js';

export const INSPECT_HELP = `usage: semodel image inspect FILE [--host-key PEM...] [--show-secrets] [--json]

Shows the fields of FILE: a whole SE image, or an SE header alone (such as header.bin).
  (no host key)    the header's public fields; for an image also its layout, IPIB components and tweaks
  --host-key PEM   a host key; repeatable. A private key opens its key slot and the encrypted area
                   (PSW, SCF, NOI); a public key or certificate is only matched against the key
                   slots' PHKHs (a private key is needed to decrypt)
  --show-secrets   with an opening private key, also print the header key, XTS key and CCK
  --json           print JSON: the image description (names and spellings of the vectors'
                   expected.json) and the host keys, see below
JSON shape (u64 values as "0x" + 16 hex digits, bytes as lower-case hex, sizes as numbers):
  { imageSize, header: { magic, magicAscii, version, phs, iv, nks, sea, nep, pcf,
      customerPublicKey, customerPublicKeyX, customerPublicKeyY, pld, ald, tld,
      keySlots: [{ phkh, wrappedKey, tag }], aadLength, encryptedAreaCiphertext, gcmTag,
      once opened: openedKeySlot, scf, psw: { mask, addr }, noi, items,
      with --show-secrets: headerKey, xtsKey, cck, encryptedAreaPlaintext },
    layout?, ipib?, stage3bArgs? (once opened),
    components: [{ kind, tweakIndex, guestAddress, fileOffset, length, originalLength?,
      tweakPrefix, tweakRandom, pageCount, tweaks: [hex], storedSha256, plaintextSha256? }],
    hostKeys?: [{ file, kind, phkh, keySlot (number | null), opened (boolean), note }] }
  A header alone has no layout, ipib or stage3bArgs, and no components.
Exit status: 0 shown, 2 unusable input or arguments.`;

/** What one `--host-key` did, as `inspect --json` prints it under `hostKeys`. */
export interface HostKeyReport {
  readonly file: string;
  readonly kind: HostKeyKind;
  /** The key's PHKH, hex. */
  readonly phkh: string;
  /** The first key slot that carries this key's PHKH, or null. */
  readonly keySlot: number | null;
  /** Whether this key opened the header (only the first private key that opens it is used). */
  readonly opened: boolean;
  /** One line for a person. */
  readonly note: string;
}

/** The JSON of `semodel image inspect --json`. */
export type InspectReport = ImageDescription & { readonly hostKeys?: readonly HostKeyReport[] };

/** Tries the host keys in order; the first private key that opens the header is used. */
function openWith(parsed: ParsedImage, keys: readonly LoadedHostKey[]): { opened: OpenedHeader | undefined; reports: HostKeyReport[] } {
  let opened: OpenedHeader | undefined;
  const reports = keys.map((k): HostKeyReport => {
    const index = parsed.header.keySlots.findIndex((s) => bytesToHex(s.phkh) === bytesToHex(k.phkh));
    const keySlot = index < 0 ? null : index;
    const base = { file: k.path, kind: k.kind, phkh: bytesToHex(k.phkh), keySlot };
    if (keySlot === null) return { ...base, opened: false, note: 'matches no key slot' };
    if (k.privateKey === undefined) {
      return { ...base, opened: false, note: `matches key slot ${keySlot}; a private key is needed to decrypt` };
    }
    if (opened !== undefined) return { ...base, opened: false, note: `matches key slot ${keySlot}; the header is already open` };
    const r = openHeader(IMAGE_SUITE, parsed.header, { privateKey: k.privateKey, publicKey: k.publicKey });
    if (!r.ok) return { ...base, opened: false, note: `matches key slot ${keySlot} but does not open it: ${r.error.check}: ${r.error.message}` };
    opened = r.value;
    return { ...base, opened: true, note: `opened key slot ${keySlot}` };
  });
  return { opened, reports };
}

/** `prefix ‖ offsets 0x0 … 0x2000` for a component's tweaks. */
function tweakSummary(tweaks: readonly string[]): string {
  const first = tweaks[0];
  const last = tweaks[tweaks.length - 1];
  if (first === undefined || last === undefined) return 'none';
  const offset = (t: string): string => hexShort(BigInt(`0x${t.slice(16)}`));
  const range = tweaks.length === 1 ? offset(first) : `${offset(first)} … ${offset(last)}`;
  return `${first.slice(0, 16)} ‖ page offset ${range} (${tweaks.length} tweak${tweaks.length === 1 ? '' : 's'})`;
}

function humanListing(file: string, d: InspectReport, parsed: ParsedImage, opened: OpenedHeader | undefined, showSecrets: boolean): string {
  const h = d.header;
  const rows: [string, string][] = [
    ['file', file],
    ['type', parsed.boot === undefined ? `SE header alone, ${d.imageSize} bytes` : `SE image, ${d.imageSize} bytes (${hexShort(d.imageSize)})`],
    ['magic', `${h.magic} (${h.magicAscii})`],
    ['version', h.version],
    ['phs', `${h.phs} bytes`],
    ['nks', String(h.nks)],
    ['sea', `${h.sea} bytes`],
    ['nep', String(h.nep)],
    ['pcf', `${h.pcf} (${pcfFlagNames(parsed.header.pcf)})`],
    ['iv', h.iv],
    ['customerPublicKeyX', h.customerPublicKeyX],
    ['customerPublicKeyY', h.customerPublicKeyY],
    ['pld', h.pld],
    ['ald', h.ald],
    ['tld', h.tld],
  ];
  h.keySlots.forEach((s, i) => {
    rows.push([`keySlots[${i}].phkh`, s.phkh], [`keySlots[${i}].wrappedKey`, s.wrappedKey], [`keySlots[${i}].tag`, s.tag]);
  });
  rows.push(['gcmTag', h.gcmTag]);
  if (d.layout !== undefined) {
    rows.push(
      ['layout.shortPsw', d.layout.shortPsw],
      ['layout.stage3aArgsOffset', d.layout.stage3aArgsOffset],
      ['layout.ipibOffset', d.layout.ipibOffset],
      ['layout.headerOffset', d.layout.headerOffset],
    );
  }
  d.components.forEach((c, i) => {
    const original = c.originalLength === undefined ? '' : `, original ${c.originalLength} bytes`;
    rows.push(
      [`components[${i}]`, `${c.kind} at ${hexShort(BigInt(c.guestAddress))}, ${c.length} bytes${original}, ${c.pageCount} page${c.pageCount === 1 ? '' : 's'}`],
      [`components[${i}].tweakPrefix`, c.tweakPrefix],
      [`components[${i}].tweaks`, tweakSummary(c.tweaks)],
    );
  });
  (d.hostKeys ?? []).forEach((k, i) => rows.push([`hostKeys[${i}]`, `${k.file} (${k.kind}): ${k.note}`]));
  if (opened !== undefined && h.psw !== undefined) {
    rows.push(
      ['openedKeySlot', String(h.openedKeySlot ?? opened.slotIndex)],
      ['psw.mask', h.psw.mask],
      ['psw.addr', h.psw.addr],
      ['scf', `${h.scf ?? ''} (${scfFlagNames(opened.secrets.scf)})`],
      ['noi', String(h.noi ?? '')],
    );
    if (d.stage3bArgs !== undefined) {
      const a = d.stage3bArgs;
      rows.push(
        ['stage3bArgs.kernel', `${hexShort(BigInt(a.kernel.addr))}, ${a.kernel.size} bytes`],
        ['stage3bArgs.cmdline', `${hexShort(BigInt(a.cmdline.addr))}, ${a.cmdline.size} bytes`],
        ['stage3bArgs.initrd', `${hexShort(BigInt(a.initrd.addr))}, ${a.initrd.size} bytes`],
        ['stage3bArgs.psw', `mask ${a.psw.mask}, addr ${a.psw.addr}`],
      );
    }
    if (showSecrets) {
      rows.push(['headerKey', h.headerKey ?? ''], ['xtsKey', h.xtsKey ?? ''], ['cck', h.cck ?? '']);
    } else {
      rows.push(['secrets', 'hidden (header key, XTS key, CCK); pass --show-secrets to print them']);
    }
  } else if ((d.hostKeys ?? []).length > 0) {
    rows.push(['encrypted area', 'not opened: no given private key opens a key slot']);
  }
  return listing(rows);
}

/** The inspect command. Returns the exit status. */
export function imageInspect(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, {
    'host-key': { type: 'string', multiple: true },
    'show-secrets': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, true, 'image inspect');
  if (values.help === true) {
    io.out(INSPECT_HELP);
    return 0;
  }
  const file = onePositional('image inspect', positionals, 'FILE', 'an image or a header');
  const parsed = readParsedImage(io, file);
  const keyPaths = values['host-key'] ?? [];
  const keys = loadHostKeys(io, IMAGE_SUITE, keyPaths);
  const showSecrets = values['show-secrets'] === true;
  const { opened, reports } = openWith(parsed, keys);
  const described = describeImage(IMAGE_SUITE, parsed, opened, { showSecrets });
  const report: InspectReport = keyPaths.length === 0 ? described : { ...described, hostKeys: reports };
  io.out(values.json === true ? JSON.stringify(report, null, 2) : humanListing(file, report, parsed, opened, showSecrets));
  return 0;
}
