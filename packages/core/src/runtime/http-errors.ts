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

/**
 * Builds the response for a thrown value and logs what the client does not see.
 * - `AllFrameError`: status from its mapping, body `{ error: err.toJSON() }`; code `internal` always
 *   answers "internal error" (its message may carry a converted unknown error's text).
 * - Hono `HTTPException` (e.g. from body-limit middleware): its status, code by status.
 * - anything else: 500 `{ error: { code: "internal", message: "internal error" } }`, logged with the stack.
 */
export function errorResponse(c: Context, error: unknown, logger: Logger): Response {
  const request = { method: c.req.method, path: c.req.path };
  if (isAllFrameError(error)) {
    const status = error.mapping.http as ContentfulStatusCode;
    if (status >= 500) logger.error({ err: error, ...request }, `request failed: ${error.code}`);
    const body = error.code === "internal" ? INTERNAL_ERROR_BODY : { error: error.toJSON() };
    return c.json(body, status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status >= 500) logger.error({ err: error, ...request }, "request failed");
    return c.json(
      { error: { code: codeForStatus(status), message: error.message || "request failed" } },
      status,
    );
  }
  logger.error({ err: error, ...request }, "request failed with an unexpected error");
  return c.json(INTERNAL_ERROR_BODY, 500);
}

/** The 404 response for a request no route matched: `no route GET /x`. */
export function notFoundResponse(c: Context): Response {
  const body: ErrorBody = { error: { code: "not-found", message: `no route ${c.req.method} ${c.req.path}` } };
  return c.json(body, 404);
}
