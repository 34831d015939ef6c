/**
 * zod schemas as JSON Schema draft 2020-12, the dialect OpenAPI 3.1 uses for its Schema Objects.
 * @module
 */
import { z } from "zod";

/** A JSON Schema object (draft 2020-12), as zod emits it. */
export type JsonSchema = { [key: string]: unknown };

/**
 * Converts a zod schema with `z.toJSONSchema` (target draft 2020-12; types JSON cannot express,
 * such as dates or bigints, become `{}`), without the `$schema` key, which OpenAPI 3.1 implies.
 * @param io `"input"` for what a client sends (defaults make fields optional), `"output"` for what
 *   the service answers.
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    // A loose object's `additionalProperties: {}` (any value) is written `true`, which means the
    // same and which every OpenAPI tool reads (Scalar warns on the empty schema).
    override: ({ jsonSchema }) => {
      const extra = jsonSchema.additionalProperties;
      if (typeof extra === "object" && extra !== null && Object.keys(extra).length === 0) {
        jsonSchema.additionalProperties = true;
      }
    },
  }) as JsonSchema;
  return rest;
}

/** The `properties` of an object schema, or `{}` when it has none. */
export function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null
    ? (properties as Record<string, JsonSchema>)
    : {};
}

/** The `required` names of an object schema. */
export function requiredOf(schema: JsonSchema): readonly string[] {
  return Array.isArray(schema.required) ? (schema.required as string[]) : [];
}

/** True when the schema accepts a list: `type: "array"`, also inside `anyOf`/`oneOf` (e.g. nullable). */
export function acceptsList(schema: JsonSchema): boolean {
  if (schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array"))) return true;
  const options = [schema.anyOf, schema.oneOf].flatMap((list) => (Array.isArray(list) ? list : []));
  return options.some((option) => acceptsList(option as JsonSchema));
}
