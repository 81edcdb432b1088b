/**
 * Guest memory as the interceptions read and write it: byte ranges over the persistent page map,
 * a page the map does not hold reading as zeros (a secure page never written), and the register
 * values as the big-endian bytes the buffers hold.
 * @module
 */
import { PAGE_SIZE } from '../core/bytes.js';
import type { Guest } from '../world/world.js';

/** True when `length` bytes from `address` lie inside the guest's memory. */
export function inMemory(guest: Guest, address: bigint, length: number): boolean {
  return address + BigInt(length) <= BigInt(guest.memoryPages) * BigInt(PAGE_SIZE);
}

/** The `length` bytes of guest memory from `address` (inside memory, as {@link inMemory} said). */
export function readMemory(guest: Guest, address: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const at = address + done;
    const page = Math.floor(at / PAGE_SIZE);
    const offset = at % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - offset, length - done);
    const bytes = guest.memory.get(page);
    if (bytes !== undefined) out.set(bytes.subarray(offset, offset + n), done);
    done += n;
  }
  return out;
}

/** The guest's memory with `bytes` written from `address` (inside memory): new page values, the old ones untouched. */
export function writeMemory(guest: Guest, address: number, bytes: Uint8Array): Guest['memory'] {
  let memory = guest.memory;
  for (let done = 0; done < bytes.length; ) {
    const at = address + done;
    const page = Math.floor(at / PAGE_SIZE);
    const offset = at % PAGE_SIZE;
    // Stryker disable next-line ArithmeticOperator: a longer n only overshoots the end of bytes, which subarray clamps; the loop then ends
    const n = Math.min(PAGE_SIZE - offset, bytes.length - done);
    const next = new Uint8Array(PAGE_SIZE);
    const old = memory.get(page);
    if (old !== undefined) next.set(old);
    next.set(bytes.subarray(done, done + n), offset);
    memory = memory.set(page, next);
    done += n;
  }
  return memory;
}

/** The 16 registers as 128 big-endian bytes. */
export function registerBytes(registers: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(128);
  const view = new DataView(out.buffer);
  registers.forEach((r, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, r), false));
  return out;
}
