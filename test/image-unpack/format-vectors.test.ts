// The model against real images written by IBM's genprotimg v2.35.0 (shared/vectors/se-images):
// header fields, key slots, encrypted area, layout, pages, digests, and the builder byte for byte.
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, equalBytes, PAGE_SIZE, zeroPad } from '../../model/core/bytes.js';
import { nobleSuite as suite } from '../../model/crypto/noble-suite.js';
import { describeHeader, describeImage } from '../../model/se-format/describe.js';
import { PCF_NO_DECRYPTION, STAGE3B_ARGS_SIZE } from '../../model/se-format/format.js';
import { decodeHeader, type SeHeader } from '../../model/se-format/header-codec.js';
import {
  encodeEncryptedArea,
  keyEncryptionKey,
  openHeader,
  type HostKeyPair,
  type OpenedHeader,
} from '../../model/se-format/header-keys.js';
import { buildImage } from '../../model/se-format/image-builder.js';
import { parseImage, type ParsedImage } from '../../model/se-format/image-layout.js';
import { imageDigests } from '../../model/se-format/image-pages.js';
import { encodeStage3bArgs, decodeStage3bArgs } from '../../model/se-format/stage3-args.js';
import { standInStage3a, standInStage3b } from '../../model/se-format/stand-in-loaders.js';
import {
  bytesOf,
  customerFromHosts,
  expectedOf,
  field,
  hasFile,
  hostKeysOf,
  vectorFile,
  vectorNames,
  type Expected,
} from './se-vectors.js';

const sha256Hex = (...parts: Uint8Array[]): string => bytesToHex(suite.sha256(...parts));
const NAMES = vectorNames();
const VALID = NAMES.filter((n) => expectedOf(n)['negative'] !== true);
const NEGATIVE = NAMES.filter((n) => expectedOf(n)['negative'] === true);

function decoded(bytes: Uint8Array): SeHeader {
  const h = decodeHeader(bytes);
  if (!h.ok) throw new Error(`header does not decode: ${JSON.stringify(h.error)}`);
  return h.value;
}

function opened(header: SeHeader, host: HostKeyPair): OpenedHeader {
  const o = openHeader(suite, header, host);
  if (!o.ok) throw new Error(`header does not open: ${JSON.stringify(o.error)}`);
  return o.value;
}

function parsed(image: Uint8Array): ParsedImage {
  const p = parseImage(image);
  if (!p.ok) throw new Error(`image does not parse: ${JSON.stringify(p.error)}`);
  return p.value;
}

/** The plaintext of every page of a parsed image, in page order. */
function plaintexts(p: ParsedImage, xtsKey: Uint8Array): Uint8Array[] {
  const plain = (p.header.pcf & PCF_NO_DECRYPTION) !== 0n;
  return p.pages.map((page) => (plain ? page.stored : suite.aesXtsDecrypt(xtsKey, page.tweak, page.stored)));
}

it('the vector set holds the three valid and two negative images', () => {
  expect(VALID).toEqual(['01-nks1-pcf-default', '02-nks2-dump-cck', '03-nks1-nodecrypt-cckext']);
  expect(NEGATIVE).toEqual(['neg1-kernel-byteflip', 'neg2-kernel-pages-swapped']);
});

describe.each(VALID)('valid vector %s', (name) => {
  const e = expectedOf(name);
  const eh = field<Expected>(e, 'header');
  let hosts: HostKeyPair[];
  let header: SeHeader;
  let open: OpenedHeader;
  let image: Uint8Array;
  let layout: ParsedImage;

  beforeAll(() => {
    hosts = hostKeysOf(name, e);
    header = decoded(vectorFile(name, 'header.bin'));
    open = opened(header, hosts[0] as HostKeyPair);
    image = vectorFile(name, 'image.bin');
    layout = parsed(image);
  });

  it('reads the files expected.json describes', () => {
    expect(sha256Hex(image)).toBe(e['imageSha256']);
    expect(sha256Hex(vectorFile(name, 'header.bin'))).toBe(e['headerSha256']);
  });

  it('decodes header.bin, every field equal to expected.header', () => {
    const d = describeHeader(header, open, { showSecrets: true }) as unknown as Record<string, unknown>;
    const compared: string[] = [];
    for (const [key, value] of Object.entries(eh)) {
      if (key === 'cckSource') continue; // provenance prose, not a header field
      if (key === 'keySlots') {
        const slots = value as { phkh: string; wrappedKey: string; tag: string }[];
        expect(d['keySlots']).toEqual(slots.map(({ phkh, wrappedKey, tag }) => ({ phkh, wrappedKey, tag })));
      } else {
        expect(d[key], key).toEqual(value);
      }
      compared.push(key);
    }
    expect(compared).toEqual(expect.arrayContaining(['phs', 'iv', 'nks', 'sea', 'nep', 'pcf', 'scf', 'pld', 'ald', 'tld', 'gcmTag', 'psw']));
    expect(header.nks).toBe(hosts.length);
  });

  it('unwraps every key slot with its own host key to header-key.bin', () => {
    const headerKey = vectorFile(name, 'header-key.bin');
    const slots = field<{ ecdhSharedX: string; kek: string }[]>(eh, 'keySlots');
    hosts.forEach((host, i) => {
      const o = opened(header, host);
      expect(o.slotIndex).toBe(i);
      expect(bytesToHex(o.headerKey)).toBe(bytesToHex(headerKey));
      const sharedX = suite.ecdh('p521', host.privateKey, header.customerPublicKey);
      expect(sharedX && bytesToHex(sharedX)).toBe(slots[i]?.ecdhSharedX);
      expect(sharedX && bytesToHex(keyEncryptionKey(suite, sharedX))).toBe(slots[i]?.kek);
    });
  });

  it('decrypts the encrypted area to encryptedAreaPlaintext, with the vector keys', () => {
    expect(bytesToHex(encodeEncryptedArea(open.secrets))).toBe(eh['encryptedAreaPlaintext']);
    expect(bytesToHex(open.secrets.xtsKey)).toBe(bytesToHex(vectorFile(name, 'xts-key.bin')));
    if (hasFile(name, 'cck.bin')) expect(bytesToHex(open.secrets.cck)).toBe(bytesToHex(vectorFile(name, 'cck.bin')));
    expect(open.secrets.items.length).toBe(0);
  });

  it('parses the image: layout, IPIB, stage3b arguments, components and pages as expected', () => {
    expect(layout.headerOffset).toBe(Number(field<string>(e, 'layout', 'headerOffset')));
    expect(bytesToHex(layout.headerBytes)).toBe(bytesToHex(vectorFile(name, 'header.bin')));
    const d = describeImage(suite, layout, open, { showSecrets: true, pages: true });
    expect(d.layout).toEqual(e['layout']);
    expect(d.ipib).toEqual(e['ipib']);
    expect(d.stage3bArgs).toEqual(e['stage3bArgs']);
    expect(d.components).toEqual(e['components']);
    expect(d.pages).toEqual(e['pages']);
  });

  it('decrypts each page to its plaintextSha256; the components are the inputs, zero-padded', () => {
    const plain = plaintexts(layout, open.secrets.xtsKey);
    const pages = field<{ plaintextSha256: string }[]>(e, 'pages');
    expect(plain.map((p) => sha256Hex(p))).toEqual(pages.map((p) => p.plaintextSha256));

    let next = 0;
    const component = (count: number): Uint8Array => concatBytes(...plain.slice(next, (next += count)));
    const inputs = [
      vectorFile(name, 'kernel.bin'),
      concatBytes(vectorFile(name, 'parmline.txt'), Uint8Array.of(0)),
      vectorFile(name, 'initrd.bin'),
    ];
    layout.components.slice(0, 3).forEach((c, i) => {
      const input = inputs[i] ?? new Uint8Array(0);
      expect(bytesToHex(component(c.tweaks.length)), c.kind).toBe(bytesToHex(zeroPad(input, c.length)));
    });
    const stage3b = component(layout.components[3]?.tweaks.length ?? 0);
    const template = vectorFile(name, 'stage3b_reloc.bin');
    const argsAt = template.length - STAGE3B_ARGS_SIZE;
    expect(equalBytes(stage3b.subarray(0, argsAt), template.subarray(0, argsAt))).toBe(true);
    const args = decodeStage3bArgs(stage3b, argsAt);
    expect(args && bytesToHex(encodeStage3bArgs(args))).toBe(bytesToHex(stage3b.subarray(argsAt, template.length)));
    expect(stage3b.subarray(template.length).every((b) => b === 0)).toBe(true);
  });

  it("recomputes PLD, ALD, TLD and NEP equal to the header's", () => {
    const d = imageDigests(suite, layout.pages);
    expect(bytesToHex(d.pld)).toBe(bytesToHex(header.pld));
    expect(bytesToHex(d.ald)).toBe(bytesToHex(header.ald));
    expect(bytesToHex(d.tld)).toBe(bytesToHex(header.tld));
    expect(d.nep).toBe(header.nep);
  });

  it('builds image.bin byte for byte from the inputs, keys and randoms of the vector', () => {
    const components = field<{ tweakRandom: string }[]>(e, 'components');
    const random = (i: number): Uint8Array => bytesOf(components[i]?.tweakRandom ?? '');
    const built = buildImage(suite, {
      kernel: vectorFile(name, 'kernel.bin'),
      parmline: vectorFile(name, 'parmline.txt'),
      initrd: vectorFile(name, 'initrd.bin'),
      hostKeys: hosts.map((h) => h.publicKey),
      pcf: BigInt(field<string>(eh, 'pcf')),
      scf: BigInt(field<string>(eh, 'scf')),
      headerKey: vectorFile(name, 'header-key.bin'),
      xtsKey: vectorFile(name, 'xts-key.bin'),
      // Vector 01 let genprotimg choose the CCK; it is read back from the decrypted header.
      cck: hasFile(name, 'cck.bin') ? vectorFile(name, 'cck.bin') : bytesOf(field<string>(eh, 'cck')),
      iv: bytesOf(field<string>(eh, 'iv')),
      tweakRandoms: { kernel: random(0), parmline: random(1), initrd: random(2), stage3b: random(3) },
      customer: customerFromHosts(
        suite,
        {
          x: bytesOf(field<string>(eh, 'customerPublicKeyX')).subarray(14),
          y: bytesOf(field<string>(eh, 'customerPublicKeyY')).subarray(14),
        },
        hosts,
      ),
    });
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    expect(sha256Hex(built.value.image)).toBe(e['imageSha256']);
    expect(equalBytes(built.value.image, image)).toBe(true);
    expect(bytesToHex(built.value.headerBytes)).toBe(bytesToHex(vectorFile(name, 'header.bin')));
    const pages = (ps: ParsedImage['pages']) => ps.map((p) => [p.address, bytesToHex(p.tweak), sha256Hex(p.stored)]);
    expect(pages(built.value.layout.pages)).toEqual(pages(layout.pages));
    expect(built.value.layout.components.map((c) => c.originalLength)).toEqual(
      field<{ originalLength: number }[]>(e, 'components').map((c) => c.originalLength),
    );
  });

  it('was made with the stand-in loaders the model generates', () => {
    expect(equalBytes(vectorFile(name, 'stage3a.bin'), standInStage3a())).toBe(true);
    expect(equalBytes(vectorFile(name, 'stage3b_reloc.bin'), standInStage3b())).toBe(true);
  });
});

describe.each(NEGATIVE)('negative vector %s', (name) => {
  const e = expectedOf(name);
  const source = field<string>(e, 'derivedFrom').replace(/^A\//, '');
  const se = expectedOf(source);

  it('passes key-slot and header-auth, fails PLD only, and the damaged pages decrypt to garbage', () => {
    const image = vectorFile(name, 'image.bin');
    expect(sha256Hex(image)).toBe(e['imageSha256']);
    const p = parsed(image);
    expect(p.headerOffset).toBe(Number(field<string>(e, 'layout', 'headerOffset')));
    expect(p.boot?.ipibOffset).toBe(Number(field<string>(e, 'layout', 'ipibOffset')));
    const o = opened(p.header, hostKeysOf(name, se)[0] as HostKeyPair);

    const d = imageDigests(suite, p.pages);
    expect(field<string[]>(e, 'mustFail')).toEqual(['pld']);
    expect(equalBytes(d.pld, p.header.pld)).toBe(false);
    expect(bytesToHex(d.ald)).toBe(bytesToHex(p.header.ald));
    expect(bytesToHex(d.tld)).toBe(bytesToHex(p.header.tld));
    expect(d.nep).toBe(p.header.nep);

    // Addresses and tweaks are the source image's; only stored bytes changed.
    const sourcePages = field<{ guestAddress: string; tweak: string; plaintextSha256: string }[]>(se, 'pages');
    expect(p.pages.map((pg) => [pg.address, bytesToHex(pg.tweak)])).toEqual(sourcePages.map((sp) => [BigInt(sp.guestAddress), sp.tweak]));
    const damaged = plaintexts(p, o.secrets.xtsKey)
      .map((plain, i) => (sha256Hex(plain) === sourcePages[i]?.plaintextSha256 ? -1 : Number(p.pages[i]?.address)))
      .filter((a) => a >= 0);
    const mutation = field<Expected>(e, 'mutation');
    const offsets = 'fileOffsets' in mutation ? field<string[]>(mutation, 'fileOffsets') : [field<string>(mutation, 'page', 'guestAddress')];
    expect(damaged).toEqual(offsets.map((a) => Number(a) - (Number(a) % PAGE_SIZE)));
  });
});

it('generates the stand-in loaders byte-identical to loaders/', () => {
  expect(bytesToHex(standInStage3a())).toBe(bytesToHex(vectorFile('loaders', 'stage3a.bin')));
  expect(bytesToHex(standInStage3b())).toBe(bytesToHex(vectorFile('loaders', 'stage3b_reloc.bin')));
});
