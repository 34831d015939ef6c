/**
 * Translates zod schemas into GraphQL types (issue 5, "One handler, three protocols"): objects become
 * object types (outputs) or input types (inputs), arrays lists, enums enums, optional/nullable/default
 * nullable, whole numbers `Int`, other numbers `Float`, strings `String`, booleans `Boolean`; anything
 * GraphQL cannot spell (records, unions, tuples, unknown, ...) the `JSON` scalar.
 * @module
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  type GraphQLInputFieldConfig,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  GraphQLString,
} from "graphql";
import type { z } from "zod";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { GraphQLJSON } from "./json-scalar.ts";
import { isIntegerSchema, type UnwrappedSchema, unwrapSchema } from "./zod-walk.ts";

type NullableOutput =
  | GraphQLScalarType
  | GraphQLEnumType
  | GraphQLObjectType
  | GraphQLList<GraphQLOutputType>;
type NullableInput =
  | GraphQLScalarType
  | GraphQLEnumType
  | GraphQLInputObjectType
  | GraphQLList<GraphQLInputType>;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const INT32_MAX = 2 ** 31 - 1;
/** Names the schema itself uses; a derived type name never takes one of them. */
const RESERVED_NAMES = [
  "String",
  "Int",
  "Float",
  "Boolean",
  "ID",
  "JSON",
  "Query",
  "Mutation",
  "Subscription",
];

/** `get-user`, `user_id`, `getUser` → `GetUser`, `UserId`, `GetUser`: one part of a GraphQL type name. */
export function typeNamePart(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

function isEnumValueName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && name !== "true" && name !== "false" && name !== "null";
}

function literalScalar(values: ReadonlyArray<unknown>): GraphQLScalarType {
  if (values.every((value) => typeof value === "string")) return GraphQLString;
  if (values.every((value) => typeof value === "boolean")) return GraphQLBoolean;
  if (values.every((value) => typeof value === "number")) {
    return values.every((value) => Number.isInteger(value) && Math.abs(value) <= INT32_MAX)
      ? GraphQLInt
      : GraphQLFloat;
  }
  return GraphQLJSON;
}

/**
 * Builds GraphQL types from zod schemas, one per zod schema object and direction: a zod object shared
 * by several handlers becomes one GraphQL type. Names, in order of preference:
 * - `.meta({ id })` (or `title`): `User` for outputs and enums, `UserInput` for inputs;
 * - the stem the caller passes: `GetUserOutput`, `CreateUserInput` for a handler's own schemas;
 * - nested: the parent's name plus the field's, e.g. `GetUserOutputAddress`, `CreateUserAddressInput`.
 * A name already taken gets `2`, `3`, ... appended; the first claimant keeps the plain name, so names
 * are stable for a given handler order.
 *
 * @throws AllFrameError `configuration` (from the type's field thunk, i.e. while the schema is built)
 *   when an object key is not a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`, not starting with `__`).
 */
export class GraphqlTypeBuilder {
  readonly #objects = new Map<z.core.$ZodType, NullableOutput>();
  readonly #inputs = new Map<z.core.$ZodType, NullableInput>();
  readonly #enums = new Map<z.core.$ZodType, GraphQLScalarType | GraphQLEnumType>();
  readonly #names = new Set<string>(RESERVED_NAMES);

  /** The output type of `schema`, wrapped in non-null unless the schema allows absence. */
  outputType(schema: z.core.$ZodType, stem: string): GraphQLOutputType {
    const unwrapped = unwrapSchema(schema);
    const type = this.#output(unwrapped, stem);
    return unwrapped.nullable ? type : new GraphQLNonNull(type);
  }

  /** The input type of `schema` (nested objects named `<stem>Input`), non-null unless it may be absent. */
  inputType(schema: z.core.$ZodType, stem: string): GraphQLInputType {
    const unwrapped = unwrapSchema(schema);
    const type = this.#input(unwrapped, stem);
    return unwrapped.nullable ? type : new GraphQLNonNull(type);
  }

  /** An argument or input field: its type and the zod description. */
  inputField(schema: z.core.$ZodType, stem: string): GraphQLInputFieldConfig {
    return { type: this.inputType(schema, stem), description: unwrapSchema(schema).description };
  }

  #output(unwrapped: UnwrappedSchema, stem: string): NullableOutput {
    const def = unwrapped.core._zod.def;
    if (def.type === "array") return new GraphQLList(this.outputType(def.element, stem));
    if (def.type !== "object") return this.#leaf(unwrapped, stem);
    const cached = this.#objects.get(unwrapped.core);
    if (cached !== undefined) return cached;
    const fields = Object.entries(def.shape);
    if (fields.length === 0) return GraphQLJSON;
    const name = this.#claim(unwrapped.id ?? stem);
    const type = new GraphQLObjectType({
      name,
      description: unwrapped.typeDescription,
      fields: () =>
        Object.fromEntries(
          fields.map(([key, field]) => [
            fieldName(`type ${name}`, key),
            {
              type: this.outputType(field, name + typeNamePart(key)),
              description: unwrapSchema(field).description,
            },
          ]),
        ),
    });
    this.#objects.set(unwrapped.core, type);
    return type;
  }

  #input(unwrapped: UnwrappedSchema, stem: string): NullableInput {
    const def = unwrapped.core._zod.def;
    if (def.type === "array") return new GraphQLList(this.inputType(def.element, stem));
    if (def.type !== "object") return this.#leaf(unwrapped, stem);
    const cached = this.#inputs.get(unwrapped.core);
    if (cached !== undefined) return cached;
    const fields = Object.entries(def.shape);
    if (fields.length === 0) return GraphQLJSON;
    const base = unwrapped.id === undefined ? stem : typeNamePart(unwrapped.id);
    const name = this.#claim(`${base}Input`);
    const type = new GraphQLInputObjectType({
      name,
      description: unwrapped.typeDescription,
      fields: () =>
        Object.fromEntries(
          fields.map(([key, field]) => [
            fieldName(`type ${name}`, key),
            this.inputField(field, base + typeNamePart(key)),
          ]),
        ),
    });
    this.#inputs.set(unwrapped.core, type);
    return type;
  }

  /** Scalars and enums: the same type in both directions. */
  #leaf(unwrapped: UnwrappedSchema, stem: string): GraphQLScalarType | GraphQLEnumType {
    const def = unwrapped.core._zod.def;
    switch (def.type) {
      case "string":
      case "template_literal":
        return GraphQLString;
      case "number":
        return isIntegerSchema(unwrapped.core as z.core.$ZodNumber) ? GraphQLInt : GraphQLFloat;
      case "boolean":
        return GraphQLBoolean;
      case "literal":
        return literalScalar(def.values);
      case "enum":
        return this.#enum(unwrapped, def.entries, stem);
      default:
        return GraphQLJSON;
    }
  }

  /**
   * A zod enum whose keys are all GraphQL names becomes an enum (internal values are zod's, so numeric
   * enums round-trip); otherwise (e.g. `"in-progress"`) a `String` that zod still checks, because
   * renaming values would make GraphQL clients send something other than REST and gRPC clients do.
   */
  #enum(
    unwrapped: UnwrappedSchema,
    entries: Readonly<Record<string, string | number>>,
    stem: string,
  ): GraphQLScalarType | GraphQLEnumType {
    const cached = this.#enums.get(unwrapped.core);
    if (cached !== undefined) return cached;
    const keys = Object.keys(entries);
    const type = keys.every(isEnumValueName)
      ? new GraphQLEnumType({
          name: this.#claim(unwrapped.id ?? stem),
          description: unwrapped.typeDescription,
          values: Object.fromEntries(keys.map((key) => [key, { value: entries[key] }])),
        })
      : GraphQLString;
    this.#enums.set(unwrapped.core, type);
    return type;
  }

  #claim(preferred: string): string {
    const part = typeNamePart(preferred);
    const base = /^[A-Za-z]/.test(part) ? part : `T${part}`;
    let name = base;
    for (let n = 2; this.#names.has(name); n++) name = `${base}${n}`;
    this.#names.add(name);
    return name;
  }
}

/**
 * Returns `key` when it can name a GraphQL field or argument.
 * @throws AllFrameError `configuration` naming `owner` and the key otherwise.
 */
export function fieldName(owner: string, key: string): string {
  if (GRAPHQL_NAME.test(key) && !key.startsWith("__")) return key;
  throw new AllFrameError(
    "configuration",
    `GraphQL ${owner}: field "${key}" is not a GraphQL name (letters, digits and _, not starting with a digit or __); rename the key in the zod schema`,
  );
}
