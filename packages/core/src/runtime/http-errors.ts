/**
 * How a service host turns failures into HTTP responses: AllFrame errors map through
 * `ERROR_CODE_MAPPING`; anything else is an opaque 500 whose details go only to the log
 * (house style rule 3: unknown throwables are converted at every boundary).
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  ERROR_CODE_MAPPING,
  ERROR_CODES,
  type ErrorCode,
  isAllFrameError,
} from "../errors/allframe-error.ts";
import type { Logger } from "../observability/logger.ts";

/** The JSON body of every error response: `{ error: { code, message, issues? } }`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    issues?: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>;
  };
}

/** The body sent for any failure whose details must not leave the process. */
export const INTERNAL_ERROR_BODY: ErrorBody = { error: { code: "internal", message: "internal error" } };

function codeForStatus(status: number): ErrorCode {
  const code = ERROR_CODES.find((candidate) => ERROR_CODE_MAPPING[candidate].http === status);
  return code ?? (status < 500 ? "validation" : "internal");
}

/** A failure as HTTP: the status and the JSON body to send. */
export interface HttpError {
  status: number;
  body: ErrorBody;
}

/**
 * Maps a thrown value to a status and body, and logs what the client does not see. Every HTTP path
 * of a service uses it (Hono routes, the REST router, mounted handlers), so all answer alike.
 * - `AllFrameError`: status from its mapping, body `{ error: err.toJSON() }`; code `internal` always
 *   answers "internal error" (its message may carry a converted unknown error's text).
 * - Hono `HTTPException` (e.g. from body-limit middleware, or the REST router's 413/415): its
 *   status, code by status.
 * - anything else: 500 `{ error: { code: "internal", message: "internal error" } }`, logged with the stack.
 * Every 5xx is logged at error with the request's method and path.
 */
export function httpError(
  error: unknown,
  logger: Logger,
  request: { readonly method: string; readonly path: string },
): HttpError {
  if (isAllFrameError(error)) {
    const status = error.mapping.http;
    if (status >= 500) logger.error({ err: error, ...request }, `request failed: ${error.code}`);
    return { status, body: error.code === "internal" ? INTERNAL_ERROR_BODY : { error: error.toJSON() } };
  }
  if (error instanceof HTTPException) {
    const { status } = error;
    if (status >= 500) logger.error({ err: error, ...request }, "request failed");
    return {
      status,
      body: { error: { code: codeForStatus(status), message: error.message || "request failed" } },
    };
  }
  logger.error({ err: error, ...request }, "request failed with an unexpected error");
  return { status: 500, body: INTERNAL_ERROR_BODY };
}

/** The Hono response for a thrown value: {@link httpError} as `c.json(body, status)`. */
export function errorResponse(c: Context, error: unknown, logger: Logger): Response {
  const { status, body } = httpError(error, logger, { method: c.req.method, path: c.req.path });
  return c.json(body, status as ContentfulStatusCode);
}

/** The body for a request no route matched: `no route GET /x` (status 404). */
export function notFoundBody(method: string, path: string): ErrorBody {
  return { error: { code: "not-found", message: `no route ${method} ${path}` } };
}

/** The 404 response for a request no route matched: `no route GET /x`. */
export function notFoundResponse(c: Context): Response {
  return c.json(notFoundBody(c.req.method, c.req.path), 404);
}

/**
 * The body for a known path asked with a method it does not serve (status 405, sent with an `Allow`
 * header): code `not-found`, as no operation answers that method there.
 */
export function methodNotAllowedBody(method: string, path: string, allowed: readonly string[]): ErrorBody {
  return {
    error: {
      code: "not-found",
      message: `no route ${method} ${path}; ${path} answers ${allowed.join(", ")}`,
    },
  };
}
