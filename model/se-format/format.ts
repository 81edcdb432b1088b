/**
 * Constants of the real Secure Execution image format: the SE header (version 0x100), its
 * control flags, and the layout IBM's genprotimg v2.35.0 gives an image. Sources:
 * `reference/secure-execution-format.md` and the vectors in `vectors/se-images/`.
 * All integers in the format are big-endian; bit numbers are MSB0 of a 64-bit field.
 * @module
 */
import { utf8ToBytes } from '../core/bytes.js';

// ---------------------------------------------------------------------------------------------
// SE header

/** The header's first 8 bytes: ASCII `IBMSecEx`. */
export const SE_MAGIC: Uint8Array = utf8ToBytes('IBMSecEx');

/** The magic as a big-endian u64, the spelling of expected.json. */
export const SE_MAGIC_U64 = 0x49424d5365634578n;

/** The only header version the model (and the real firmware) knows. */
export const SE_VERSION = 0x100;

/** Byte offsets of the header's fixed fields. */
export const HEADER_OFFSET = {
  /** 8 bytes: {@link SE_MAGIC}. */
  magic: 0x00,
  /** u32: {@link SE_VERSION}. */
  version: 0x08,
  /** u32: PHS, the total header size. */
  phs: 0x0c,
  /** 12 bytes: IV of the header's AES-256-GCM. */
  iv: 0x10,
  /** 4 bytes, zero. */
  reserved: 0x1c,
  /** u64: NKS, the number of key slots. */
  nks: 0x20,
  /** u64: SEA, the size of the encrypted area. */
  sea: 0x28,
  /** u64: NEP, the number of secured pages. */
  nep: 0x30,
  /** u64: PCF, the plaintext control flags. */
  pcf: 0x38,
  /** 160 bytes: customer public key X then Y, each left-padded to 80 bytes. */
  customerPublicKey: 0x40,
  /** 64 bytes: page list digest. */
  pld: 0xe0,
  /** 64 bytes: address list digest. */
  ald: 0x120,
  /** 64 bytes: tweak list digest. */
  tld: 0x160,
  /** First key slot; the fixed part ends here. */
  keySlots: 0x1a0,
} as const;

/** Size of the header's fixed part (magic … TLD): where the key slots begin. */
export const HEADER_FIXED_SIZE = 0x1a0;

/** Size of one key slot: PHKH (32) ‖ wrapped header key (32) ‖ GCM tag (16). */
export const KEY_SLOT_SIZE = 80;

/** Byte offsets inside a key slot. */
export const KEY_SLOT_OFFSET = {
  /** 32 bytes: SHA-256 of the host public key. */
  phkh: 0,
  /** 32 bytes: the header key under AES-256-GCM with the slot's key-encryption key. */
  wrappedKey: 32,
  /** 16 bytes: that GCM's tag. */
  tag: 64,
} as const;

/** Size of the encrypted area genprotimg writes (no optional items); the minimum SEA. */
export const ENCRYPTED_AREA_SIZE = 128;

/** Byte offsets inside the (decrypted) encrypted area. */
export const ENCRYPTED_AREA_OFFSET = {
  /** 32 bytes: customer communication key. */
  cck: 0,
  /** 64 bytes: the AES-256-XTS image key (key1 ‖ key2). */
  xtsKey: 32,
  /** u64: mask of the PSW the guest starts with. */
  pswMask: 96,
  /** u64: address of that PSW (genprotimg: the stage3b address). */
  pswAddr: 104,
  /** u64: SCF, the secret control flags. */
  scf: 112,
  /** u32: NOI, the number of optional items. */
  noi: 120,
  /** u32, zero. */
  reserved: 124,
  /** Optional items (if SEA > 128) start here. */
  items: 128,
} as const;

/** Size of an AES-GCM tag (header tag and key slot tags). */
export const TAG_SIZE = 16;

/** Size of the header's GCM IV. */
export const IV_SIZE = 12;

/** Size of PLD, ALD and TLD (SHA-512). */
export const DIGEST_SIZE = 64;

/** Size of a PHKH (SHA-256). */
export const PHKH_SIZE = 32;

/** Size of the header key (AES-256-GCM), also the size of a wrapped header key. */
export const HEADER_KEY_SIZE = 32;

/** Size of the image key (AES-256-XTS: two AES-256 keys). */
export const XTS_KEY_SIZE = 64;

/** Size of the customer communication key. */
export const CCK_SIZE = 32;

/** Size of a P-521 coordinate or private scalar. */
export const P521_COORDINATE_SIZE = 66;

/** Size of a coordinate as the header and the PHKH store it (left-padded with zeros). */
export const PADDED_COORDINATE_SIZE = 80;

/** Largest header the format allows: two 4 KiB pages. */
export const MAX_HEADER_SIZE = 8192;

/** The counter appended to the ECDH shared X before hashing it into a key-encryption key. */
export const KEK_COUNTER: Uint8Array = Uint8Array.of(0, 0, 0, 1);

// ---------------------------------------------------------------------------------------------
// Control flags

/** PCF bit 34: the guest may be dumped. */
export const PCF_DUMP_ALLOWED = 0x20000000n;

/** PCF bit 35: components are stored in plaintext; unpack does not decrypt. */
export const PCF_NO_DECRYPTION = 0x10000000n;

/** PCF bit 56: PCKMO DEA/TDEA key functions allowed. */
export const PCF_PCKMO_DEA = 0x80n;

/** PCF bit 57: PCKMO AES key functions allowed. */
export const PCF_PCKMO_AES = 0x40n;

/** PCF bit 58: PCKMO ECC key functions allowed. */
export const PCF_PCKMO_ECC = 0x20n;

/** PCF bit 59: PCKMO HMAC key functions allowed. */
export const PCF_PCKMO_HMAC = 0x10n;

/** PCF bit 62: backup target keys. */
export const PCF_BACKUP_TARGET_KEYS = 0x02n;

/** genprotimg's default PCF: PCKMO DEA, AES and ECC allowed. */
export const DEFAULT_PCF = 0xe0n;

/** SCF bit 1: add-secret requests must carry the CCK-derived extension secret. */
export const SCF_CCK_EXTENSION_SECRET = 0x4000000000000000n;

/** SCF bit 2: the CCK may be updated. */
export const SCF_CCK_UPDATE_ALLOWED = 0x2000000000000000n;

/** genprotimg's default SCF: no flag. */
export const DEFAULT_SCF = 0n;

// ---------------------------------------------------------------------------------------------
// Image layout (genprotimg v2.35.0)

/** Guest address (= file offset) where the stage3a loader is placed. */
export const STAGE3A_LOAD_ADDRESS = 0x10000;

/** Entry point of stage3a, the address of the image's short PSW. */
export const STAGE3A_ENTRY = 0x11000n;

/** Bit 12 of a PSW mask: marks the 8-byte short PSW format. */
export const SHORT_PSW_BIT12 = 0x0008000000000000n;

/** Default PSW mask (64-bit addressing: EA and BA bits), of the short PSW and the header PSW. */
export const DEFAULT_PSW_MASK = 0x0000000180000000n;

/** Default address of the kernel entry PSW that stage3b loads (`--x-psw` overrides it). */
export const DEFAULT_KERNEL_PSW_ADDR = 0x10000n;

/** Size of the stage3a arguments {hdrOffs, hdrSize, ipibOffs} at the end of stage3a. */
export const STAGE3A_ARGS_SIZE = 24;

/** Size of the stage3b arguments {kernel, cmdline, initrd memblobs; PSW} at the end of stage3b. */
export const STAGE3B_ARGS_SIZE = 64;

/** Size of a page tweak: prefix (u16) ‖ random (6) ‖ page offset (u64). */
export const TWEAK_SIZE = 16;

/** Bytes of per-component randomness in a tweak. */
export const TWEAK_RANDOM_SIZE = 6;

/** Component tweak prefixes of genprotimg v2.35.0, in image order. */
export const TWEAK_PREFIX = {
  /** The kernel: first component. */
  kernel: 0,
  /** The parmline (kernel command line, NUL-terminated). */
  parmline: 1,
  /** The initial RAM disk. */
  initrd: 2,
  /** The stage3b loader: always last. */
  stage3b: 3,
} as const;

/** Component tweak prefixes of pvimg (s390-tools' newer builder), recognised when parsing. */
export const PVIMG_TWEAK_PREFIX = {
  /** The kernel. */
  kernel: 40,
  /** The initial RAM disk (pvimg places it before the parmline). */
  initrd: 50,
  /** The parmline. */
  parmline: 60,
  /** The stage3b loader. */
  stage3b: 70,
} as const;

// ---------------------------------------------------------------------------------------------
// IPL parameter block (IPIB) of type PV, as Linux' ipl.h defines it

/** Size of the IPL parameter list header {len u32, flags u8, reserved 2, version u8}. */
export const IPL_PL_HDR_SIZE = 8;

/** Size of the PV block's fixed part (up to its component list). */
export const IPIB_PV_BLOCK_SIZE = 0x80;

/** Size of one IPIB component entry {tweak_pref u64, addr u64, len u64}. */
export const IPIB_COMPONENT_SIZE = 24;

/** IPL parameter block type PV (pbt). */
export const IPL_TYPE_PV = 5;

/** IPL parameter block version genprotimg writes. */
export const IPL_PARM_BLOCK_VERSION = 1;

/** An IPIB fills at least, and at most, one page. */
export const IPIB_MAX_SIZE = 4096;

/** Byte offsets inside an IPIB (from its start, the list header). */
export const IPIB_OFFSET = {
  /** u32: length of the whole parameter block. */
  len: 0x00,
  /** u8: flags. */
  flags: 0x04,
  /** u8: parameter block version. */
  version: 0x07,
  /** u32: length of the PV block (blk0Len). */
  blk0Len: 0x08,
  /** u8: parameter block type. */
  pbt: 0x0c,
  /** u8: PV block version. */
  pvVersion: 0x08 + 0x67,
  /** u32: number of components. */
  numComp: 0x08 + 0x6c,
  /** u64: header address (0: stage3a fills it in at boot). */
  pvHdrAddr: 0x08 + 0x70,
  /** u64: header size (PHS). */
  pvHdrSize: 0x08 + 0x78,
  /** First component entry. */
  components: 0x08 + 0x80,
} as const;
