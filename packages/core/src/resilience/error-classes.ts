/**
 * Which failures are worth retrying and which count against a dependency's health. Retries and
 * breakers must agree on this, so both read it from here.
 *
 * Source: seed 001 "Resilience" (RetryExecutor retries transient errors only); gRPC's retryable
 * status codes (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED) map to the AllFrame
 * codes below through `ERROR_CODE_MAPPING`.
 * @module
 */
import { type ErrorCode, isAllFrameError } from "../errors/allframe-error.ts";

const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "unavailable",
  "timeout",
  "rate-limited",
  "concurrency",
]);

/** Codes that say the dependency is unhealthy; the other codes say the request was wrong. */
const FAILURE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "unavailable",
  "timeout",
  "rate-limited",
  "internal",
]);

/** Node socket/DNS errors and undici (fetch) errors that mean "the connection failed, try again". */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** How deep the `cause` chain is followed; fetch wraps the socket error once, SDKs a few times. */
const MAX_CAUSE_DEPTH = 5;

/**
 * True for a network failure: an error (or one of its `cause`s, e.g. fetch's `TypeError: fetch
 * failed`) whose `code` is a connection, DNS or socket error such as `ECONNRESET`.
 */
export function isNetworkError(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    current = cause;
  }
  return false;
}

/**
 * True when trying again may succeed: AllFrameError `unavailable`, `timeout`, `rate-limited`,
 * `concurrency`, or a network error ({@link isNetworkError}). Everything else (`validation`,
 * `not-found`, `forbidden`, unknown throwables, cancellations) is not retried: the same call would
 * fail the same way.
 */
export function isRetryableError(error: unknown): boolean {
  return isAllFrameError(error) ? RETRYABLE_CODES.has(error.code) : isNetworkError(error);
}

/**
 * True when the error says the dependency is unhealthy, so a circuit breaker counts it: AllFrameError
 * `unavailable`, `timeout`, `rate-limited`, `internal`, and any other throwable except a cancellation
 * (`AbortError`). Errors that say the request was wrong (`validation`, `not-found`, `conflict`, ...)
 * prove the dependency answered and are not counted.
 */
export function isDependencyFailure(error: unknown): boolean {
  if (isAllFrameError(error)) return FAILURE_CODES.has(error.code);
  return !(
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "AbortError"
  );
}

/** The `details.retryAfterMs` hint of an AllFrame error (set by breakers, rate limiters), if any. */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (!isAllFrameError(error)) return undefined;
  const hint = error.details.retryAfterMs;
  return typeof hint === "number" && hint >= 0 ? hint : undefined;
}
