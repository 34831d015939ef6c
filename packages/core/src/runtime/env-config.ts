/**
 * Typed, validated configuration from environment variables: the twelve-factor way generated services
 * switch from embedded defaults to real engines (DESIGN.md, "Embedded defaults and real engines").
 * @module
 */
import { z } from "zod";
import { AllFrameError, type ErrorIssue } from "../errors/allframe-error.ts";
import { toErrorIssues } from "./zod-issues.ts";

/**
 * Parses `env` with `schema` (normally a `z.object` keyed by variable name) and returns the typed result.
 * Every bad variable is reported at once, never only the first.
 *
 * @param schema zod schema; give fields a `.describe("...")` and the description is quoted as the hint.
 * @param env variables to read; default `process.env`.
 * @throws AllFrameError `configuration` whose message lists each bad variable (name, what is wrong,
 *   what to set) and whose `issues` carry `{ path: [NAME], message }` for each. Values are never
 *   echoed, since variables often hold secrets.
 * @example
 * const config = loadEnvConfig(z.object({ PORT: envPort(3000), DATABASE_URL: z.string().optional() }));
 */
export function loadEnvConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  const lines = issues.map((issue) => describeIssue(schema, env, issue));
  throw new AllFrameError(
    "configuration",
    `invalid environment configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    { issues },
  );
}

function describeIssue(
  schema: z.ZodType,
  env: Record<string, string | undefined>,
  issue: ErrorIssue,
): string {
  const name = issue.path[0];
  if (name === undefined) return `  - ${issue.message}`;
  const variable = String(name);
  const hint = fieldDescription(schema, variable);
  const todo = `set ${variable} to ${hint ?? "a valid value"}`;
  if (env[variable] === undefined) return `  - ${variable} is not set (${issue.message}); ${todo}`;
  return `  - ${variable} is invalid: ${issue.message}; ${todo}`;
}

function fieldDescription(schema: z.ZodType, name: string): string | undefined {
  if (!(schema instanceof z.ZodObject)) return undefined;
  const field = (schema.shape as Record<string, z.ZodType | undefined>)[name];
  return field?.description;
}

/** Treats an empty variable (`PORT=`) as unset, so defaults apply to it too. */
function emptyAsUnset(value: unknown): unknown {
  return value === "" ? undefined : value;
}

/**
 * A TCP port variable: an integer 0..65535, default `defaultPort`; empty counts as unset.
 * @example z.object({ PORT: envPort(3000) })
 */
export function envPort(defaultPort: number) {
  return z
    .preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65535).default(defaultPort))
    .describe("a TCP port from 0 to 65535");
}

/**
 * An integer variable with a default and optional bounds (e.g. timeouts in milliseconds).
 * @example z.object({ SHUTDOWN_TIMEOUT_MS: envInteger(10_000, { min: 0 }) })
 */
export function envInteger(defaultValue: number, bounds: { min?: number; max?: number } = {}) {
  let schema = z.coerce.number().int();
  if (bounds.min !== undefined) schema = schema.min(bounds.min);
  if (bounds.max !== undefined) schema = schema.max(bounds.max);
  const range = `${bounds.min ?? "-∞"}..${bounds.max ?? "∞"}`;
  return z.preprocess(emptyAsUnset, schema.default(defaultValue)).describe(`an integer in ${range}`);
}

/**
 * A boolean variable: `true/false`, `1/0`, `yes/no`, `y/n`, `on/off`, `enabled/disabled` (any case);
 * empty counts as unset.
 * (`z.coerce.boolean()` would read `"false"` as `true`.)
 */
export function envBoolean(defaultValue: boolean) {
  return z.preprocess(emptyAsUnset, z.stringbool().default(defaultValue)).describe("true or false");
}

/** The issues of a configuration error, for callers that print them their own way. */
export type EnvIssue = ErrorIssue;
