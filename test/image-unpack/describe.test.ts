// What `semodel image inspect --json` shows (describeHeader, describeImage): NEP as a number or,
// beyond 2^53, as hex; keys, plaintext hashes and pages only when asked and possible; stage3b's
// arguments read from the stage3b-labelled component (else the last), and original lengths only
// for components at the addresses those arguments give.
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../model/core/bytes.js';
import { nobleSuite } from '../../model/crypto/noble-suite.js';
import { describeHeader, describeImage } from '../../model/se-format/describe.js';
import { openHeader, type HostKeyPair, type OpenedHeader } from '../../model/se-format/header-keys.js';
import { buildImage, deriveBuildSecrets, type BuildSecrets, type ImageBuildInput } from '../../model/se-format/image-builder.js';
import { parseImage, type ParsedImage } from '../../model/se-format/image-layout.js';
import { memoizeKeyAgreement } from '../../properties/memoized-suite.js';
import { expectedOf, field, hostKeysOf, vectorFile, type Expected } from './se-vectors.js';

/** noble, with the few P-521 key agreements of these tests computed once. */
const suite = memoizeKeyAgreement(nobleSuite);
const V01 = '01-nks1-pcf-default';

function parsed(image: Uint8Array): ParsedImage {
  const p = parseImage(image);
  if (!p.ok) throw new Error(JSON.stringify(p.error));
  return p.value;
}

function opened(p: ParsedImage, host: HostKeyPair): OpenedHeader {
  const o = openHeader(suite, p.header, host);
  if (!o.ok) throw new Error(JSON.stringify(o.error));
  return o.value;
}

describe('describeHeader: NEP', () => {
  it('is a number up to 2^53 − 1 and a 0x string of 16 hex digits beyond', () => {
    const p = parsed(vectorFile(V01, 'header.bin'));
    expect(describeHeader(p.header).nep).toBe(field<number>(expectedOf(V01), 'header', 'nep'));
    expect(describeHeader({ ...p.header, nep: 2n ** 53n - 1n }).nep).toBe(9007199254740991);
    expect(describeHeader({ ...p.header, nep: 2n ** 53n }).nep).toBe('0x0020000000000000');
    expect(describeHeader({ ...p.header, nep: 2n ** 64n - 1n }).nep).toBe('0xffffffffffffffff');
  });
});

describe('describeImage of vector 01: what each option adds', () => {
  const e = expectedOf(V01);
  let p: ParsedImage;
  let open: OpenedHeader;

  beforeAll(() => {
    p = parsed(vectorFile(V01, 'image.bin'));
    open = opened(p, hostKeysOf(V01, e)[0] as HostKeyPair);
  });

  it('without a host key: the public fields only, even when secrets are asked for', () => {
    for (const options of [{}, { showSecrets: true }]) {
      const d = describeImage(suite, p, undefined, options);
      expect(d.stage3bArgs).toBeUndefined();
      expect(d.pages).toBeUndefined();
      expect(Object.keys(d.header)).not.toContain('openedKeySlot');
      expect(Object.keys(d.header)).not.toContain('headerKey');
      for (const c of d.components) {
        expect(Object.keys(c)).not.toContain('originalLength');
        expect(Object.keys(c)).not.toContain('plaintextSha256');
      }
      expect(d.components.map((c) => c.storedSha256)).toEqual(field<{ storedSha256: string }[]>(e, 'components').map((c) => c.storedSha256));
    }
  });

  it('opened: stage3b arguments and original lengths, but no keys or plaintext hashes unless asked', () => {
    const d = describeImage(suite, p, open);
    expect(d.stage3bArgs).toEqual(e['stage3bArgs']);
    expect(d.header.openedKeySlot).toBe(0);
    expect(Object.keys(d.header)).not.toContain('xtsKey');
    const expected = field<Expected[]>(e, 'components');
    expect(d.components.map((c) => c.originalLength)).toEqual(expected.map((c) => c['originalLength']));
    for (const c of d.components) expect(Object.keys(c)).not.toContain('plaintextSha256');
    expect(d.pages).toBeUndefined();
  });

  it('opened with showSecrets: the plaintext hashes of the components', () => {
    const d = describeImage(suite, p, open, { showSecrets: true, pages: false });
    expect(d.components.map((c) => c.plaintextSha256)).toEqual(field<Expected[]>(e, 'components').map((c) => c['plaintextSha256']));
    expect(d.header.xtsKey).toBe(field<string>(e, 'header', 'xtsKey'));
    expect(d.pages).toBeUndefined();
  });

  it('pages only with the pages option, and then without plaintext hashes unless secrets are shown', () => {
    const d = describeImage(suite, p, open, { pages: true });
    const pages = field<Expected[]>(e, 'pages');
    expect(d.pages?.length).toBe(pages.length);
    expect(d.pages?.map((pg) => pg.ciphertextSha256)).toEqual(pages.map((pg) => pg['ciphertextSha256']));
    expect(d.pages?.some((pg) => 'plaintextSha256' in pg)).toBe(false);
  });
});

describe('describeImage: which component holds stage3b, and which lengths its arguments give', () => {
  let host: HostKeyPair;
  let secrets: BuildSecrets;
  const kernel = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  const initrd = new Uint8Array(3000).fill(0x5a);
  const parmline = 'root=/dev/ram0';

  beforeAll(() => {
    host = hostKeysOf(V01, expectedOf(V01))[0] as HostKeyPair;
    secrets = deriveBuildSecrets(suite, utf8ToBytes('describe test'));
  });

  function describedBuilt(change: Partial<ImageBuildInput>) {
    const b = buildImage(suite, { ...secrets, kernel, parmline, initrd, hostKeys: [host.publicKey], ...change });
    if (!b.ok) throw new Error(JSON.stringify(b.error));
    const p = parsed(b.value.image);
    return { built: b.value, d: describeImage(suite, p, opened(p, host)) };
  }

  it('no stage3b-labelled component: the last one is read; a component of another kind gets no length', () => {
    const { built, d } = describedBuilt({ tweakPrefixes: { initrd: 0x20, stage3b: 0x30 } });
    expect(d.components.map((c) => c.kind)).toEqual(['kernel', 'parmline', 'unknown', 'unknown']);
    const stage3b = built.layout.components[3];
    expect(d.stage3bArgs?.kernel).toEqual({ addr: d.components[0]?.guestAddress, size: 5000 });
    expect(d.stage3bArgs?.initrd.size).toBe(3000);
    expect(d.components.map((c) => c.originalLength)).toEqual([5000, parmline.length + 1, undefined, stage3b?.originalLength]);
  });

  it('labels at other addresses than the arguments give get no original length', () => {
    // pvimg's prefixes: 50 is its initrd, 60 its parmline, 70 its stage3b; here 50 and 60 label the parmline and the initrd.
    const { d } = describedBuilt({ tweakPrefixes: { parmline: 50, initrd: 60, stage3b: 70 } });
    expect(d.components.map((c) => c.kind)).toEqual(['kernel', 'initrd', 'parmline', 'stage3b']);
    expect(d.stage3bArgs?.initrd).toEqual({ addr: d.components[2]?.guestAddress, size: 3000 });
    expect(d.components.map((c) => c.originalLength)).toEqual([5000, undefined, undefined, expect.any(Number)]);
  });

  it('a stage3b-labelled component that is not last is the one read, even when it holds no arguments', () => {
    const { built, d } = describedBuilt({
      tweakPrefixes: { stage3b: 0x50 },
      extraComponents: [{ bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), tweakPrefix: 3, tweakRandom: new Uint8Array(6).fill(9) }],
    });
    expect(d.components.map((c) => c.kind)).toEqual(['kernel', 'parmline', 'initrd', 'stage3b', 'unknown']);
    expect(built.layout.components.map((c) => c.kind)).toEqual(['kernel', 'parmline', 'initrd', 'extra', 'stage3b']);
    expect(d.stage3bArgs).toBeUndefined();
    expect(d.components.map((c) => c.originalLength)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
