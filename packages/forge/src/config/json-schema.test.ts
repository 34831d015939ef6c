import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { ARCHITECTURE_SCHEMA_ID, architectureJsonSchema } from "./json-schema.ts";
import { ARCHITECTURE_SCHEMA_FILE } from "./write-json-schema.ts";

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  required?: string[];
}

/** A deliberately small structural check: keys, nesting, enums and primitive types. */
function conformance(value: unknown, schema: JsonSchema, path: string, problems: string[]): void {
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${String(value)} not in enum`);
  if (schema.type === "array") {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected array`);
    value.forEach((item, i) => {
      if (schema.items) conformance(item, schema.items, `${path}[${i}]`, problems);
    });
  } else if (schema.type === "object") {
    if (typeof value !== "object" || value === null) return void problems.push(`${path}: expected object`);
    for (const key of schema.required ?? []) if (!(key in value)) problems.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(value)) {
      const sub = schema.properties?.[key] ?? schema.additionalProperties;
      if (sub === undefined || sub === false) problems.push(`${path}.${key}: not a property`);
      else if (sub !== true) conformance(item, sub, `${path}.${key}`, problems);
    }
  } else if (schema.type === "integer") {
    if (!Number.isInteger(value)) problems.push(`${path}: expected integer`);
  } else if (schema.type !== undefined && typeof value !== schema.type) {
    problems.push(`${path}: expected ${schema.type}, got ${typeof value}`);
  }
}

describe("architecture JSON Schema", () => {
  const schema = architectureJsonSchema() as JsonSchema & Record<string, unknown>;

  it("matches the committed file (run `npm run schema` after changing schema.ts)", async () => {
    const committed: unknown = JSON.parse(await readFile(ARCHITECTURE_SCHEMA_FILE, "utf8"));
    assert.deepEqual(committed, schema);
  });

  it("has an id and a title, and does not require keys that have defaults", () => {
    assert.equal(schema.$id, ARCHITECTURE_SCHEMA_ID);
    assert.equal(schema.title, "AllFrame architecture");
    assert.deepEqual(schema.required, ["architecture"]);
    assert.deepEqual(schema.properties?.architecture?.required, ["name"]);
  });

  it("accepts the reference example structurally", async () => {
    const text = await readFile(new URL("../../../../examples/architecture.toml", import.meta.url), "utf8");
    const reference = getStaticTOMLValue(parseTOML(text));
    for (const key of Object.keys(reference)) assert.ok(schema.properties?.[key], `top-level key ${key}`);
    const problems: string[] = [];
    conformance(reference, schema, "$", problems);
    assert.deepEqual(problems, []);
  });
});
