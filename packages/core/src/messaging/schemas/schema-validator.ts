/**
 * Payload validation against registered schemas with ajv, each (subject, version) compiled once.
 * @module
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { AllFrameError, type ErrorIssue } from "../../errors/allframe-error.ts";
import type { RegisteredSchema } from "./schema-registry.ts";

/**
 * Compiles and caches validators. Draft 2020-12 semantics (what `z.toJSONSchema` emits); a
 * draft-07 `$schema` is accepted and read with the same rules. Unknown keywords are ignored.
 */
export class SchemaValidator {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, validateSchema: false });
  readonly #compiled = new Map<string, ValidateFunction>();

  /**
   * Checks that `schema` compiles.
   * @throws AllFrameError `validation` with ajv's message when it does not.
   */
  compile(entry: RegisteredSchema): ValidateFunction {
    const key = `${entry.subject}\u0000${entry.version}`;
    const cached = this.#compiled.get(key);
    if (cached !== undefined) return cached;
    let fn: ValidateFunction;
    try {
      const schema = typeof entry.schema === "object" ? withoutMeta(entry.schema) : entry.schema;
      fn = this.#ajv.compile(schema);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new AllFrameError(
        "validation",
        `schema for ${entry.subject} v${entry.version} is invalid: ${message}`,
        { cause },
      );
    }
    this.#compiled.set(key, fn);
    return fn;
  }

  /**
   * Validates a copy of `payload` (defaults filled in).
   * @returns the copy.
   * @throws AllFrameError `validation` listing every failing field.
   */
  validate(entry: RegisteredSchema, payload: unknown): unknown {
    const fn = this.compile(entry);
    const copy = structuredClone(payload);
    if (fn(copy)) return copy;
    const issues = (fn.errors ?? []).map(toIssue);
    const summary = issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new AllFrameError(
      "validation",
      `${entry.subject} v${entry.version} payload is invalid: ${summary}`,
      {
        issues,
        details: { subject: entry.subject, version: entry.version },
      },
    );
  }
}

// ajv keys compiled schemas by $id; two versions of one subject often share it.
function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function toIssue(error: ErrorObject): ErrorIssue {
  const path: (string | number)[] = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === "required") path.push(String(error.params.missingProperty));
  if (error.keyword === "additionalProperties") path.push(String(error.params.additionalProperty));
  return { path, message: error.message ?? error.keyword };
}
