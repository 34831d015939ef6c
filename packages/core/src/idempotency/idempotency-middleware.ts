/**
 * HTTP Idempotency-Key middleware for Hono with Stripe's semantics: the first request with a key runs
 * the handler once and its response is stored; a retry with the same key and the same request gets
 * that response replayed (`Idempotent-Replayed: true`) without running the handler again.
 *
 * Sources: Stripe, "Idempotent requests" (https://docs.stripe.com/api/idempotent_requests);
 * IETF draft-ietf-httpapi-idempotency-key-header (409 while in flight, 422 for a reused key).
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  AllFrameError,
  ERROR_CODE_MAPPING,
  type ErrorCode,
  isAllFrameError,
  toAllFrameError,
} from "../errors/allframe-error.ts";
import type { ErrorBody } from "../runtime/http-errors.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency-store.ts";
import {
  defaultIdempotencyScope,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  normaliseIdempotencyKey,
  requestFingerprint,
  scopedIdempotencyKey,
} from "./request-fingerprint.ts";

/** Milliseconds in an hour, for `ttl_hours` from architecture.toml. */
export const HOUR_MS = 3_600_000;

/** The header that marks a replayed response (Stripe's name). */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** How a request ended, as seen by {@link IdempotencyOptions.shouldStore}. */
export interface IdempotencyOutcome {
  readonly status: number;
  /** The error the handler threw (already turned into the response by `onError`), if any. */
  readonly error: unknown;
}

/** Options for {@link idempotencyMiddleware}. */
export interface IdempotencyOptions {
  /** Where keys live; see `openIdempotencyStore`. */
  store: IdempotencyStore;
  /** Request header holding the key (config `key_header`); default `"Idempotency-Key"`. */
  keyHeader?: string;
  /** How long a stored response is replayed, in milliseconds; default 24 h (config `ttl_hours` × {@link HOUR_MS}). */
  ttlMs?: number;
  /**
   * How long a key stays locked while its first request runs, in milliseconds; default 60000. If a
   * process dies mid-request, the key frees itself after this; a handler that runs longer than this
   * can be executed twice, so keep it above the request timeout.
   */
  lockTtlMs?: number;
  /** Methods the middleware applies to; others pass straight through. Default `["POST", "PATCH"]`. */
  methods?: readonly string[];
  /** Header naming the tenant, part of the default scope; default `"X-Tenant-ID"`. */
  tenantHeader?: string;
  /** Where a key is valid; default `"<tenant> <METHOD> <route pattern>"` (see `defaultIdempotencyScope`). */
  scope?: (c: Context) => string;
  /** Response headers stored and replayed (lower-case); default `["content-type", "location"]`. */
  replayHeaders?: readonly string[];
  /** When true, a request without the key header is refused with 400; default false (it just runs). */
  required?: boolean;
  /** Which outcomes are stored for replay; default {@link defaultShouldStore}. */
  shouldStore?: (outcome: IdempotencyOutcome) => boolean;
  /**
   * Told when the store fails after the handler ran (complete or release), or a lock was lost. The
   * client still gets the handler's response; default: ignore.
   */
  onStoreError?: (error: AllFrameError) => void;
}

/**
 * Stores every outcome except: a request that failed validation (AllFrameError `validation`; the key
 * is released so a corrected retry runs, as Stripe does), 429 (the handler never ran) and any 5xx
 * (a transient failure; the retry runs again instead of replaying the failure; Stripe, unlike us,
 * stores 500s, so a handler must tolerate running again after it failed).
 */
export function defaultShouldStore({ status, error }: IdempotencyOutcome): boolean {
  if (isAllFrameError(error) && error.code === "validation") return false;
  return status !== 429 && status < 500;
}

function errorResponse(c: Context, code: ErrorCode, message: string): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, ERROR_CODE_MAPPING[code].http as ContentfulStatusCode);
}

function responseFrom(stored: StoredResponse, headers: Record<string, string>): Response {
  const bytes = Buffer.from(stored.bodyBase64, "base64");
  return new Response(bytes.length === 0 ? null : bytes, { status: stored.status, headers });
}

/**
 * Creates the middleware. Put it after authentication and body limits, before the handlers:
 * `app.use("/orders/*", idempotencyMiddleware({ store }))` or per route. For each request whose
 * method is in `methods` and which carries the key header:
 * - key empty or longer than 255 characters → 400 `validation`;
 * - first request → handler runs; its status, `replayHeaders` and body are stored for `ttlMs` unless
 *   `shouldStore` says no (then the key is released);
 * - same key, same fingerprint (method, path with query, body) → the stored response, with
 *   `Idempotent-Replayed: true`, handler not run;
 * - same key, different fingerprint → 422 `unprocessable` (IETF draft);
 * - same key while the first request still runs → 409 `conflict`.
 *
 * @throws AllFrameError `unavailable` (→ 503 in the service host) when the store cannot be reached
 *   before the handler ran; the handler then does not run.
 * @example
 * const store = openIdempotencyStore(process.env.IDEMPOTENCY_STORE_URL);
 * host.app.post("/payments", idempotencyMiddleware({ store, ttlMs: 72 * HOUR_MS }), createPayment);
 */
export function idempotencyMiddleware(opts: IdempotencyOptions): MiddlewareHandler {
  const { store } = opts;
  const keyHeader = opts.keyHeader ?? "Idempotency-Key";
  const ttlMs = opts.ttlMs ?? 24 * HOUR_MS;
  const lockTtlMs = opts.lockTtlMs ?? 60_000;
  const methods = new Set((opts.methods ?? ["POST", "PATCH"]).map((m) => m.toUpperCase()));
  const tenantHeader = opts.tenantHeader ?? "X-Tenant-ID";
  const scope = opts.scope ?? ((c: Context) => defaultIdempotencyScope(c, tenantHeader));
  const replayHeaders = (opts.replayHeaders ?? ["content-type", "location"]).map((h) => h.toLowerCase());
  const shouldStore = opts.shouldStore ?? defaultShouldStore;
  const report = (error: unknown) => opts.onStoreError?.(toAllFrameError(error));

  return async (c, next) => {
    if (!methods.has(c.req.method)) return next();
    const raw = c.req.header(keyHeader);
    if (raw === undefined) {
      if (opts.required !== true) return next();
      return errorResponse(c, "validation", `the ${keyHeader} header is required for ${c.req.method}`);
    }
    const key = normaliseIdempotencyKey(raw);
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return errorResponse(
        c,
        "validation",
        `${keyHeader} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long; got ${key.length}`,
      );
    }
    const url = c.req.url;
    const query = url.indexOf("?");
    const body = new Uint8Array(await c.req.arrayBuffer());
    const fingerprint = requestFingerprint(
      c.req.method,
      query === -1 ? c.req.path : c.req.path + url.slice(query),
      body,
    );
    const scopeKey = scopedIdempotencyKey(scope(c), key);
    const begun = await store.begin(scopeKey, fingerprint, lockTtlMs);
    if (begun.state !== "started") {
      if (begun.fingerprint !== fingerprint) {
        return errorResponse(
          c,
          "unprocessable",
          `this ${keyHeader} was already used with a different request (method, path or body); use a new key for a new request`,
        );
      }
      if (begun.state === "in-flight") {
        return errorResponse(
          c,
          "conflict",
          `a request with this ${keyHeader} is still being processed; retry after it finished`,
        );
      }
      return responseFrom(begun.response, { ...begun.response.headers, [REPLAYED_HEADER]: "true" });
    }
    const { lockToken } = begun;
    try {
      await next();
    } catch (error) {
      await store.release(scopeKey, lockToken).catch(report);
      throw error;
    }
    const res = c.res;
    if (!shouldStore({ status: res.status, error: c.error })) {
      await store.release(scopeKey, lockToken).catch(report);
      return;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const name of replayHeaders) {
      const value = res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    c.res = new Response(bytes.length === 0 ? null : bytes, { status: res.status, headers: res.headers });
    const stored: StoredResponse = {
      status: res.status,
      headers,
      bodyBase64: Buffer.from(bytes).toString("base64"),
    };
    try {
      if (!(await store.complete(scopeKey, lockToken, stored, ttlMs))) {
        report(
          new AllFrameError(
            "conflict",
            `the lock on an ${keyHeader} expired before its response was stored; it was not stored`,
          ),
        );
      }
    } catch (error) {
      report(error);
    }
  };
}
