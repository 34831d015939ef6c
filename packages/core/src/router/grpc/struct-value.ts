/**
 * JSON ↔ `google.protobuf.Struct` / `Value` / `ListValue`, the well-known types that carry
 * free-form JSON (https://protobuf.dev/reference/protobuf/google.protobuf/#struct). protobufjs has no
 * JSON mapping for them, so the server codec and the explorer convert here. Encoding follows
 * `JSON.stringify`: `toJSON()` is honoured, `undefined` keys are dropped and become `null` in lists.
 * @module
 */

/** A plain `google.protobuf.Value` as protobufjs encodes it: exactly one of the kind fields set. */
export type ValueMessage =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: StructMessage }
  | { listValue: ListValueMessage };

/** A plain `google.protobuf.Struct`. */
export interface StructMessage {
  fields: Record<string, ValueMessage>;
}

/** A plain `google.protobuf.ListValue`. */
export interface ListValueMessage {
  values: ValueMessage[];
}

function jsonView(value: unknown): unknown {
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

function skipped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/**
 * Converts a JSON-compatible value to a `Value`.
 * @throws TypeError for a bigint (JSON has no representation for it).
 */
export function jsonToValue(input: unknown): ValueMessage {
  const value = jsonView(input);
  if (value === null || skipped(value)) return { nullValue: 0 };
  switch (typeof value) {
    case "number":
      return { numberValue: value };
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "bigint":
      throw new TypeError(
        "a bigint cannot be carried in google.protobuf.Value; convert it to a string or number",
      );
  }
  if (Array.isArray(value)) return { listValue: jsonToListValue(value) };
  return { structValue: jsonToStruct(value) };
}

/** Converts an array to a `ListValue`. */
export function jsonToListValue(values: readonly unknown[]): ListValueMessage {
  return { values: values.map(jsonToValue) };
}

/**
 * Converts a JSON object to a `Struct`.
 * @throws TypeError when `input` is not a plain object (after `toJSON()`), or holds a bigint.
 */
export function jsonToStruct(input: unknown): StructMessage {
  const value = jsonView(input);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `google.protobuf.Struct needs a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  const entries = Object.entries(value).filter(([, child]) => !skipped(jsonView(child)));
  return {
    fields: Object.fromEntries(
      entries.map(([key, child]): [string, ValueMessage] => [key, jsonToValue(child)]),
    ),
  };
}

function field(message: object, name: string): unknown {
  return Object.hasOwn(message, name) ? (message as Record<string, unknown>)[name] : undefined;
}

/**
 * Converts a decoded `Value` (a protobufjs message or its `toObject` form) to JSON; a `Value` with no
 * kind set is `null`.
 */
export function valueToJson(message: unknown): unknown {
  if (typeof message !== "object" || message === null) return null;
  for (const kind of ["numberValue", "stringValue", "boolValue"]) {
    const value = field(message, kind);
    if (value !== undefined && value !== null) return value;
  }
  const struct = field(message, "structValue");
  if (struct !== undefined && struct !== null) return structToJson(struct);
  const list = field(message, "listValue");
  if (list !== undefined && list !== null) return listValueToJson(list);
  return null;
}

/** Converts a decoded `ListValue` to a JSON array. */
export function listValueToJson(message: unknown): unknown[] {
  const values = typeof message === "object" && message !== null ? field(message, "values") : undefined;
  return Array.isArray(values) ? values.map(valueToJson) : [];
}

/** Converts a decoded `Struct` to a JSON object (`__proto__` stays an ordinary key). */
export function structToJson(message: unknown): Record<string, unknown> {
  const fields = typeof message === "object" && message !== null ? field(message, "fields") : undefined;
  if (typeof fields !== "object" || fields === null) return {};
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]): [string, unknown] => [key, valueToJson(value)]),
  );
}
