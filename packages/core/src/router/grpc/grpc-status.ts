/**
 * How a failed handler call is reported over gRPC: the status code from `ERROR_CODE_MAPPING`, the
 * error's message as status details, and machine-readable trailers, so a client can tell which field
 * was wrong without parsing text (house style rule 3: errors are data; unknown throwables are converted
 * at the boundary and never leak their message).
 * @module
 */
import { Metadata, type StatusObject, status } from "@grpc/grpc-js";
import { ERROR_CODE_MAPPING, isAllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";

/** Trailer with the AllFrame error code, e.g. `not-found`. */
export const CODE_TRAILER = "allframe-code";

/**
 * Trailer with the validation issues as JSON, `[{"path":["email"],"message":"Invalid email address"}]`.
 * Paths use the handler's keys, which are the proto3 JSON (lowerCamelCase) names of the fields.
 */
export const ISSUES_TRAILER = "allframe-issues";

/** Details sent for any failure whose message must not leave the process. */
export const INTERNAL_DETAILS = "internal error";

/** Metadata values must be printable ASCII; JSON keeps its meaning with `\uXXXX` escapes. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The gRPC status for a thrown value.
 * - `AllFrameError`: `ERROR_CODE_MAPPING[code].grpc`, its message as details, trailers
 *   {@link CODE_TRAILER} and (when it has issues) {@link ISSUES_TRAILER}; code `internal` answers
 *   {@link INTERNAL_DETAILS} without issues.
 * - anything else: `INTERNAL` (13) with {@link INTERNAL_DETAILS}; the error goes to the log only.
 *
 * Errors that map to a server-side failure (HTTP status ≥ 500) are logged with `rpc` (the method path),
 * unless `logger` is undefined: pass none for an expected end, such as streams closed by shutdown.
 */
export function grpcErrorStatus(error: unknown, logger: Logger | undefined, rpc: string): StatusObject {
  const metadata = new Metadata();
  if (!isAllFrameError(error)) {
    logger?.error({ err: error, rpc }, "gRPC call failed with an unexpected error");
    metadata.set(CODE_TRAILER, "internal");
    return { code: status.INTERNAL, details: INTERNAL_DETAILS, metadata };
  }
  const mapping = ERROR_CODE_MAPPING[error.code];
  if (mapping.http >= 500) logger?.error({ err: error, rpc }, `gRPC call failed: ${error.code}`);
  metadata.set(CODE_TRAILER, error.code);
  if (error.code === "internal") return { code: mapping.grpc, details: INTERNAL_DETAILS, metadata };
  if (error.issues.length > 0) metadata.set(ISSUES_TRAILER, asciiJson(error.issues));
  return { code: mapping.grpc, details: error.message, metadata };
}
