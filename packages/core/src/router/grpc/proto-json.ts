/**
 * JSON views of protobuf messages for any server's types (the explorer's, found by reflection): field
 * names as in the `.proto`, enums by value name, int64 as numbers, `Struct`/`Value`/`ListValue` as
 * plain JSON. Also builds the example request shown for each method.
 * @module
 */
import type protobuf from "protobufjs";
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  jsonToListValue,
  jsonToStruct,
  jsonToValue,
  listValueToJson,
  structToJson,
  valueToJson,
} from "./struct-value.ts";

type Json = Record<string, unknown>;

interface WellKnown {
  readonly toWire: (json: unknown) => unknown;
  readonly toJson: (wire: unknown) => unknown;
  readonly example: unknown;
}

const WELL_KNOWN: Readonly<Record<string, WellKnown>> = {
  ".google.protobuf.Struct": { toWire: jsonToStruct, toJson: structToJson, example: {} },
  ".google.protobuf.Value": { toWire: jsonToValue, toJson: valueToJson, example: null },
  ".google.protobuf.ListValue": {
    toWire: (json) => jsonToListValue(Array.isArray(json) ? json : [json]),
    toJson: listValueToJson,
    example: [],
  },
};

function isJsonObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mapValues(field: protobuf.Field, value: unknown, one: (v: unknown) => unknown): unknown {
  if (field.repeated && Array.isArray(value)) return value.map(one);
  if (field.map && isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, one(entry)]));
  }
  return one(value);
}

/**
 * JSON request → object for `type.fromObject`: well-known JSON types converted, nested messages walked.
 * @throws AllFrameError `validation` naming the path of an unknown field or a non-object message.
 */
export function jsonToMessage(type: protobuf.Type, json: unknown, path = type.name): Json {
  if (!isJsonObject(json)) throw new AllFrameError("validation", `${path} must be a JSON object`);
  const out: Json = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (field === undefined) {
      const known = type.fieldsArray.map((f) => f.name).join(", ");
      throw new AllFrameError(
        "validation",
        `${path} has no field "${key}"; its fields are: ${known || "(none)"}`,
      );
    }
    const nested = field.resolvedType;
    const known = nested === null ? undefined : WELL_KNOWN[nested.fullName];
    if (known !== undefined) out[key] = mapValues(field, value, known.toWire);
    else if (nested !== null && "fields" in nested) {
      out[key] = mapValues(field, value, (v) => jsonToMessage(nested as protobuf.Type, v, `${path}.${key}`));
    } else out[key] = value;
  }
  return out;
}

/** Encodes a JSON request as `type`. @throws AllFrameError `validation` as {@link jsonToMessage}, or for a value of the wrong type. */
export function encodeJson(type: protobuf.Type, json: unknown): Uint8Array {
  const plain = jsonToMessage(type, json);
  try {
    return type.encode(type.fromObject(plain)).finish();
  } catch (error) {
    throw new AllFrameError(
      "validation",
      `request does not fit ${type.name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Well-known JSON types converted, keys in field order (`toObject` puts lists first). */
function toJsonView(type: protobuf.Type, object: Json): Json {
  const out: Json = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(object, field.name)) continue;
    const nested = field.resolvedType;
    const value = object[field.name];
    if (nested === null || value === undefined || value === null || !("fields" in nested)) {
      out[field.name] = value;
      continue;
    }
    const known = WELL_KNOWN[nested.fullName];
    const one = known?.toJson ?? ((v: unknown) => toJsonView(nested as protobuf.Type, v as Json));
    out[field.name] = mapValues(field, value, one);
  }
  return out;
}

/** Decodes a response of `type` to its JSON view (every field present, defaults included). */
export function decodeJson(type: protobuf.Type, bytes: Uint8Array): Json {
  const object = type.toObject(type.decode(bytes), {
    enums: String,
    longs: Number,
    defaults: true,
    arrays: true,
  });
  return toJsonView(type, object);
}

/**
 * An example request: every field but proto3 `optional` ones (left out so defaults apply), with its
 * type's zero value, the first real value of an enum, one element in lists, `{}` for `Struct`, `null`
 * for `Value`, `[]` for `ListValue`. Recursive messages stop at `depth`.
 */
export function exampleMessage(type: protobuf.Type, depth = 3): Json {
  const out: Json = {};
  for (const field of type.fieldsArray) {
    if (field.options?.proto3_optional === true) continue;
    field.resolve();
    const nested = field.resolvedType;
    let value: unknown;
    if (nested !== null && "values" in nested) {
      const names = Object.keys(nested.values);
      value = names[1] ?? names[0] ?? null;
    } else if (nested !== null) {
      const known = WELL_KNOWN[nested.fullName];
      value =
        known !== undefined
          ? known.example
          : depth > 0
            ? exampleMessage(nested as protobuf.Type, depth - 1)
            : {};
    } else {
      value = field.type === "string" ? "" : field.type === "bool" ? false : field.type === "bytes" ? "" : 0;
    }
    out[field.name] = field.repeated ? [value] : field.map ? {} : value;
  }
  return out;
}
