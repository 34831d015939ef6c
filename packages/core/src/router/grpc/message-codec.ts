/**
 * Converts between protobuf messages and the plain objects handlers see, driven by the same
 * {@link ProtoModel} the `.proto` text was written from. One pass each way, straight from the
 * protobufjs-decoded message to the zod-shaped input and from the handler's output to an object
 * `Type.encode` accepts, instead of proto-loader's generic `toObject`/`fromObject` plus a second pass.
 *
 * Decoding gives what `parseHandlerInput` expects: zod keys; enum values as the zod strings
 * (`<ENUM>_UNSPECIFIED` and unknown numbers are left out, so zod reports the field); int64 as numbers;
 * absent `optional` fields, absent messages and empty optional lists left out, so zod defaults apply.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { FieldType, ProtoField, ProtoModel } from "./proto-model.ts";
import { jsonToStruct, jsonToValue, structToJson, valueToJson } from "./struct-value.ts";

type Convert = (value: unknown) => unknown;
type PlainObject = Record<string, unknown>;

/** Turns a decoded protobufjs message into the handler's raw input, and handler output into an encodable object. */
export interface MessageCodec {
  /** Decoded message of type `message` (e.g. `GetUserRequest`) → plain object with zod keys. */
  decode(message: string, decoded: unknown): PlainObject;
  /**
   * Plain object with zod keys → object for protobufjs `Type.encode` of type `message`.
   * @throws AllFrameError `internal` when a value has no protobuf form (not an enum value, not JSON).
   */
  encode(message: string, value: unknown): PlainObject;
}

interface FieldCodec {
  readonly field: ProtoField;
  /** True when absence is visible on the wire only as "not an own property" (proto3 optional scalars). */
  readonly presence: boolean;
  readonly decode: Convert;
  readonly encode: Convert;
}

function toNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(String(value));
}

function isObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null;
}

/**
 * Builds the codec of a model. Converters are made once per message (on first use) and cached.
 * @throws AllFrameError `configuration` when asked for a message the model does not declare.
 */
export function createMessageCodec(model: ProtoModel): MessageCodec {
  const fieldCodecs = new Map<string, readonly FieldCodec[]>();

  const enumConverters = (name: string): { decode: Convert; encode: Convert } => {
    const entry = model.enums.get(name);
    const byNumber = new Map(entry?.values.map((value) => [value.number, value.value]));
    const byValue = new Map(entry?.values.map((value) => [value.value, value.number]));
    return {
      decode: (value) => byNumber.get(toNumber(value)),
      encode: (value) => {
        const number = byValue.get(value as string);
        if (number === undefined) {
          throw new AllFrameError(
            "internal",
            `output ${JSON.stringify(value)} is not a value of enum ${name}`,
          );
        }
        return number;
      },
    };
  };

  const converters = (type: FieldType): { decode: Convert; encode: Convert } => {
    switch (type.kind) {
      case "scalar":
        return type.scalar === "int64"
          ? { decode: toNumber, encode: (value) => value }
          : { decode: (value) => value, encode: (value) => value };
      case "enum":
        return enumConverters(type.name);
      case "struct":
        return { decode: structToJson, encode: jsonToStruct };
      case "value":
        return { decode: valueToJson, encode: jsonToValue };
      case "message":
        return {
          decode: (value) => codec.decode(type.name, value),
          encode: (value) => codec.encode(type.name, value),
        };
    }
  };

  const fieldsOf = (message: string): readonly FieldCodec[] => {
    const cached = fieldCodecs.get(message);
    if (cached !== undefined) return cached;
    const declared = model.messages.get(message);
    if (declared === undefined) {
      throw new AllFrameError(
        "configuration",
        `message ${message} is not declared in package ${model.package}`,
      );
    }
    const built = declared.fields.map((field): FieldCodec => {
      const one = converters(field.type);
      const scalarLike = field.type.kind === "scalar" || field.type.kind === "enum";
      return {
        field,
        presence: field.optional && !field.repeated && scalarLike,
        decode: field.repeated ? (list) => (list as unknown[]).map(one.decode) : one.decode,
        encode: field.repeated ? (list) => (list as unknown[]).map(one.encode) : one.encode,
      };
    });
    fieldCodecs.set(message, built);
    return built;
  };

  const codec: MessageCodec = {
    decode(message, decoded) {
      const out: PlainObject = {};
      if (!isObject(decoded)) return out;
      for (const { field, presence, decode } of fieldsOf(message)) {
        if (presence && !Object.hasOwn(decoded, field.name)) continue;
        const wire = decoded[field.name];
        if (wire === null || wire === undefined) continue;
        if (field.repeated && field.optional && (wire as unknown[]).length === 0) continue;
        const value = decode(wire);
        if (value !== undefined) out[field.key] = value;
      }
      return out;
    },
    encode(message, value) {
      const out: PlainObject = {};
      if (!isObject(value)) {
        throw new AllFrameError(
          "internal",
          `output for message ${message} must be an object, got ${typeof value}`,
        );
      }
      for (const { field, encode } of fieldsOf(message)) {
        const child = value[field.key];
        // null is a JSON value only a google.protobuf.Value field carries; elsewhere it means absent.
        if (child === undefined || (child === null && field.type.kind !== "value")) continue;
        out[field.name] = encode(child);
      }
      return out;
    },
  };
  return codec;
}
