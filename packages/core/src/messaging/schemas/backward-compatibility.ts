/**
 * The BACKWARD compatibility check between two versions of an event's JSON Schema: can a consumer
 * that validates with `next` read every event written with `previous`?
 *
 * Source: Confluent Schema Registry, "Schema Evolution and Compatibility", compatibility type
 * BACKWARD, and its JSON Schema rules (TYPE_NARROWED, REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
 * PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, ADDITIONAL_PROPERTIES_REMOVED, ENUM_ARRAY_NARROWED,
 * MIN_*_INCREASED / MAX_*_DECREASED, ...). Each problem code below names the Confluent rule it mirrors.
 * @module
 */
import { narrowedKeywords } from "./compatibility-keywords.ts";
import {
  canonicalJson,
  type JSONSchema,
  type JSONSchemaObject,
  resolveLocalRef,
  toPointer,
} from "./json-schema.ts";

/**
 * Every kind of BACKWARD incompatibility reported, with the Confluent rule it follows:
 * - `type-narrowed`: TYPE_NARROWED / TYPE_CHANGED (a type the old data may have is no longer allowed).
 * - `required-property-added`: REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL (new required property
 *   without `default`).
 * - `optional-became-required`: REQUIRED_ATTRIBUTE_ADDED (an existing optional property is now required).
 * - `property-removed-from-closed-model`: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL.
 * - `additional-properties-narrowed`: ADDITIONAL_PROPERTIES_REMOVED / ADDITIONAL_PROPERTIES_NARROWED.
 * - `property-added-to-open-model`: PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL (only with `strictOpenContentModel`).
 * - `enum-narrowed`: ENUM_ARRAY_NARROWED (an `enum`/`const` added, or values removed).
 * - `range-narrowed`: MIN_*_INCREASED, MAX_*_DECREASED, MULTIPLE_OF_CHANGED, UNIQUE_ITEMS_ADDED.
 * - `pattern-changed`: PATTERN_ADDED / PATTERN_CHANGED; `format-changed`: format added or changed.
 * - `combined-schema-narrowed`: COMBINED_TYPE_SUBSCHEMAS_CHANGED (an old `anyOf`/`oneOf` branch no longer read).
 * - `schema-rejects-all`: the new schema is `false`.
 */
export const COMPATIBILITY_PROBLEM_CODES = [
  "type-narrowed",
  "required-property-added",
  "optional-became-required",
  "property-removed-from-closed-model",
  "additional-properties-narrowed",
  "property-added-to-open-model",
  "enum-narrowed",
  "range-narrowed",
  "pattern-changed",
  "format-changed",
  "combined-schema-narrowed",
  "schema-rejects-all",
] as const;

/** One of {@link COMPATIBILITY_PROBLEM_CODES}. */
export type CompatibilityProblemCode = (typeof COMPATIBILITY_PROBLEM_CODES)[number];

/** One incompatibility. `path` is a JSON Pointer into the `next` schema (`""` for its root). */
export interface CompatibilityProblem {
  path: string;
  code: CompatibilityProblemCode;
  message: string;
}

/** The outcome: `compatible` is true exactly when `problems` is empty. */
export interface CompatibilityResult {
  compatible: boolean;
  problems: CompatibilityProblem[];
}

/** Options of {@link checkBackwardCompatible}. */
export interface CompatibilityOptions {
  /**
   * Confluent flags a property added to an open content model (old writers could have put anything
   * under that name). Default `false`: events are written from their schema, so an optional property
   * added in `next` is accepted, as in Avro and Protobuf evolution.
   */
  strictOpenContentModel?: boolean;
}

/**
 * Checks that `next` can read data written with `previous` (Confluent BACKWARD). Widening (more
 * types, `integer` → `number`, fewer constraints, more enum values, new optional properties,
 * removing properties from an open model) is compatible; narrowing is not.
 *
 * Not analysed (never reported): `not`, `if`/`then`/`else`, `patternProperties`, dependencies,
 * remote `$ref`s, keywords beside an old `anyOf`/`oneOf`, and the "exactly one" of `oneOf`.
 * Never throws.
 *
 * @example
 * checkBackwardCompatible(
 *   { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
 *   { type: "object", properties: { id: { type: "string" }, total: { type: "number" } }, required: ["id", "total"] },
 * ); // → { compatible: false, problems: [{ path: "/properties/total", code: "required-property-added", ... }] }
 */
export function checkBackwardCompatible(
  previous: JSONSchema,
  next: JSONSchema,
  options: CompatibilityOptions = {},
): CompatibilityResult {
  const problems: CompatibilityProblem[] = [];
  const walker = new Walker(previous, next, options, problems);
  walker.compare(previous, next, []);
  // One problem per place and kind: an old property read through a new additionalProperties can
  // trip the same rule as the additionalProperties change itself.
  const seen = new Set<string>();
  const unique = problems.filter((p) => !seen.has(`${p.path} ${p.code}`) && seen.add(`${p.path} ${p.code}`));
  return { compatible: unique.length === 0, problems: unique };
}

type Path = readonly (string | number)[];

class Walker {
  readonly #prevRoot: JSONSchema;
  readonly #nextRoot: JSONSchema;
  readonly #options: CompatibilityOptions;
  readonly #problems: CompatibilityProblem[];
  readonly #seen = new Set<string>();

  constructor(
    prev: JSONSchema,
    next: JSONSchema,
    options: CompatibilityOptions,
    out: CompatibilityProblem[],
  ) {
    this.#prevRoot = prev;
    this.#nextRoot = next;
    this.#options = options;
    this.#problems = out;
  }

  #report(path: Path, code: CompatibilityProblemCode, message: string): void {
    this.#problems.push({ path: toPointer(path), code, message });
  }

  /** True when `prev` → `next` has no problem, without recording any (for choosing `anyOf` branches). */
  #fits(prev: JSONSchema, next: JSONSchema): boolean {
    const probe = new Walker(this.#prevRoot, this.#nextRoot, this.#options, []);
    probe.compare(prev, next, []);
    return probe.#problems.length === 0;
  }

  compare(prevIn: JSONSchema, nextIn: JSONSchema, path: Path): void {
    const prev = this.#deref(prevIn, this.#prevRoot);
    const next = this.#deref(nextIn, this.#nextRoot);
    if (prev === undefined || next === undefined) return;
    if (next === true || prev === false) return;
    if (next === false) {
      this.#report(path, "schema-rejects-all", "the new schema is `false`: it rejects every event");
      return;
    }
    const p: JSONSchemaObject = prev === true ? {} : prev;
    const key = `${canonicalJson(p)}|${canonicalJson(next)}`;
    if (this.#seen.has(key)) return; // recursive $ref: this pair is already being compared further up
    this.#seen.add(key);
    try {
      this.#compareObject(p, next, path);
    } finally {
      this.#seen.delete(key);
    }
  }

  #compareObject(p: JSONSchemaObject, next: JSONSchemaObject, path: Path): void {
    const prevBranches = p.anyOf ?? p.oneOf;
    if (prevBranches !== undefined) {
      for (const branch of prevBranches) this.compare(branch, next, path);
      return;
    }
    const { anyOf, oneOf, allOf, ...nextBase } = next;
    const nextBranches = anyOf ?? oneOf;
    if (nextBranches !== undefined) {
      const word = anyOf !== undefined ? "anyOf" : "oneOf";
      if (!nextBranches.some((branch) => this.#fits(p, branch))) {
        this.#report(
          [...path, word],
          "combined-schema-narrowed",
          `no branch of ${word} accepts what the previous schema allowed`,
        );
      }
    }
    for (const [i, branch] of (allOf ?? []).entries()) this.compare(p, branch, [...path, "allOf", i]);
    this.#compareTypes(p, nextBase, path);
    this.#compareEnums(p, nextBase, path);
    for (const n of narrowedKeywords(p, nextBase)) this.#report([...path, n.keyword], n.code, n.message);
    if (isObjectSchema(p) || isObjectSchema(nextBase)) this.#compareObjects(p, nextBase, path);
    if (p.items !== undefined || nextBase.items !== undefined) {
      this.compare(p.items ?? true, nextBase.items ?? true, [...path, "items"]);
    }
  }

  #deref(schema: JSONSchema, root: JSONSchema): JSONSchema | undefined {
    let current = schema;
    for (let hops = 0; typeof current === "object" && typeof current.$ref === "string"; hops += 1) {
      const target = resolveLocalRef(root, current.$ref);
      if (target === undefined || hops > 32) return undefined; // remote or dangling: not analysed
      // Definitions and annotations beside a $ref constrain nothing; dropping them lets a recursive
      // reference meet the same pair again and stop.
      const {
        $ref: _ref,
        $defs: _d,
        definitions: _s,
        $schema: _m,
        $id: _i,
        title: _t,
        description: _x,
        ...siblings
      } = current;
      current =
        Object.keys(siblings).length === 0 || typeof target !== "object"
          ? target
          : { ...target, ...siblings };
    }
    return current;
  }

  #compareTypes(prev: JSONSchemaObject, next: JSONSchemaObject, path: Path): void {
    const nextTypes = typesOf(next);
    if (nextTypes === undefined) return;
    const prevTypes = typesOf(prev);
    if (prevTypes === undefined) {
      this.#report(
        [...path, "type"],
        "type-narrowed",
        `type restricted to ${list(nextTypes)}; the previous schema allowed any type`,
      );
      return;
    }
    const lost = prevTypes.filter(
      (t) => !nextTypes.includes(t) && !(t === "integer" && nextTypes.includes("number")),
    );
    if (lost.length > 0) {
      this.#report(
        [...path, "type"],
        "type-narrowed",
        `type ${list(lost)} is no longer accepted (now ${list(nextTypes)})`,
      );
    }
  }

  #compareEnums(prev: JSONSchemaObject, next: JSONSchemaObject, path: Path): void {
    const nextValues = enumOf(next);
    if (nextValues === undefined) return;
    const keyword = next.enum !== undefined ? "enum" : "const";
    const prevValues = enumOf(prev);
    if (prevValues === undefined) {
      this.#report(
        [...path, keyword],
        "enum-narrowed",
        `${keyword} added: only ${list(nextValues.map((v) => JSON.stringify(v)))} accepted now`,
      );
      return;
    }
    const allowed = new Set(nextValues.map(canonicalJson));
    const lost = prevValues.filter((v) => !allowed.has(canonicalJson(v)));
    if (lost.length > 0) {
      this.#report(
        [...path, keyword],
        "enum-narrowed",
        `value ${list(lost.map((v) => JSON.stringify(v)))} is no longer accepted`,
      );
    }
  }

  #compareObjects(prev: JSONSchemaObject, next: JSONSchemaObject, path: Path): void {
    const prevProps = prev.properties ?? {};
    const nextProps = next.properties ?? {};
    const prevRequired = new Set(prev.required ?? []);
    const prevExtra: JSONSchema = prev.additionalProperties ?? true;
    const nextExtra: JSONSchema = next.additionalProperties ?? true;
    for (const [i, name] of (next.required ?? []).entries()) {
      if (prevRequired.has(name)) continue;
      const property = nextProps[name];
      if (typeof property === "object" && "default" in property) continue; // filled in on read
      const where = property === undefined ? [...path, "required", i] : [...path, "properties", name];
      if (name in prevProps) {
        this.#report(
          where,
          "optional-became-required",
          `"${name}" is now required; events written before may lack it`,
        );
      } else {
        this.#report(
          where,
          "required-property-added",
          `new required property "${name}" has no default; events written before lack it`,
        );
      }
    }
    for (const [name, schema] of Object.entries(prevProps)) {
      const nextSchema = nextProps[name];
      if (nextSchema !== undefined) this.compare(schema, nextSchema, [...path, "properties", name]);
      else if (nextExtra === false) {
        this.#report(
          [...path, "properties"],
          "property-removed-from-closed-model",
          `"${name}" was removed but additionalProperties is false, so events that carry it are rejected`,
        );
      } else this.compare(schema, nextExtra, [...path, "additionalProperties"]);
    }
    for (const [name, schema] of Object.entries(nextProps)) {
      if (name in prevProps || prevExtra === false) continue;
      if (prevExtra !== true) this.compare(prevExtra, schema, [...path, "properties", name]);
      else if (this.#options.strictOpenContentModel) {
        this.#report(
          [...path, "properties", name],
          "property-added-to-open-model",
          `"${name}" added to an open content model; old events may carry "${name}" with any value`,
        );
      }
    }
    if (prevExtra === false) return;
    if (nextExtra === false) {
      this.#report(
        [...path, "additionalProperties"],
        "additional-properties-narrowed",
        "additionalProperties is now false; events written before may carry other properties",
      );
    } else this.compare(prevExtra, nextExtra, [...path, "additionalProperties"]);
  }
}

function typesOf(schema: JSONSchemaObject): string[] | undefined {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type;
  const values = enumOf(schema);
  return values === undefined ? undefined : [...new Set(values.map(jsonType))];
}

function enumOf(schema: JSONSchemaObject): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  return "const" in schema ? [schema.const] : undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function isObjectSchema(schema: JSONSchemaObject): boolean {
  return (
    schema.properties !== undefined ||
    schema.required !== undefined ||
    schema.additionalProperties !== undefined ||
    typesOf(schema)?.includes("object") === true
  );
}

function list(items: readonly string[]): string {
  return items.map((i) => (i.startsWith('"') || i.startsWith("{") ? i : `"${i}"`)).join(", ");
}
