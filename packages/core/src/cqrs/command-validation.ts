/**
 * Validates commands against zod schemas, failing with one typed error that names every bad field
 * (seed 003, week 2: "schema-based validation, typed error responses").
 * @module
 */
import type { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { formatIssues, toErrorIssues } from "../runtime/zod-issues.ts";

/** A zod schema for one command type; its output (defaults applied, transforms run) is what gets handled. */
export type CommandSchema = z.ZodType;

/** Command types → their schemas. */
export type CommandSchemas = Readonly<Record<string, CommandSchema>>;

/** The `type` of a command-shaped value, or undefined. */
export function commandTypeOf(command: unknown): string | undefined {
  if (typeof command !== "object" || command === null) return undefined;
  const type = (command as { type?: unknown }).type;
  return typeof type === "string" && type.length > 0 ? type : undefined;
}

/**
 * `command` parsed by `schema`.
 * @throws AllFrameError `"validation"` (HTTP 400) with `issues` `[{ path, message }]`, e.g.
 *   `command "ShipStock" is invalid: quantity: Too small: expected number to be >0`.
 */
export function validateCommand<T>(schema: z.ZodType<T>, command: unknown, type: string): T {
  const result = schema.safeParse(command);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  throw new AllFrameError("validation", `command "${type}" is invalid: ${formatIssues(issues)}`, {
    issues,
    details: { commandType: type },
  });
}
