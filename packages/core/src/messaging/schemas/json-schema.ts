/**
 * The JSON Schema shape event schemas are written in, and the small helpers the registry and the
 * compatibility check share (JSON Pointer segments, local `$ref` resolution, canonical text).
 *
 * Source: JSON Schema 2020-12 (draft-07 documents are read too: `definitions` and `$defs` both resolve).
 * @module
 */

/**
 * A JSON Schema document: an object schema, or `true` (accepts everything) / `false` (accepts nothing).
 * Only the keywords the compatibility check reads are typed; everything else passes through.
 */
export type JSONSchema = boolean | JSONSchemaObject;

/** An object JSON Schema; unknown keywords are kept as `unknown`. */
export interface JSONSchemaObject {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Readonly<Record<string, JSONSchema>>;
  definitions?: Readonly<Record<string, JSONSchema>>;
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JSONSchema>>;
  required?: readonly string[];
  additionalProperties?: JSONSchema;
  items?: JSONSchema;
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: readonly JSONSchema[];
  oneOf?: readonly JSONSchema[];
  allOf?: readonly JSONSchema[];
  [keyword: string]: unknown;
}

/** True when `value` can be used as a schema (an object or a boolean). */
export function isJSONSchema(value: unknown): value is JSONSchema {
  return typeof value === "boolean" || (typeof value === "object" && value !== null && !Array.isArray(value));
}

/** Escapes one JSON Pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Joins segments into a JSON Pointer: `["properties", "a/b"]` → `/properties/a~1b`; `[]` → `""`. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${pointerSegment(s)}`).join("");
}

/**
 * Follows a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`, any `#/...` pointer) inside `root`.
 * @returns the target, or `undefined` for a remote or dangling reference.
 */
export function resolveLocalRef(root: JSONSchema, ref: string): JSONSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  const path = ref.slice(1);
  if (path === "") return root;
  let node: unknown = root;
  for (const raw of path.slice(1).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return isJSONSchema(node) ? node : undefined;
}

/** JSON text with object keys sorted, so equal schemas compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
