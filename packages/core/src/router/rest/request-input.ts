/**
 * Assembles a REST request's raw handler input: path parameters, then the query string (GET and
 * DELETE), then the JSON body (POST, PUT, PATCH); later sources win on a name clash (the order
 * `RestBinding` documents).
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { HttpMethod } from "../handler.ts";
import { acceptsList, propertiesOf, toJsonSchema } from "../openapi/json-schema.ts";
import { readJsonObject } from "./request-body.ts";

/** Methods whose input comes from a JSON body rather than the query string. */
export const BODY_METHODS: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH"]);

/** Path parameters as find-my-way decodes them. */
export type PathParams = { [name: string]: string | undefined };
/** The query string as find-my-way parses it: a repeated key becomes a list. */
export type QueryParams = { [name: string]: string | string[] | undefined };

/**
 * Names of the input's fields that take a list, so `?tag=a` arrives as `["a"]` (OpenAPI's default
 * query style, `form` with `explode`) while other fields keep the first of repeated values.
 */
export function listFields(input: z.ZodType): ReadonlySet<string> {
  const properties = propertiesOf(toJsonSchema(input, "input"));
  return new Set(Object.keys(properties).filter((name) => acceptsList(properties[name] ?? {})));
}

function queryInput(query: QueryParams, lists: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in query) {
    const value = query[name];
    if (lists.has(name)) out[name] = Array.isArray(value) ? value : [value];
    else out[name] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

function hasKeys(record: object): boolean {
  for (const _ in record) return true;
  return false;
}

/** How one route reads its input. */
export interface InputSource {
  readonly method: HttpMethod;
  /** From {@link listFields} of the handler's input. */
  readonly lists: ReadonlySet<string>;
  readonly bodyLimitBytes: number;
}

/**
 * The raw (unvalidated) input of a request: a value for query routes, a promise for body routes.
 * @throws (or rejects with) what `readJsonObject` throws for a bad body.
 */
export function requestInput(
  source: InputSource,
  req: IncomingMessage,
  res: ServerResponse,
  params: PathParams,
  query: QueryParams,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (BODY_METHODS.has(source.method)) {
    return readJsonObject(req, res, source.bodyLimitBytes).then((body) =>
      body === undefined ? { ...params } : { ...params, ...body },
    );
  }
  // Validation never mutates its input, so params need no copy when they are the whole input.
  return hasKeys(query) ? { ...params, ...queryInput(query, source.lists) } : params;
}
