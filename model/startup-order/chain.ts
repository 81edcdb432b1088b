/**
 * The real platform's chain as startup entries: how an SE guest's boot image opens and mounts its
 * encrypted data volume (reference/platform-formats.md 5.1, 2.7). With the volume key in the
 * ultravisor's secret store, as s390-tools' Early Boot Customization (the dracut module 95sel-ebc)
 * does: mount /boot read-only, copy the add-secret requests to tmpfs, add them (pvebc), retrieve
 * the passphrase (pvsecret retrieve luks-rfs-passphrase), open the LUKS volume (crypttab), check
 * that the mapping is paes-xts-plain64, mount it, start what needs the mount. With the key in the
 * SE-encrypted initrd, as IBM's "Securing a workload" describes: read the keyfile, then the same.
 * @module
 */
import type { Entry } from './entries.js';

/** Where the volume key comes from. */
export const CHAIN_SOURCES = ['secret-store', 'initrd'] as const;

/** A source of the volume key. */
export type ChainSource = (typeof CHAIN_SOURCES)[number];

/** The entries from the volume key on: open the volume, check its cipher, mount it, start the workload. */
function afterKey(): Entry[] {
  return [
    { name: 'systemd-cryptsetup@cryptroot_mapper', defines: '/dev/mapper/cryptroot_mapper', requires: ['volume-key', '/dev/disk/by-label/cryptroot'] },
    { name: 'sel-ebc-check-paes', defines: 'cipher:paes-xts-plain64', requires: ['/dev/mapper/cryptroot_mapper'] },
    { name: 'sysroot.mount', defines: '/sysroot', requires: ['/dev/mapper/cryptroot_mapper', 'cipher:paes-xts-plain64'] },
    { name: 'workload.service', defines: 'workload', requires: ['/sysroot'] },
  ];
}

/** The entries that make the volume key exist, by source. */
function keyEntries(source: ChainSource): Entry[] {
  if (source === 'initrd') return [{ name: 'read-initrd-keyfile', defines: 'volume-key', requires: ['/etc/luks/keyfile'] }];
  return [
    { name: 'boot.mount', defines: '/boot', requires: ['/dev/disk/by-label/boot'] },
    { name: 'sel-ebc-copy', defines: '/run/sel-ebc', requires: ['/boot'] },
    { name: 'pvebc-add-secrets', defines: 'uv-secret:luks-rfs-passphrase', requires: ['/run/sel-ebc', '/dev/uv'] },
    { name: 'pvsecret-retrieve', defines: 'volume-key', requires: ['uv-secret:luks-rfs-passphrase'] },
  ];
}

/** What the boot environment provides before any entry starts, by source: devices, and the keyfile the SE-encrypted initrd carries. */
function providedBy(source: ChainSource): string[] {
  return source === 'initrd' ? ['/etc/luks/keyfile', '/dev/disk/by-label/cryptroot'] : ['/dev/disk/by-label/boot', '/dev/uv', '/dev/disk/by-label/cryptroot'];
}

/**
 * The real chain for a key source, in requirement order, and what the boot provides. A startup
 * list may hold the entries in any order: the scheduler starts them in requirement order.
 */
export function realChain(source: ChainSource): { readonly entries: readonly Entry[]; readonly provided: readonly string[] } {
  return { entries: [...keyEntries(source), ...afterKey()], provided: providedBy(source) };
}
