/**
 * The protobuf model AllFrame derives from handler schemas: one plain-data description that both the
 * `.proto` text and the server's wire codec are made from, so the two cannot disagree.
 * @module
 */
import type { HandlerDefinition } from "../handler.ts";

/** The protobuf scalar types AllFrame emits (see `schema-to-proto.ts` for which zod types map to which). */
export type ScalarType = "string" | "bool" | "double" | "int32" | "int64";

/** The type of one field, without its cardinality. */
export type FieldType =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly name: string }
  | { readonly kind: "message"; readonly name: string }
  /** `google.protobuf.Struct`: a JSON object (zod records). */
  | { readonly kind: "struct" }
  /** `google.protobuf.Value`: any JSON value (unions, nullables, unknown, tuples, nested lists). */
  | { readonly kind: "value" };

/** One message field. */
export interface ProtoField {
  /** lower_snake_case protobuf name, e.g. `created_at`. */
  readonly name: string;
  /** The zod object key it carries, e.g. `createdAt`. */
  readonly key: string;
  /** Field number: 1.. in the order of the zod object's keys. */
  readonly number: number;
  readonly type: FieldType;
  /** `repeated` (a zod array). */
  readonly repeated: boolean;
  /**
   * The zod key may be missing (optional or defaulted). Singular scalars and enums are proto3
   * `optional`, so absence is seen; messages have presence anyway; an empty list of an optional
   * `repeated` field is left out of the handler input.
   */
  readonly optional: boolean;
  readonly description?: string;
}

/** One message. */
export interface ProtoMessage {
  readonly name: string;
  readonly fields: readonly ProtoField[];
  readonly description?: string;
}

/** One enum value: `number` 0 is reserved for `<ENUM>_UNSPECIFIED`, so values start at 1. */
export interface ProtoEnumValue {
  /** e.g. `STATUS_IN_PROGRESS`. */
  readonly name: string;
  readonly number: number;
  /** The zod enum value it stands for, e.g. `"in-progress"`. */
  readonly value: string;
}

/** One enum. */
export interface ProtoEnum {
  readonly name: string;
  /** e.g. `STATUS_UNSPECIFIED` (number 0, no zod value). */
  readonly unspecified: string;
  readonly values: readonly ProtoEnumValue[];
  readonly description?: string;
}

/** One rpc: a unary handler, or a stream handler as a server-streaming rpc. */
export interface ProtoMethod {
  /** PascalCase, from `grpcMethodName`. */
  readonly name: string;
  readonly handler: HandlerDefinition;
  /** `<Method>Request`. */
  readonly request: string;
  /** `<Method>Response`. */
  readonly response: string;
  /** True when the zod input is not an object, so the request carries it in one field `value`. */
  readonly requestWrapped: boolean;
  /** True when the zod output is not an object, so the response carries it in one field `value`. */
  readonly responseWrapped: boolean;
  readonly serverStreaming: boolean;
}

/** One service: the handlers bound to the same `grpc.service`, in handler order. */
export interface ProtoService {
  readonly name: string;
  readonly methods: readonly ProtoMethod[];
}

/** Everything one `.proto` file declares. Maps keep declaration order. */
export interface ProtoModel {
  /** e.g. `allframe.users.v1`. */
  readonly package: string;
  readonly services: readonly ProtoService[];
  readonly messages: ReadonlyMap<string, ProtoMessage>;
  readonly enums: ReadonlyMap<string, ProtoEnum>;
  /** True when a field uses `google.protobuf.Struct` or `Value` (the file imports struct.proto). */
  readonly usesStruct: boolean;
}

/** The fully qualified protobuf name of a well-known type field, e.g. `google.protobuf.Struct`. */
export function wellKnownTypeName(type: FieldType): string | undefined {
  if (type.kind === "struct") return "google.protobuf.Struct";
  if (type.kind === "value") return "google.protobuf.Value";
  return undefined;
}
