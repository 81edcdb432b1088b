/**
 * Results of codecs and other pure functions that can fail on their input. Unlike reducer steps
 * they carry no state: either a value or an error that names what was wrong and where.
 * @module
 */

/** A decoding or validation error: the field that was wrong, its byte offset, and why. */
export interface CodecError {
  readonly field: string;
  readonly offset: number;
  readonly message: string;
}

/** Either a value or an error. */
export type Result<T, E = CodecError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** A successful result. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed result. */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** A codec error naming a field and its byte offset. */
export function codecError(field: string, offset: number, message: string): CodecError {
  return { field, offset, message };
}

/** One line for a person: `field at offset 0x1c: message`. */
export function formatCodecError(e: CodecError): string {
  return `${e.field} at offset 0x${e.offset.toString(16)}: ${e.message}`;
}
