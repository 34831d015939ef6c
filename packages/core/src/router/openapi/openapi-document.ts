/**
 * An OpenAPI 3.1 document for the REST side of a service, built from the same handler definitions
 * the router serves (seed 001, Router & Documentation: "OpenAPI 3.1 generated from the handlers").
 * @module
 */
import { assertDistinctHandlers, type HandlerDefinition } from "../handler.ts";
import { ERROR_SCHEMA_NAME, ErrorBodySchema } from "./error-schema.ts";
import type { JsonSchema } from "./json-schema.ts";
import { toJsonSchema } from "./json-schema.ts";
import { restOperation, type SchemaComponents } from "./operation.ts";

/** The document's `info` and `servers`. */
export interface OpenApiInfo {
  /** API title, e.g. the service name. */
  title: string;
  /** API version (of the service, not of OpenAPI), e.g. `"1.2.0"`. */
  version: string;
  /** Markdown, shown above the operations. */
  description?: string;
  /** Where the API is served; default none, meaning relative to where the document was fetched. */
  servers?: ReadonlyArray<{ url: string; description?: string }>;
}

/** An OpenAPI 3.1 document (JSON-ready). */
export interface OpenApiDocument {
  openapi: "3.1.1";
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: SchemaComponents };
}

/**
 * Builds the OpenAPI 3.1 document of every handler with a `rest` binding (others are skipped).
 * Per operation: `operationId` = handler name, `summary` = its description; path parameters from
 * `/users/:id` (as `/users/{id}`); query parameters (GET, DELETE) or a JSON request body (POST, PUT,
 * PATCH) from the input object's other properties; responses: the success status with the output
 * schema (server-sent events for stream handlers), 400 validation, and each declared error code at
 * its HTTP status, all referring to the shared `Error` schema. Schemas are JSON Schema draft 2020-12
 * from `z.toJSONSchema`, the dialect OpenAPI 3.1 uses.
 *
 * @throws AllFrameError `configuration` when handlers collide (see `assertDistinctHandlers`).
 * @example
 * const doc = buildOpenApiDocument(userHandlers(), { title: "users", version: "1.0.0" });
 * doc.paths["/users/{id}"].get.operationId; // "getUser"
 */
export function buildOpenApiDocument(
  handlers: readonly HandlerDefinition[],
  opts: OpenApiInfo,
): OpenApiDocument {
  assertDistinctHandlers(handlers);
  const schemas: SchemaComponents = { [ERROR_SCHEMA_NAME]: toJsonSchema(ErrorBodySchema, "output") };
  const paths: OpenApiDocument["paths"] = {};
  for (const handler of handlers) {
    if (handler.rest === undefined) continue;
    const { path, method, operation } = restOperation(handler, handler.rest, schemas);
    paths[path] = { ...paths[path], [method]: operation };
  }
  const info: OpenApiDocument["info"] = { title: opts.title, version: opts.version };
  if (opts.description !== undefined) info.description = opts.description;
  const document: OpenApiDocument = { openapi: "3.1.1", info, paths, components: { schemas } };
  if (opts.servers !== undefined) document.servers = opts.servers.map((server) => ({ ...server }));
  return document;
}
