/**
 * Schema validation: runs the zod schema and turns each zod issue into a located diagnostic whose
 * message a user can act on (`expected an integer, got "8080"` rather than zod's defaults).
 *
 * Source: seed 000 "Configuration Schema Reference"; zod v4 issue codes.
 * @module
 */
import type { z } from "zod";
import type { Diagnostic } from "../diagnostic.ts";
import { type Architecture, architectureSchema, SERVICE_TYPES } from "../schema.ts";
import { didYouMean } from "../suggest.ts";
import { type Finding, report, type ValidationContext } from "./context.ts";

/** The outcome of {@link validateSchema}: the typed architecture only when there is no error. */
export type SchemaResult =
  | { ok: true; architecture: Architecture; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Validates the interpolated value against `architectureSchema` (unknown keys are stripped here and
 * reported by `validateUnknownKeys`). An invalid `services[i].type` becomes `unknown-service-type`
 * with a suggestion; a `timeout_*` that is not positive becomes `non-positive-timeout`; anything else
 * is `schema`. All are errors.
 */
export function validateSchema(raw: unknown, ctx: ValidationContext): SchemaResult {
  const parsed = architectureSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, architecture: parsed.data, diagnostics: [] };
  return { ok: false, diagnostics: parsed.error.issues.map((issue) => report(ctx, toFinding(issue))) };
}

function toFinding(issue: z.core.$ZodIssue): Finding {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const base = { severity: "error", code: "schema", path } as const;
  const key = path.at(-1);
  switch (issue.code) {
    case "invalid_value": {
      const options = issue.values.map(String);
      const written = describe(issue.input);
      const guess = typeof issue.input === "string" ? didYouMean(issue.input, options) : "";
      if (path.length === 3 && path[0] === "services" && key === "type") {
        return {
          ...base,
          code: "unknown-service-type",
          message: `unknown service type ${written}`,
          hint: `${guess}Valid types: ${SERVICE_TYPES.join(", ")}`,
        };
      }
      return {
        ...base,
        message: `${written} is not allowed here`,
        hint: `${guess}Valid values: ${options.join(", ")}`,
      };
    }
    case "invalid_type": {
      const expected = article(issue.expected);
      if (issue.input === undefined) {
        return {
          ...base,
          message: `required key "${String(key)}" is missing`,
          hint: `add the key ${String(key)} (${expected}) here`,
        };
      }
      return {
        ...base,
        message: `expected ${expected}, got ${describe(issue.input)}`,
        hint: `write ${expected} here`,
      };
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = `${issue.code === "too_small" ? ">" : "<"}${issue.inclusive ? "=" : ""}`;
      if (issue.code === "too_small" && typeof key === "string" && key.startsWith("timeout_")) {
        return {
          ...base,
          code: "non-positive-timeout",
          message: `${key} must be greater than 0, got ${describe(issue.input)}`,
          hint: `a timeout of 0 or less would fail every run at once; use a positive ${key.slice(8)} count`,
        };
      }
      if (issue.origin === "string" && issue.code === "too_small" && bound === 1) {
        return { ...base, message: "must not be empty", hint: "write a non-empty string" };
      }
      const what = issue.origin === "number" ? "" : ` ${issue.origin} length`;
      return {
        ...base,
        message: `${what ? `${what.trim()} ` : ""}must be ${op} ${String(bound)}, got ${describe(issue.input)}`,
        hint: `use a value ${op} ${String(bound)}`,
      };
    }
    default:
      return { ...base, message: issue.message, hint: "see packages/forge/schema/architecture.schema.json" };
  }
}

const ARTICLES: Record<string, string> = {
  int: "an integer",
  object: "a table",
  array: "an array",
  string: "a string",
  number: "a number",
  boolean: "a boolean (true or false)",
};

function article(expected: string): string {
  return ARTICLES[expected] ?? expected;
}

/** A short, quoted rendering of a written value for messages. */
function describe(value: unknown): string {
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (Array.isArray(value)) return "an array";
  if (value === null) return "an empty value";
  if (typeof value === "object") return "a table";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
