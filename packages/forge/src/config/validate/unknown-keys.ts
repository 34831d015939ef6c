/**
 * Unknown keys: the schema strips keys it does not know, so a misspelt `respnsibility` or
 * `failure_treshold` would vanish silently. This walks the raw value beside the zod schema and warns
 * about each unknown key, suggesting the known key it most likely meant.
 * @module
 */
import type { z } from "zod";
import { type Diagnostic, formatPath, type KeyPath } from "../diagnostic.ts";
import { architectureSchema } from "../schema.ts";
import { suggest } from "../suggest.ts";
import { isRecord, report, type ValidationContext } from "./context.ts";

type Schema = z.core.$ZodType;

/**
 * Warns (`unknown-key`, located at the key) about every key of `raw` that the schema does not
 * declare at that place. Record tables (such as `jobs`) accept any key; their values are still
 * checked. Values of the wrong shape are skipped: the schema stage reports those. Works on any input.
 */
export function validateUnknownKeys(
  raw: unknown,
  ctx: ValidationContext,
  schema: Schema = architectureSchema,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(raw, unwrap(schema), [], ctx, out);
  return out;
}

function walk(
  value: unknown,
  schema: Schema,
  path: KeyPath,
  ctx: ValidationContext,
  out: Diagnostic[],
): void {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (def.type === "array" && Array.isArray(value)) {
    const element = unwrap(def.element);
    value.forEach((item, i) => {
      walk(item, element, [...path, i], ctx, out);
    });
  } else if (def.type === "record" && isRecord(value)) {
    const inner = unwrap(def.valueType);
    for (const [key, item] of Object.entries(value)) walk(item, inner, [...path, key], ctx, out);
  } else if (def.type === "object" && isRecord(value)) {
    const known = Object.keys(def.shape);
    for (const [key, item] of Object.entries(value)) {
      const field = def.shape[key];
      if (field) {
        walk(item, unwrap(field), [...path, key], ctx, out);
        continue;
      }
      const guess = suggest(key, known);
      const where = path.length === 0 ? "at the top level" : `in ${formatPath(path)}`;
      out.push(
        report(ctx, {
          severity: "warning",
          code: "unknown-key",
          path: [...path, key],
          part: "key",
          message: `unknown key "${key}" ${where} is ignored`,
          hint: guess === undefined ? `known keys here: ${known.join(", ")}` : `did you mean "${guess}"?`,
        }),
      );
    }
  }
}

/** Sees through `optional`, `default`, `nullable` and `prefault` wrappers to the shape underneath. */
function unwrap(schema: Schema): Schema {
  let current = schema as z.core.$ZodTypes;
  for (;;) {
    const def = current._zod.def;
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "nullable" ||
      def.type === "prefault"
    ) {
      current = def.innerType as z.core.$ZodTypes;
    } else {
      return current;
    }
  }
}
