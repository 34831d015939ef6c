/**
 * Reads a zod 4 schema the way the GraphQL type builder needs it: the core type under its wrappers,
 * whether a value may be absent, and the description and name attached with `.describe()` or
 * `.meta()`. Walks `schema._zod.def`, the structure zod 4 documents for library authors ("zod/v4/core"),
 * rather than `z.toJSONSchema`, because the walk keeps each schema's identity (one GraphQL type per
 * zod object, however many handlers share it) and tells integers from other numbers directly.
 * @module
 */
import { z } from "zod";

/** A zod schema with its wrappers peeled off. */
export interface UnwrappedSchema {
  /** The innermost schema that carries the shape (object, array, string, ...). */
  readonly core: z.core.$ZodTypes;
  /** True when a wrapper lets the value be absent or null: optional, nullable, nullish, default, prefault. */
  readonly nullable: boolean;
  /** The outermost `.describe()` / `.meta({ description })` along the wrapper chain: a field's description. */
  readonly description: string | undefined;
  /** The description registered on the core schema itself: a type's description. */
  readonly typeDescription: string | undefined;
  /** The outermost `.meta({ id })`, else `.meta({ title })`, along the wrapper chain. */
  readonly id: string | undefined;
}

/**
 * Peels optional, nullable, default, prefault, catch, readonly, non-optional and lazy wrappers, and
 * takes the input side of a pipe (a `.transform()` or `z.coerce` keeps the shape a client sends).
 * Outputs are read the same way: adapters send what the handler returns (`z.input` of the output
 * schema), so a defaulted output field may be missing and is nullable.
 */
export function unwrapSchema(schema: z.core.$ZodType): UnwrappedSchema {
  let current = schema as z.core.$ZodTypes;
  let nullable = false;
  let description: string | undefined;
  let id: string | undefined;
  for (;;) {
    const meta = z.globalRegistry.get(current);
    description ??= meta?.description;
    id ??= typeof meta?.id === "string" ? meta.id : meta?.title;
    const def = current._zod.def;
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
        nullable = true;
        current = def.innerType as z.core.$ZodTypes;
        break;
      case "catch":
      case "readonly":
      case "nonoptional":
        current = def.innerType as z.core.$ZodTypes;
        break;
      case "lazy":
        current = def.getter() as z.core.$ZodTypes;
        break;
      case "pipe":
        current = def.in as z.core.$ZodTypes;
        break;
      default:
        return { core: current, nullable, description, typeDescription: meta?.description, id };
    }
  }
}

/** The fields of an object schema (after unwrapping), in declaration order; undefined for a non-object. */
export function objectFields(schema: z.core.$ZodType): Array<[string, z.core.$ZodType]> | undefined {
  const { core } = unwrapSchema(schema);
  return core._zod.def.type === "object" ? Object.entries(core._zod.def.shape) : undefined;
}

interface NumberCheckDef {
  readonly check?: string;
  readonly format?: string;
}

/**
 * True for `z.int()`, `z.number().int()`, `z.int32()` and `z.uint32()`: numbers that are whole. Reads
 * the `number_format` checks (a format schema such as `z.int()` is its own first check) and the bag
 * third-party checks fill, as zod's own JSON Schema processor does.
 */
export function isIntegerSchema(schema: z.core.$ZodNumber): boolean {
  const own = schema._zod.def as NumberCheckDef;
  const checks = [own, ...(schema._zod.def.checks ?? []).map((check) => check._zod.def as NumberCheckDef)];
  const formats = [
    ...checks.filter((def) => def.check === "number_format").map((def) => def.format),
    schema._zod.bag.format,
  ];
  return formats.some((format) => typeof format === "string" && format.includes("int"));
}
