import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { type CompatibilityProblemCode, checkBackwardCompatible } from "./backward-compatibility.ts";
import type { JSONSchema } from "./json-schema.ts";

const order = (extra: Record<string, unknown> = {}): JSONSchema => ({
  type: "object",
  properties: { orderId: { type: "string" }, total: { type: "integer" } },
  required: ["orderId"],
  ...extra,
});

function problems(previous: JSONSchema, next: JSONSchema): Array<[string, CompatibilityProblemCode]> {
  return checkBackwardCompatible(previous, next).problems.map((p) => [p.path, p.code]);
}

function assertCompatible(previous: JSONSchema, next: JSONSchema): void {
  const result = checkBackwardCompatible(previous, next);
  assert.deepEqual(result, { compatible: true, problems: [] });
}

describe("checkBackwardCompatible: objects", () => {
  it("accepts an identical schema", () => assertCompatible(order(), order()));

  it("rejects a new required property without a default", () => {
    const next = order({
      properties: { orderId: { type: "string" }, total: { type: "integer" }, currency: { type: "string" } },
      required: ["orderId", "currency"],
    });
    const result = checkBackwardCompatible(order(), next);
    assert.equal(result.compatible, false);
    assert.deepEqual(result.problems, [
      {
        path: "/properties/currency",
        code: "required-property-added",
        message: 'new required property "currency" has no default; events written before lack it',
      },
    ]);
  });

  it("accepts a new required property with a default", () => {
    const next = order({
      properties: {
        orderId: { type: "string" },
        total: { type: "integer" },
        currency: { type: "string", default: "EUR" },
      },
      required: ["orderId", "currency"],
    });
    assertCompatible(order(), next);
  });

  it("rejects making an optional property required", () => {
    assert.deepEqual(problems(order(), order({ required: ["orderId", "total"] })), [
      ["/properties/total", "optional-became-required"],
    ]);
  });

  it("points at /required/i when the newly required name has no property schema", () => {
    assert.deepEqual(problems(order(), order({ required: ["orderId", "ghost"] })), [
      ["/required/1", "required-property-added"],
    ]);
  });

  it("accepts dropping a requirement", () => assertCompatible(order(), order({ required: [] })));

  it("accepts removing a property from an open content model", () => {
    assertCompatible(order(), {
      type: "object",
      properties: { orderId: { type: "string" } },
      required: ["orderId"],
    });
  });

  it("rejects removing a property from a closed content model", () => {
    const next = { type: "object", properties: { orderId: { type: "string" } }, additionalProperties: false };
    assert.deepEqual(problems(order({ additionalProperties: false }), next), [
      ["/properties", "property-removed-from-closed-model"],
    ]);
  });

  it("checks a removed property against a schema-valued additionalProperties", () => {
    const next = {
      type: "object",
      properties: { orderId: { type: "string" } },
      additionalProperties: { type: "string" },
    };
    assert.deepEqual(problems(order(), next), [["/additionalProperties/type", "type-narrowed"]]);
  });

  it("rejects closing an open content model", () => {
    assert.deepEqual(problems(order(), order({ additionalProperties: false })), [
      ["/additionalProperties", "additional-properties-narrowed"],
    ]);
  });

  it("accepts opening a closed content model", () =>
    assertCompatible(order({ additionalProperties: false }), order()));

  it("accepts a new optional property, and flags it only in strict open-content mode", () => {
    const next = order({
      properties: { orderId: { type: "string" }, total: { type: "integer" }, note: { type: "string" } },
    });
    assertCompatible(order(), next);
    const strict = checkBackwardCompatible(order(), next, { strictOpenContentModel: true });
    assert.deepEqual(
      strict.problems.map((p) => [p.path, p.code]),
      [["/properties/note", "property-added-to-open-model"]],
    );
    assertCompatible(order({ additionalProperties: false }), next);
  });

  it("reports nested problems with their full pointer", () => {
    const wrap = (line: JSONSchema): JSONSchema => ({
      type: "object",
      properties: { lines: { type: "array", items: line } },
    });
    const previous = wrap({ type: "object", properties: { sku: { type: "string" } } });
    const next = wrap({ type: "object", properties: { sku: { type: "string", maxLength: 8 } } });
    assert.deepEqual(problems(previous, next), [
      ["/properties/lines/items/properties/sku/maxLength", "range-narrowed"],
    ]);
  });

  it("escapes property names in pointers (RFC 6901)", () => {
    const previous = { type: "object", properties: { "a/b": { type: "string" } } };
    const next = { type: "object", properties: { "a/b": { type: "integer" } } };
    assert.deepEqual(problems(previous, next), [["/properties/a~1b/type", "type-narrowed"]]);
  });
});

describe("checkBackwardCompatible: types", () => {
  it("rejects narrowing a type", () => {
    assert.deepEqual(problems({ type: ["string", "null"] }, { type: "string" }), [
      ["/type", "type-narrowed"],
    ]);
    assert.deepEqual(problems({ type: "number" }, { type: "integer" }), [["/type", "type-narrowed"]]);
    assert.deepEqual(problems({ type: "string" }, { type: "boolean" }), [["/type", "type-narrowed"]]);
  });

  it("accepts widening a type, integer to number included", () => {
    assertCompatible({ type: "string" }, { type: ["string", "null"] });
    assertCompatible({ type: "integer" }, { type: "number" });
    assertCompatible({ type: "string" }, {});
    assertCompatible({ type: "string" }, true);
  });

  it("rejects adding a type to an unconstrained schema", () => {
    assert.deepEqual(problems({}, { type: "string" }), [["/type", "type-narrowed"]]);
  });

  it("treats boolean schemas: false → anything and anything → true are fine; → false is not", () => {
    assertCompatible(false, { type: "string" });
    assert.deepEqual(problems({ type: "string" }, false), [["", "schema-rejects-all"]]);
    assert.deepEqual(problems(true, { type: "string" }), [["/type", "type-narrowed"]]);
  });
});

describe("checkBackwardCompatible: enums and constraints", () => {
  it("rejects adding an enum restriction or removing enum values; accepts adding values", () => {
    assert.deepEqual(problems({ type: "string" }, { type: "string", enum: ["a", "b"] }), [
      ["/enum", "enum-narrowed"],
    ]);
    assert.deepEqual(problems({ enum: ["a", "b"] }, { enum: ["a"] }), [["/enum", "enum-narrowed"]]);
    assertCompatible({ enum: ["a", "b"] }, { enum: ["a", "b", "c"] });
    assertCompatible({ const: "a" }, { enum: ["a", "b"] });
    assert.deepEqual(problems({ enum: ["a", "b"] }, { const: "a" }), [["/const", "enum-narrowed"]]);
  });

  it("derives the types of an enum, so a typed reader accepts an old enum of that type", () => {
    assertCompatible({ enum: ["a", "b"] }, { type: "string" });
    assert.deepEqual(problems({ enum: ["a", 1] }, { type: "string" }), [["/type", "type-narrowed"]]);
  });

  it("rejects tightened bounds and accepts loosened ones", () => {
    assert.deepEqual(problems({ type: "integer", minimum: 0 }, { type: "integer", minimum: 1 }), [
      ["/minimum", "range-narrowed"],
    ]);
    assert.deepEqual(problems({ type: "integer" }, { type: "integer", maximum: 10 }), [
      ["/maximum", "range-narrowed"],
    ]);
    assert.deepEqual(problems({ type: "string", maxLength: 10 }, { type: "string", maxLength: 5 }), [
      ["/maxLength", "range-narrowed"],
    ]);
    assert.deepEqual(problems({ type: "array" }, { type: "array", minItems: 1, uniqueItems: true }), [
      ["/minItems", "range-narrowed"],
      ["/uniqueItems", "range-narrowed"],
    ]);
    assertCompatible(
      { type: "integer", minimum: 1, maximum: 5 },
      { type: "integer", minimum: 0, maximum: 9 },
    );
    assertCompatible({ type: "string", minLength: 3 }, { type: "string" });
  });

  it("checks multipleOf: a divisor of the old step is fine", () => {
    assertCompatible({ type: "number", multipleOf: 10 }, { type: "number", multipleOf: 5 });
    assert.deepEqual(problems({ type: "number", multipleOf: 5 }, { type: "number", multipleOf: 10 }), [
      ["/multipleOf", "range-narrowed"],
    ]);
  });

  it("rejects an added or changed pattern or format, accepts a removed one", () => {
    assert.deepEqual(problems({ type: "string" }, { type: "string", pattern: "^a" }), [
      ["/pattern", "pattern-changed"],
    ]);
    assert.deepEqual(problems({ type: "string", format: "email" }, { type: "string", format: "uuid" }), [
      ["/format", "format-changed"],
    ]);
    assertCompatible({ type: "string", pattern: "^a" }, { type: "string" });
  });
});

describe("checkBackwardCompatible: combinations and references", () => {
  it("accepts a type moving into a wider anyOf; rejects an anyOf that drops a branch", () => {
    assertCompatible({ type: "string" }, { anyOf: [{ type: "string" }, { type: "null" }] });
    assertCompatible({ anyOf: [{ type: "string" }] }, { anyOf: [{ type: "string" }, { type: "integer" }] });
    assert.deepEqual(
      problems({ anyOf: [{ type: "string" }, { type: "integer" }] }, { anyOf: [{ type: "string" }] }),
      [["/anyOf", "combined-schema-narrowed"]],
    );
    assert.deepEqual(problems({ type: "boolean" }, { oneOf: [{ type: "string" }, { type: "null" }] }), [
      ["/oneOf", "combined-schema-narrowed"],
    ]);
  });

  it("checks every allOf branch of the reader", () => {
    assert.deepEqual(problems({ type: "string" }, { allOf: [{ type: "string" }, { maxLength: 3 }] }), [
      ["/allOf/1/maxLength", "range-narrowed"],
    ]);
  });

  it("follows local $refs ($defs and definitions) on both sides, recursive ones included", () => {
    const tree = (valueType: string): JSONSchema => ({
      $defs: {
        node: {
          type: "object",
          properties: {
            value: { type: valueType },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
          },
        },
      },
      $ref: "#/$defs/node",
    });
    assertCompatible(tree("integer"), tree("number"));
    assert.deepEqual(problems(tree("number"), tree("integer")), [
      ["/properties/value/type", "type-narrowed"],
    ]);
    const draft7 = {
      definitions: { id: { type: "string" } },
      type: "object",
      properties: { id: { $ref: "#/definitions/id" } },
    };
    assert.deepEqual(problems(draft7, { type: "object", properties: { id: { type: "integer" } } }), [
      ["/properties/id/type", "type-narrowed"],
    ]);
  });

  it("works on what zod v4 emits (z.toJSONSchema)", () => {
    const v1 = z.toJSONSchema(
      z.object({ orderId: z.string(), status: z.enum(["placed", "paid"]) }),
    ) as JSONSchema;
    const v2 = z.toJSONSchema(
      z.object({
        orderId: z.string(),
        status: z.enum(["placed", "paid", "shipped"]),
        note: z.string().optional(),
      }),
    ) as JSONSchema;
    const v3 = z.toJSONSchema(
      z.object({ orderId: z.string(), status: z.enum(["placed"]), note: z.string().optional() }),
    ) as JSONSchema;
    // z.object emits additionalProperties: false, so v1 → v2's new optional property is fine (closed writer).
    assertCompatible(v1, v2);
    assert.deepEqual(problems(v2, v3), [["/properties/status/enum", "enum-narrowed"]]);
  });
});
