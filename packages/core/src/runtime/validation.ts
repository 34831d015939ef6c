/**
 * Request validation for Hono handlers: body, path parameters and query string through a zod schema,
 * failing with one `validation` error (HTTP 400) that names every bad field.
 * @module
 */
import type { Context } from "hono";
import type { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { formatIssues, toErrorIssues } from "./zod-issues.ts";

/** `subject` reads as a sentence start: "request body is". */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  throw new AllFrameError("validation", `${subject} invalid: ${formatIssues(issues)}`, { issues });
}

/**
 * Reads the request body as JSON and validates it.
 *
 * @returns the schema's output (defaults applied, transforms run).
 * @throws AllFrameError `validation` "request body is not valid JSON" when the body is empty or not JSON;
 *   AllFrameError `validation` "request body is invalid: items[0].sku: ..." with `issues`
 *   `[{ path, message }]` when the schema rejects it.
 * @example
 * app.post("/orders", async (c) => {
 *   const input = await readJson(c, z.object({ sku: z.string(), quantity: z.number().int().positive() }));
 *   return c.json(await placeOrder(input), 201);
 * });
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new AllFrameError("validation", "request body is not valid JSON", { cause });
  }
  return parseWith(schema, body, "request body is");
}

/**
 * Validates the route's path parameters (all strings; use `z.coerce` for numbers).
 * @throws AllFrameError `validation` "path parameters are invalid: ..." with `issues`.
 * @example const { id } = parseParams(c, z.object({ id: z.uuid() }));
 */
export function parseParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.param(), "path parameters are");
}

/**
 * Validates the query string (first value of each key; all strings, use `z.coerce` for numbers).
 * @throws AllFrameError `validation` "query parameters are invalid: ..." with `issues`.
 * @example const { limit } = parseQuery(c, z.object({ limit: z.coerce.number().int().max(100).default(20) }));
 */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query(), "query parameters are");
}
