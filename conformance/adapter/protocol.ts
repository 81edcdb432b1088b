/**
 * The adapter protocol `semodel-adapter/1` (docs/adapter-protocol.md): how the conformance kit
 * talks to another implementation of the platform. The implementation is wrapped by an adapter,
 * a process that reads JSON-RPC 2.0 requests from stdin and writes responses to stdout, one JSON
 * object per line (NDJSON); stderr is free for its logs. Payloads are the wire forms of
 * model/platform/wire.ts (actions, outcomes, parties, views, the configuration), so an adapter in
 * any language needs only a JSON library.
 *
 * Methods, in the order a session uses them:
 * - `hello` → {@link HelloResult};
 * - `reset {config}` → `{}` (config: the `WorldConfig` wire form);
 * - `apply {action}` → `{outcome}`;
 * - `observe {party}` → `{view}` (`null` for a party that does not exist), or the error
 *   {@link ADAPTER_ERRORS.PARTY_NOT_MODELLED} when the implementation has no such view: the
 *   checker then compares outcomes only, and says so;
 * - `bye` → `{}`, after which the adapter exits.
 * @module
 */
import type { Json } from '../../model/core/schema.js';

/** The protocol name and version `hello` must answer. */
export const ADAPTER_PROTOCOL = 'semodel-adapter/1';

/** The methods of the protocol. */
export const ADAPTER_METHODS = ['hello', 'reset', 'apply', 'observe', 'bye'] as const;
/** One method of the protocol. */
export type AdapterMethod = (typeof ADAPTER_METHODS)[number];

/**
 * JSON-RPC error codes: the standard ones, and the protocol's own in the range JSON-RPC leaves
 * to servers (-32000 to -32099).
 */
export const ADAPTER_ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** `observe` of a party whose view the implementation does not model. */
  PARTY_NOT_MODELLED: -32001,
  /** `apply` or `observe` before any `reset`. */
  NOT_RESET: -32002,
  /** `reset` with a configuration the implementation cannot run (e.g. a crypto suite it lacks). */
  CONFIG_UNSUPPORTED: -32003,
} as const;

/** What `hello` answers. */
export interface HelloResult {
  /** Always {@link ADAPTER_PROTOCOL}. */
  readonly protocol: string;
  /** The implementation's name, for reports. */
  readonly implementation: string;
  /** Its version, for reports. */
  readonly version: string;
  /** The mechanisms it implements (folder names, e.g. `image-unpack`); the platform's own actions always. */
  readonly mechanisms: readonly string[];
}

/** A JSON-RPC 2.0 request of the protocol. */
export interface AdapterRequest {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly method: AdapterMethod;
  readonly params?: { readonly [key: string]: Json };
}

/** A JSON-RPC 2.0 error object. */
export interface AdapterErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: Json;
}

/** A JSON-RPC 2.0 response: a result or an error, with the request's id. */
export type AdapterResponse =
  | { readonly jsonrpc: '2.0'; readonly id: number; readonly result: Json }
  | { readonly jsonrpc: '2.0'; readonly id: number | null; readonly error: AdapterErrorObject };
