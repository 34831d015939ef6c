/**
 * Idempotency keys for handlers (the router's "one handler, three protocols"), with the semantics of
 * {@link idempotencyMiddleware} (Stripe's): the key comes from the same header over REST, GraphQL
 * over HTTP and gRPC metadata, so a retried call replays the first answer whichever protocol carries
 * it. Scope: tenant + handler name; fingerprint: the handler name and the validated input.
 * @module
 */
import { createHash } from "node:crypto";
import { AllFrameError, ERROR_CODES, type ErrorCode, isAllFrameError } from "../errors/allframe-error.ts";
import type { HandlerContext, HandlerDefinition, UnaryHandler } from "../router/handler.ts";
import { HOUR_MS } from "./idempotency-middleware.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency-store.ts";
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  normaliseIdempotencyKey,
  scopedIdempotencyKey,
} from "./request-fingerprint.ts";

/** Options for {@link idempotentHandlers}. */
export interface IdempotentHandlerOptions {
  readonly store: IdempotencyStore;
  /** Header (gRPC metadata key) holding the key; default `Idempotency-Key`. */
  readonly keyHeader?: string;
  /** How long an answer is replayed, ms; default 24 h. */
  readonly ttlMs?: number;
  /** How long a key stays locked while its first call runs, ms; default 60000. */
  readonly lockTtlMs?: number;
  /** Header naming the tenant, part of the scope; default `X-Tenant-ID`. */
  readonly tenantHeader?: string;
  /** Told when the store fails after the handler ran; the caller still gets the answer. */
  readonly onStoreError?: (error: AllFrameError) => void;
}

/** A call's identity: which handler, with exactly which input (key order does not matter). */
function fingerprint(handler: string, input: unknown): string {
  return createHash("sha256").update(handler).update("\0").update(canonicalJson(input)).digest("base64url");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Answers are stored as JSON: `{ ok: output }` or `{ error: { code, message } }` (status unused: 200). */
function stored(body: unknown): StoredResponse {
  return { status: 200, headers: {}, bodyBase64: Buffer.from(JSON.stringify(body)).toString("base64") };
}

function replay(response: StoredResponse): unknown {
  const body = JSON.parse(Buffer.from(response.bodyBase64, "base64").toString("utf8")) as {
    ok?: unknown;
    error?: { code: string; message: string };
  };
  if (body.error === undefined) return body.ok;
  const code = (ERROR_CODES as readonly string[]).includes(body.error.code)
    ? (body.error.code as ErrorCode)
    : "internal";
  throw new AllFrameError(code, body.error.message, { details: { replayed: true } });
}

/** Outcomes worth replaying: success, and failures that are the caller's (4xx other than 429). */
function storable(error: AllFrameError): boolean {
  const status = error.mapping.http;
  return error.code !== "validation" && status !== 429 && status < 500;
}

function wrap(
  handler: UnaryHandler,
  opts: Required<Omit<IdempotentHandlerOptions, "onStoreError">> & IdempotentHandlerOptions,
): UnaryHandler {
  const header = opts.keyHeader.toLowerCase();
  const tenantHeader = opts.tenantHeader.toLowerCase();
  const report = (error: unknown) =>
    opts.onStoreError?.(
      isAllFrameError(error) ? error : new AllFrameError("unavailable", String(error), { cause: error }),
    );
  const handle = async (input: unknown, ctx: HandlerContext): Promise<unknown> => {
    const raw = ctx.headers[header];
    if (raw === undefined) return handler.handle(input, ctx);
    const key = normaliseIdempotencyKey(raw);
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new AllFrameError(
        "validation",
        `${opts.keyHeader} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long; got ${key.length}`,
      );
    }
    const scopeKey = scopedIdempotencyKey(`${ctx.headers[tenantHeader] ?? "-"} ${handler.name}`, key);
    const print = fingerprint(handler.name, input);
    const begun = await opts.store.begin(scopeKey, print, opts.lockTtlMs);
    if (begun.state !== "started") {
      if (begun.fingerprint !== print) {
        throw new AllFrameError(
          "unprocessable",
          `this ${opts.keyHeader} was already used with a different request; use a new key for a new request`,
        );
      }
      if (begun.state === "in-flight") {
        throw new AllFrameError(
          "conflict",
          `a request with this ${opts.keyHeader} is still being processed; retry after it finished`,
        );
      }
      return replay(begun.response);
    }
    let output: unknown;
    let failure: AllFrameError | undefined;
    try {
      output = await handler.handle(input, ctx);
    } catch (error) {
      if (!isAllFrameError(error) || !storable(error)) {
        await opts.store.release(scopeKey, begun.lockToken).catch(report);
        throw error;
      }
      failure = error;
    }
    const body =
      failure === undefined ? { ok: output } : { error: { code: failure.code, message: failure.message } };
    try {
      if (!(await opts.store.complete(scopeKey, begun.lockToken, stored(body), opts.ttlMs))) {
        report(
          new AllFrameError(
            "conflict",
            `the lock on an ${opts.keyHeader} expired before its answer was stored`,
          ),
        );
      }
    } catch (error) {
      report(error);
    }
    if (failure !== undefined) throw failure;
    return output;
  };
  return { ...handler, handle };
}

/**
 * Wraps the state-changing handlers of a service (unary handlers bound to REST POST/PATCH or a GraphQL
 * mutation) so a call carrying the key header runs once: the same key and input replay the first
 * answer (its output, or the caller's error it ended with); the same key with another input →
 * `unprocessable` (422); the same key while the first call runs → `conflict` (409). Validation
 * failures happen before the handler and are never stored; 429 and 5xx-class failures release the key
 * so a retry runs again. Other handlers are returned unchanged. Calls without the header just run.
 * @example serveProtocols(host, idempotentHandlers(handlers, { store, ttlMs: 24 * HOUR_MS }), opts);
 */
export function idempotentHandlers(
  handlers: readonly HandlerDefinition[],
  options: IdempotentHandlerOptions,
): HandlerDefinition[] {
  const opts = {
    keyHeader: "Idempotency-Key",
    ttlMs: 24 * HOUR_MS,
    lockTtlMs: 60_000,
    tenantHeader: "X-Tenant-ID",
    ...options,
  };
  return handlers.map((handler) => {
    const mutates =
      handler.rest?.method === "POST" ||
      handler.rest?.method === "PATCH" ||
      handler.graphql?.operation === "mutation";
    return handler.kind === "unary" && mutates ? wrap(handler, opts) : handler;
  });
}
