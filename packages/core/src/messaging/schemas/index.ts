/**
 * @module messaging/schemas: one JSON Schema per event type, versioned in a registry (local by
 * default; Confluent or Apicurio over HTTP), with payload validation and the BACKWARD compatibility
 * check. The contract suite (`schema-registry.contract.ts`) imports `node:test` and is imported by path.
 */
export { ApicurioSchemaRegistry, type ApicurioSchemaRegistryOptions } from "./apicurio-schema-registry.ts";
export {
  COMPATIBILITY_PROBLEM_CODES,
  type CompatibilityOptions,
  type CompatibilityProblem,
  type CompatibilityProblemCode,
  type CompatibilityResult,
  checkBackwardCompatible,
} from "./backward-compatibility.ts";
export {
  assertSubject,
  BaseSchemaRegistry,
  type CompatibilityLevel,
  SUBJECT_PATTERN,
} from "./base-schema-registry.ts";
export { ConfluentSchemaRegistry, type ConfluentSchemaRegistryOptions } from "./confluent-schema-registry.ts";
export { createSchemaRegistry, type SchemaRegistryEnv } from "./create-schema-registry.ts";
export type { RegistryHttpOptions } from "./http-json.ts";
export { type JSONSchema, type JSONSchemaObject, toPointer } from "./json-schema.ts";
export {
  LocalSchemaRegistry,
  type LocalSchemaRegistryOptions,
  SCHEMA_FILE_PATTERN,
} from "./local-schema-registry.ts";
export {
  type RegisteredSchema,
  SCHEMA_REGISTRY_KINDS,
  type SchemaRegistry,
  type SchemaRegistryKind,
} from "./schema-registry.ts";
