/**
 * The idempotency store port: where the HTTP Idempotency-Key middleware keeps one record per scoped
 * key, first as a lock while the request runs, then as the stored response it replays. Every
 * implementation (memory, SQLite, PostgreSQL, Redis) passes `runIdempotencyStoreContract`
 * (house style rule 4).
 *
 * Source: Stripe, "Idempotent requests" (https://docs.stripe.com/api/idempotent_requests) and IETF
 * draft-ietf-httpapi-idempotency-key-header ("The Idempotency-Key HTTP Header Field").
 * @module
 */
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";

/** The kinds of store shipped with the runtime. */
export const IDEMPOTENCY_STORE_KINDS = ["memory", "sqlite", "postgres", "redis"] as const;
export type IdempotencyStoreKind = (typeof IDEMPOTENCY_STORE_KINDS)[number];

/** A response kept for replay. */
export interface StoredResponse {
  /** HTTP status, e.g. 201. */
  readonly status: number;
  /** Lower-case header name → value; only the headers the middleware chose to replay. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes, base64-encoded (so every store keeps binary bodies as plain text). */
  readonly bodyBase64: string;
}

/**
 * What {@link IdempotencyStore.begin} found:
 * - `started`: the key was free (never seen, released, or expired); the caller now holds its lock and
 *   must `complete` or `release` it with `lockToken`;
 * - `in-flight`: another request holds the lock; `fingerprint` is that request's;
 * - `completed`: a response is stored; `fingerprint` is the request that produced it.
 */
export type BeginResult =
  | { readonly state: "started"; readonly lockToken: string }
  | { readonly state: "in-flight"; readonly fingerprint: string }
  | { readonly state: "completed"; readonly fingerprint: string; readonly response: StoredResponse };

/**
 * One record per scope key, in two states: locked (in flight, until `lockTtlMs` passes) and completed
 * (until `ttlMs` passes). Expired records count as absent. Times come from the store's injected
 * `Clock`, so tests run on fake time.
 *
 * Every method throws AllFrameError `unavailable` when the engine fails or after `close()`.
 */
export interface IdempotencyStore {
  readonly kind: IdempotencyStoreKind;
  /**
   * Atomically: returns the live record for `scopeKey`, or, if there is none, locks the key for
   * `lockTtlMs` milliseconds under `fingerprint` and returns `started` with a fresh lock token.
   * Of any number of concurrent calls for one free key, exactly one gets `started`.
   */
  begin(scopeKey: string, fingerprint: string, lockTtlMs: number): Promise<BeginResult>;
  /**
   * Stores `response` for `ttlMs` milliseconds and drops the lock, if the key is still locked with
   * `lockToken` (even past its lock TTL, as long as nobody else began since).
   * @returns false when the lock was lost (someone else holds or completed the key); nothing changes.
   */
  complete(scopeKey: string, lockToken: string, response: StoredResponse, ttlMs: number): Promise<boolean>;
  /** Drops the lock if it is still held with `lockToken`, so the next `begin` starts afresh. */
  release(scopeKey: string, lockToken: string): Promise<void>;
  /** Closes connections; idempotent. */
  close(): Promise<void>;
}

/** The error for calls on a closed store. */
export function closedIdempotencyStoreError(kind: IdempotencyStoreKind): AllFrameError {
  return new AllFrameError("unavailable", `${kind} idempotency store is closed`);
}

/**
 * Converts an engine failure at the store boundary: AllFrame errors pass through, anything else
 * becomes `unavailable` naming the store and operation, keeping the original as `cause`.
 */
export function idempotencyStoreFailure(
  kind: IdempotencyStoreKind,
  operation: string,
  cause: unknown,
): AllFrameError {
  if (isAllFrameError(cause)) return cause;
  return new AllFrameError(
    "unavailable",
    `${kind} idempotency store: ${operation} failed: ${(cause as Error).message}`,
    { cause },
  );
}

/** Table names the SQL stores accept: a lower-case identifier, so it can be quoted into SQL. */
export const IDEMPOTENCY_TABLE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Default table of the SQL stores. */
export const DEFAULT_IDEMPOTENCY_TABLE = "allframe_idempotency_keys";

/** @throws AllFrameError `configuration` when `table` does not match {@link IDEMPOTENCY_TABLE_PATTERN}. */
export function assertIdempotencyTable(table: string): void {
  if (!IDEMPOTENCY_TABLE_PATTERN.test(table) || table.startsWith("sqlite_") || table.startsWith("pg_")) {
    throw new AllFrameError(
      "configuration",
      `idempotency table "${table}" is not a plain identifier; use lower-case letters, digits and _`,
    );
  }
}

/** How many `begin` calls pass between sweeps of expired rows in the SQL and memory stores. */
export const SWEEP_EVERY_BEGINS = 512;
