/**
 * Environment variable interpolation in string values: `${VAR}`, `${VAR:-default}`, and `$${` for a
 * literal `${`. Runs after parsing and before schema validation, so a substituted value is validated
 * like a written one.
 *
 * Source: seed 000 "Configuration Schema Reference" (`account_id = "${AWS_ACCOUNT_ID}"`).
 * @module
 */
import { type Diagnostic, formatPath, type KeyPath } from "./diagnostic.ts";
import { isRecord, report, type ValidationContext } from "./validate/context.ts";

/** A `cloud.*` value left for the deploy step to fill: `path` as printed (`cloud.aws.account_id`). */
export interface DeployInput {
  path: string;
  variable: string;
}

/** The environment to read variables from; `undefined` means unset. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What {@link interpolate} returns: a substituted deep copy, its diagnostics and deploy inputs. */
export interface InterpolationResult {
  value: unknown;
  diagnostics: Diagnostic[];
  deployInputs: DeployInput[];
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Substitutes variables in every string value of `value` (keys are left alone), returning a copy.
 *
 * - `${VAR}`: the value of `VAR`. An empty string counts as set (unlike POSIX `${VAR:-x}`, which
 *   treats empty as unset): writing `VAR=` is a deliberate choice and must not be overridden.
 * - `${VAR:-default}`: `default` (everything up to the first `}`) when `VAR` is unset.
 * - `$${`: a literal `${`.
 * - unset without default under `cloud.*`: kept as the literal `${VAR}`, listed in `deployInputs`
 *   and reported as a `deploy-time-input` warning (cloud identifiers are often only known in CI).
 * - unset without default elsewhere: an `unset-variable` error; never silently empty.
 * - `${` without `}` or with an invalid name: an `invalid-interpolation` error.
 * Never throws.
 */
export function interpolate(value: unknown, env: Environment, ctx: ValidationContext): InterpolationResult {
  const result: InterpolationResult = { value: undefined, diagnostics: [], deployInputs: [] };
  result.value = walk(value, [], env, ctx, result);
  return result;
}

function walk(
  value: unknown,
  path: KeyPath,
  env: Environment,
  ctx: ValidationContext,
  out: InterpolationResult,
): unknown {
  if (typeof value === "string") return substitute(value, path, env, ctx, out);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], env, ctx, out));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = walk(item, [...path, key], env, ctx, out);
  return copy;
}

function substitute(
  text: string,
  path: KeyPath,
  env: Environment,
  ctx: ValidationContext,
  out: InterpolationResult,
): string {
  let result = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      result += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      result += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf("}", i + 2);
    const expression = end === -1 ? text.slice(i + 2) : text.slice(i + 2, end);
    const separator = expression.indexOf(":-");
    const name = separator === -1 ? expression : expression.slice(0, separator);
    if (end === -1 || !VARIABLE.test(name)) {
      out.diagnostics.push(
        report(ctx, {
          severity: "error",
          code: "invalid-interpolation",
          path,
          message:
            end === -1
              ? `"\${" starts a variable that is never closed with "}"`
              : `"\${${expression}}" is not a variable reference (names are letters, digits and _)`,
          hint: `write \${NAME} or \${NAME:-default}; write "$\${" for a literal "\${"`,
        }),
      );
      result += end === -1 ? text.slice(i) : text.slice(i, end + 1);
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    result += resolveVariable(name, separator === -1 ? undefined : expression.slice(separator + 2), {
      path,
      env,
      ctx,
      out,
    });
    i = end + 1;
  }
  return result;
}

function resolveVariable(
  name: string,
  fallback: string | undefined,
  at: { path: KeyPath; env: Environment; ctx: ValidationContext; out: InterpolationResult },
): string {
  const value = at.env[name];
  if (value !== undefined) return value;
  if (fallback !== undefined) return fallback;
  if (at.path[0] === "cloud") {
    at.out.deployInputs.push({ path: formatPath(at.path), variable: name });
    at.out.diagnostics.push(
      report(at.ctx, {
        severity: "warning",
        code: "deploy-time-input",
        path: at.path,
        message: `${name} is not set; kept as the deploy-time input "\${${name}}"`,
        hint: `the generated infrastructure code asks for it when deploying; export ${name}=... to fix it now`,
      }),
    );
    return `\${${name}}`;
  }
  at.out.diagnostics.push(
    report(at.ctx, {
      severity: "error",
      code: "unset-variable",
      path: at.path,
      message: `environment variable ${name} is not set`,
      hint: `export ${name}=... before running, or write \${${name}:-default} to give it a default`,
    }),
  );
  // Keeping the reference (not "") avoids follow-on schema errors about an empty value.
  return `\${${name}}`;
}
