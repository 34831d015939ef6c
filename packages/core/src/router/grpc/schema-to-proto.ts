/**
 * Maps JSON Schema (zod 4's `z.toJSONSchema`) to protobuf messages and enums. JSON Schema rather than
 * zod internals: it is zod's public, stable description of a schema, with descriptions, `required`
 * (already "may be missing" for the chosen input/output side) and integer bounds resolved.
 *
 * Mapping: object with `properties` → message (nested ones named after their `.meta({ id })`, else
 * their field, deduplicated by structure); array → `repeated` (a list of lists → `repeated google.protobuf.Value`); string enum or
 * literal → enum with `<ENUM>_UNSPECIFIED = 0`; integer → `int32` when its bounds fit 32 bits, else
 * `int64` (zod integers are safe integers, ±2^53, which int32 would truncate); other numbers → `double`;
 * record → `google.protobuf.Struct`; unions, nullables, tuples, unknown and unrepresentable types →
 * `google.protobuf.Value`.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { FieldType, ProtoEnum, ProtoField, ProtoMessage } from "./proto-model.ts";
import { enumValueName, fieldName, singular, typeName } from "./proto-names.ts";

/** A JSON Schema node as zod emits it. */
export type JsonSchema = { readonly [key: string]: unknown };

const INT32_MIN = -(2 ** 31);
/** The `$defs` names zod invents for cycles, as opposed to ids given with `.meta({ id })`. */
const GENERATED_DEF = /^__schema\d+$/;
const INT32_MAX = 2 ** 31 - 1;

interface RootScope {
  readonly name: string;
  readonly defs: Readonly<Record<string, JsonSchema>>;
  /** False when the root is wrapped, so `$ref: "#"` (the root) is not the message. */
  readonly rootIsMessage: boolean;
  /** e.g. `handler "createUser" input`, for error messages. */
  readonly where: string;
}

interface Typed {
  readonly type: FieldType;
  readonly repeated: boolean;
}

const VALUE: Typed = { type: { kind: "value" }, repeated: false };

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(node: JsonSchema, key: string): string | undefined {
  const value = node[key];
  return typeof value === "string" ? value : undefined;
}

function bound(node: JsonSchema, inclusive: string, exclusive: string): number | undefined {
  const value = node[inclusive] ?? node[exclusive];
  return typeof value === "number" ? value : undefined;
}

/**
 * Collects the messages and enums of one `.proto` file. Names are picked in discovery order: the
 * field's own name, then prefixed with its parent message, then numbered, skipping `reserved` names.
 */
export class ProtoTypeRegistry {
  readonly messages = new Map<string, ProtoMessage>();
  readonly enums = new Map<string, ProtoEnum>();
  #usesStruct = false;
  readonly #byStructure = new Map<string, string>();
  readonly #enumValueNames = new Set<string>();
  readonly #reserved: ReadonlySet<string>;

  /** @param reserved names taken up front: every `<Method>Request` and `<Method>Response`. */
  constructor(reserved: Iterable<string>) {
    this.#reserved = new Set(reserved);
  }

  /** True once any field uses `google.protobuf.Struct` or `Value`. */
  get usesStruct(): boolean {
    return this.#usesStruct;
  }

  /**
   * Adds a request or response message named `name`. An object schema becomes the message itself;
   * anything else is carried in one field `value`.
   * @returns whether the schema was wrapped.
   * @throws AllFrameError `configuration` naming `where` when a key has no protobuf field name or two
   *   keys map to the same one.
   */
  addRoot(name: string, given: JsonSchema, where: string, description?: string): { wrapped: boolean } {
    const defs = isSchema(given.$defs) ? (given.$defs as Record<string, JsonSchema>) : {};
    // A root with a `.meta({ id })` is written as a $ref to its definition; the message is that definition.
    const ref = text(given, "$ref");
    const target = ref?.startsWith("#/$defs/") === true ? defs[ref.slice("#/$defs/".length)] : undefined;
    const schema = target ?? given;
    const rootIsMessage = isSchema(schema.properties);
    const scope: RootScope = { name, defs, rootIsMessage, where };
    if (rootIsMessage) {
      this.#defineMessage(name, schema, scope, description);
      return { wrapped: false };
    }
    const wrapper: JsonSchema = { type: "object", properties: { value: schema }, required: ["value"] };
    this.#defineMessage(name, wrapper, scope, description);
    return { wrapped: true };
  }

  #defineMessage(name: string, node: JsonSchema, scope: RootScope, description?: string): void {
    // Reserve the slot first: declaration order stays parent-first and recursive references resolve.
    this.messages.set(name, { name, fields: [] });
    const properties = node.properties as Record<string, unknown>;
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    const fields: ProtoField[] = [];
    for (const [key, child] of Object.entries(properties)) {
      const protoName = fieldName(key);
      if (protoName === undefined || fields.some((field) => field.name === protoName)) {
        throw new AllFrameError(
          "configuration",
          `${scope.where}: key "${key}" of message ${name} ${protoName === undefined ? "has no protobuf field name" : `maps to field "${protoName}" like another key`}; rename it to start with a letter and differ in more than case or punctuation`,
        );
      }
      const node = isSchema(child) ? child : {};
      const typed = this.#fieldType(node, key, name, scope);
      const fieldDescription = text(node, "description");
      fields.push({
        name: protoName,
        key,
        number: fields.length + 1,
        type: typed.type,
        repeated: typed.repeated,
        optional: !required.has(key),
        ...(fieldDescription === undefined ? {} : { description: fieldDescription }),
      });
    }
    const ownDescription = description ?? text(node, "description");
    this.messages.set(name, {
      name,
      fields,
      ...(ownDescription === undefined ? {} : { description: ownDescription }),
    });
  }

  #fieldType(node: JsonSchema, hint: string, parent: string, scope: RootScope): Typed {
    const typed = this.#typeOf(node, hint, parent, scope);
    if (typed.type.kind === "struct" || typed.type.kind === "value") this.#usesStruct = true;
    return typed;
  }

  #typeOf(node: JsonSchema, hint: string, parent: string, scope: RootScope, defName?: string): Typed {
    const ref = text(node, "$ref");
    if (ref !== undefined) {
      if (ref === "#") return scope.rootIsMessage ? message(scope.name) : VALUE;
      const defKey = ref.startsWith("#/$defs/") ? ref.slice("#/$defs/".length) : undefined;
      const def = defKey === undefined ? undefined : scope.defs[defKey];
      // A `meta({ id })` names the type; zod's own `__schemaN` (cycles) does not.
      const named = defKey !== undefined && !GENERATED_DEF.test(defKey) ? defKey : undefined;
      return def === undefined ? VALUE : this.#typeOf(def, hint, parent, scope, named);
    }
    const values = Array.isArray(node.enum) ? node.enum : "const" in node ? [node.const] : undefined;
    if (values !== undefined) return this.#enumType(values, node, defName ?? hint, parent);
    switch (node.type) {
      case "string":
        return scalar("string");
      case "boolean":
        return scalar("bool");
      case "number":
        return scalar("double");
      case "integer": {
        const min = bound(node, "minimum", "exclusiveMinimum") ?? Number.NEGATIVE_INFINITY;
        const max = bound(node, "maximum", "exclusiveMaximum") ?? Number.POSITIVE_INFINITY;
        return scalar(min >= INT32_MIN && max <= INT32_MAX ? "int32" : "int64");
      }
      case "array": {
        if (!isSchema(node.items) || "prefixItems" in node) return VALUE;
        const item = this.#typeOf(node.items, singular(hint), parent, scope);
        return { type: item.repeated ? VALUE.type : item.type, repeated: true };
      }
      case "object":
        if (!isSchema(node.properties)) return { type: { kind: "struct" }, repeated: false };
        return message(this.#messageFor(node, hint, parent, scope, defName));
      default:
        return VALUE;
    }
  }

  /**
   * A named type (`.meta({ id })`) gets its own message even when another has its structure; an
   * unnamed one reuses any message of the same structure, named or not.
   */
  #messageFor(node: JsonSchema, hint: string, parent: string, scope: RootScope, defName?: string): string {
    const key = this.#structureKey(node, scope);
    const namedKey = defName === undefined ? undefined : `${defName} ${key}`;
    const existing = this.#byStructure.get(namedKey ?? key);
    if (existing !== undefined) return existing;
    const name = this.#pickName(typeName(defName ?? hint) ?? "Item", parent);
    if (namedKey !== undefined) this.#byStructure.set(namedKey, name);
    if (namedKey === undefined || !this.#byStructure.has(key)) this.#byStructure.set(key, name);
    this.#defineMessage(name, node, scope);
    return name;
  }

  #enumType(values: readonly unknown[], node: JsonSchema, hint: string, parent: string): Typed {
    if (values.length === 0 || !values.every((value): value is string => typeof value === "string")) {
      return VALUE;
    }
    const suffixes = values.map(enumValueName);
    if (suffixes.some((suffix) => suffix === undefined) || new Set(suffixes).size !== suffixes.length) {
      return VALUE;
    }
    const description = text(node, "description");
    const key = `enum ${JSON.stringify({ values, description })}`;
    const existing = this.#byStructure.get(key);
    if (existing !== undefined) return { type: { kind: "enum", name: existing }, repeated: false };
    const name = this.#pickName(typeName(hint) ?? "Kind", parent);
    const prefix = enumValueName(name) ?? name.toUpperCase();
    const entry: ProtoEnum = {
      name,
      unspecified: `${prefix}_UNSPECIFIED`,
      values: values.map((value, index) => ({
        name: `${prefix}_${suffixes[index]}`,
        number: index + 1,
        value,
      })),
      ...(description === undefined ? {} : { description }),
    };
    for (const valueName of [entry.unspecified, ...entry.values.map((value) => value.name)]) {
      if (this.#enumValueNames.has(valueName)) {
        throw new AllFrameError(
          "configuration",
          `enum value ${valueName} of enum ${name} (field "${hint}" of ${parent}) is declared by another enum too; protobuf enum values share the package scope, so rename the field or the values`,
        );
      }
      this.#enumValueNames.add(valueName);
    }
    this.#byStructure.set(key, name);
    this.enums.set(name, entry);
    return { type: { kind: "enum", name }, repeated: false };
  }

  #pickName(base: string, parent: string): string {
    const taken = (name: string) =>
      this.#reserved.has(name) || this.messages.has(name) || this.enums.has(name);
    if (!taken(base)) return base;
    const prefixed = `${parent}${base}`;
    if (!taken(prefixed)) return prefixed;
    let n = 2;
    while (taken(`${prefixed}${n}`)) n++;
    return `${prefixed}${n}`;
  }

  /** Identical schemas share one message; one that refers to its root's `$defs` only within that root. */
  #structureKey(node: JsonSchema, scope: RootScope): string {
    const json = JSON.stringify(node);
    return json.includes('"$ref"') ? `${scope.name} ${json}` : json;
  }
}

function scalar(type: "string" | "bool" | "double" | "int32" | "int64"): Typed {
  return { type: { kind: "scalar", scalar: type }, repeated: false };
}

function message(name: string): Typed {
  return { type: { kind: "message", name }, repeated: false };
}
