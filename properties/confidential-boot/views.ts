/**
 * What the confidential-boot properties read of views: every party's view of a world with one
 * guest, as canonical text, and what the hypervisor's disk holds of a guest.
 * @module
 */
import { bytesToHex } from '../../model/core/bytes.js';
import { sut, type Calls } from '../sut-calls.js';
import { viewText } from '../views.js';

/** Every party's view (hypervisor, the guest, its owner, the host manager, the client), as one lower-case hex-bearing text. */
export function* allViews(guest: number): Calls<string> {
  const parts = [
    viewText(yield* sut.observe({ kind: 'hypervisor' })),
    viewText(yield* sut.observe({ kind: 'guest', guest })),
    viewText(yield* sut.observe({ kind: 'owner', guest })),
    viewText(yield* sut.observe({ kind: 'host-manager' })),
    viewText(yield* sut.observe({ kind: 'client' })),
  ];
  return parts.join('\n');
}

/** The stored sectors of `guest`'s disk as the hypervisor sees them, or null. */
export function* diskOf(guest: number): Calls<readonly Uint8Array[] | null> {
  const v = yield* sut.observe({ kind: 'hypervisor' });
  if (v === null || v.party !== 'hypervisor') return null;
  return v.volumes.find((x) => x.guest === guest)?.sectors ?? null;
}

/** The 16-byte blocks of `b`, as hex. */
export function blocksHex(b: Uint8Array): string[] {
  return Array.from({ length: Math.floor(b.length / 16) }, (_, i) => bytesToHex(b.subarray(i * 16, i * 16 + 16)));
}
