/**
 * The schema registry port: each event type (the subject) has numbered versions of its JSON Schema;
 * producers and consumers validate payloads against them.
 *
 * Source: Confluent Schema Registry's subject/version model (subject = event type, versions 1, 2, ...;
 * registering an identical schema returns the existing version); issue 4 item 6.
 * @module
 */
import type { JSONSchema } from "./json-schema.ts";

/** One registered version of a subject's schema. `version` counts from 1. */
export interface RegisteredSchema {
  subject: string;
  version: number;
  schema: JSONSchema;
}

/**
 * A schema registry. Implementations: `LocalSchemaRegistry` (memory or a folder of files, the
 * embedded default), `ConfluentSchemaRegistry`, `ApicurioSchemaRegistry`; all pass
 * `runSchemaRegistryContract`.
 */
export interface SchemaRegistry {
  /** `"local"`, `"confluent"` or `"apicurio"`. */
  readonly kind: string;
  /**
   * Registers `schema` under `subject` (an event type). An identical schema (same JSON, any key
   * order) returns the version it already has.
   * @returns the version number.
   * @throws AllFrameError `conflict` when the schema is not BACKWARD compatible with the latest
   *   version (issues carry the JSON Pointer of each problem); `validation` for an invalid subject or
   *   schema; `unavailable` when a remote registry cannot be reached.
   */
  register(subject: string, schema: JSONSchema): Promise<number>;
  /** The newest version, or `undefined` when the subject has none. */
  latest(subject: string): Promise<RegisteredSchema | undefined>;
  /** One version, or `undefined` when it does not exist. */
  get(subject: string, version: number): Promise<RegisteredSchema | undefined>;
  /**
   * Validates `payload` against the subject's latest version (or `version`), compiling each version
   * once. Defaults in the schema are filled in on a copy.
   * @returns the validated copy.
   * @throws AllFrameError `validation` with one issue per failing field (`path` like `["items", 0, "sku"]`);
   *   `not-found` when the subject or version has no schema.
   */
  validate(subject: string, payload: unknown, version?: number): Promise<unknown>;
}

/** The registries `createSchemaRegistry` can build from `SCHEMA_REGISTRY_KIND`. AWS Glue: not in this round. */
export const SCHEMA_REGISTRY_KINDS = ["local", "confluent", "apicurio"] as const;

/** One of {@link SCHEMA_REGISTRY_KINDS}. */
export type SchemaRegistryKind = (typeof SCHEMA_REGISTRY_KINDS)[number];
