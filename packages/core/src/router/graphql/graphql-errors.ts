/**
 * AllFrame's one error model, spoken in GraphQL: every error in `errors[]` carries `extensions.code`
 * (`ERROR_CODE_MAPPING[code].graphql` for handler errors) and, for validation errors, `extensions.issues`
 * naming the fields (house style rule 3: unknown throwables are converted at every boundary).
 * @module
 */
import { GraphQLError } from "graphql";
import { isAllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";

/** `extensions.code` of a query document that does not parse (Apollo Server's code, which clients know). */
export const GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED";
/** `extensions.code` of a document that parses but does not validate against the schema. */
export const GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED";
/** `extensions.code` of other request errors, e.g. a variable of the wrong type. */
export const BAD_USER_INPUT = "BAD_USER_INPUT";
/** `extensions.code` of everything the server got wrong; the message is then "internal error". */
export const INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR";

/** A copy of `error` with `code` added to its extensions (location and path kept). */
export function withErrorCode(error: GraphQLError, code: string): GraphQLError {
  return copyError(error, error.message, { ...error.extensions, code });
}

function copyError(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}

/**
 * Formats one error for the client:
 * - thrown by a handler as an `AllFrameError`: its message, `extensions.code` from the mapping and
 *   `extensions.issues` when it has any; code `internal` says only "internal error". Errors that map
 *   to HTTP 5xx are logged.
 * - any other throwable from a resolver or stream, or a GraphQL error raised while executing (it has a
 *   `path`, e.g. a non-null field that resolved to null): "internal error", `INTERNAL_SERVER_ERROR`,
 *   logged with the original error and its stack, never sent.
 * - request errors (no path: parse, validation, variable coercion): their message, and their code or
 *   `BAD_USER_INPUT`.
 */
export function formatGraphqlError(error: GraphQLError, logger: Logger): GraphQLError {
  const original = error.originalError;
  if (isAllFrameError(original)) {
    if (original.mapping.http >= 500)
      logger.error({ err: original, path: error.path }, "GraphQL handler failed");
    const message = original.code === "internal" ? "internal error" : original.message;
    const issues = original.issues.length > 0 ? { issues: original.issues } : {};
    return copyError(error, message, { code: original.mapping.graphql, ...issues });
  }
  const thrown = original !== undefined && !(original instanceof GraphQLError);
  if (thrown || error.path !== undefined) {
    logger.error({ err: original ?? error, path: error.path }, "GraphQL execution failed");
    return copyError(error, "internal error", { code: INTERNAL_SERVER_ERROR });
  }
  return typeof error.extensions.code === "string" ? error : withErrorCode(error, BAD_USER_INPUT);
}
