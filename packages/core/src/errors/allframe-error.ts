/**
 * One error base for the whole runtime. Every expected failure carries a `code` from a fixed union;
 * `ERROR_CODE_MAPPING` maps each code to its HTTP status, gRPC status and GraphQL `extensions.code`,
 * so every protocol adapter reports the same failure the same way (house style rule 3).
 * @module
 */

/** The fixed set of error codes. Add a code only together with its row in `ERROR_CODE_MAPPING`. */
export const ERROR_CODES = [
  "validation",
  "unprocessable",
  "not-found",
  "conflict",
  "concurrency",
  "unauthorized",
  "forbidden",
  "rate-limited",
  "unavailable",
  "timeout",
  "unsupported",
  "configuration",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** How one error code is reported over each protocol. gRPC codes are the numeric `grpc.status` values. */
export interface ProtocolMapping {
  readonly http: number;
  readonly grpc: number;
  readonly graphql: string;
}

/** Code → HTTP status, gRPC status (numeric, see grpc/status.h) and GraphQL `extensions.code`. */
export const ERROR_CODE_MAPPING: Readonly<Record<ErrorCode, ProtocolMapping>> = {
  validation: { http: 400, grpc: 3, graphql: "BAD_USER_INPUT" },
  // Well-formed but cannot be processed as sent, e.g. an idempotency key reused for another request.
  unprocessable: { http: 422, grpc: 9, graphql: "UNPROCESSABLE_CONTENT" },
  "not-found": { http: 404, grpc: 5, graphql: "NOT_FOUND" },
  conflict: { http: 409, grpc: 6, graphql: "CONFLICT" },
  concurrency: { http: 409, grpc: 10, graphql: "CONFLICT" },
  unauthorized: { http: 401, grpc: 16, graphql: "UNAUTHENTICATED" },
  forbidden: { http: 403, grpc: 7, graphql: "FORBIDDEN" },
  "rate-limited": { http: 429, grpc: 8, graphql: "RATE_LIMITED" },
  unavailable: { http: 503, grpc: 14, graphql: "SERVICE_UNAVAILABLE" },
  timeout: { http: 504, grpc: 4, graphql: "TIMEOUT" },
  unsupported: { http: 501, grpc: 12, graphql: "UNSUPPORTED" },
  configuration: { http: 500, grpc: 9, graphql: "CONFIGURATION_ERROR" },
  internal: { http: 500, grpc: 13, graphql: "INTERNAL_SERVER_ERROR" },
};

/** One field-level problem, as in a validation failure: `path` names the field, e.g. `["items", 0, "sku"]`. */
export interface ErrorIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** Options shared by every AllFrame error. */
export interface AllFrameErrorOptions {
  readonly cause?: unknown;
  readonly issues?: ReadonlyArray<ErrorIssue>;
  readonly details?: Readonly<Record<string, unknown>>;
}

const MARKER = Symbol.for("allframe.error");

/**
 * The base of every error the runtime throws on purpose.
 *
 * @example
 * throw new AllFrameError("not-found", `user ${id} does not exist`);
 */
export class AllFrameError extends Error {
  readonly code: ErrorCode;
  readonly issues: ReadonlyArray<ErrorIssue>;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: AllFrameErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AllFrameError";
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** The HTTP status, gRPC status and GraphQL code for this error. */
  get mapping(): ProtocolMapping {
    return ERROR_CODE_MAPPING[this.code];
  }

  /** A JSON body safe to send to a client: code, message, issues; never the cause or stack. */
  toJSON(): { code: ErrorCode; message: string; issues?: ReadonlyArray<ErrorIssue> } {
    return this.issues.length > 0
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

/** True for any AllFrame error, even one thrown by another copy of this package (checks a marker, not the class). */
export function isAllFrameError(error: unknown): error is AllFrameError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}

/** True for an AllFrame error with the given code. */
export function hasErrorCode(error: unknown, code: ErrorCode): error is AllFrameError {
  return isAllFrameError(error) && error.code === code;
}

/**
 * Converts any throwable into an AllFrameError at a boundary. Unknown throwables become `internal`,
 * keeping the original as `cause` so nothing is lost from the logs.
 */
export function toAllFrameError(error: unknown): AllFrameError {
  if (isAllFrameError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AllFrameError("internal", message, { cause: error });
}
