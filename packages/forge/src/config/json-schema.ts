/**
 * The JSON Schema of `architecture.toml`/`.yaml`, generated from the zod schema so the two can never
 * disagree. Editors use it for completion and hover docs (Taplo / Even Better TOML, the YAML language
 * server); the committed copy lives at `packages/forge/schema/architecture.schema.json`.
 * @module
 */
import { z } from "zod";
import { architectureSchema } from "./schema.ts";

/** The `$id` of the generated schema (a URN: it names the schema, it is not fetched). */
export const ARCHITECTURE_SCHEMA_ID = "urn:allframe:schema:architecture";

/**
 * Builds the JSON Schema (draft-07) describing what a user may write. It describes the *input*
 * side, so keys with defaults (`settings`, `services`, `version`, ...) are optional, and objects allow
 * extra keys: unknown keys are warnings (with suggestions) in the validator, not schema failures.
 * Draft-07 because it is the newest draft every mainstream TOML/YAML editor integration supports.
 * @returns a fresh plain object, deterministic for a given schema.
 */
export function architectureJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(architectureSchema, { io: "input", target: "draft-07" });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: ARCHITECTURE_SCHEMA_ID,
    title: "AllFrame architecture",
    description:
      "One architecture.toml (or .yaml) describing a microservice system; `allframe ignite` generates the workspace from it.",
    ...rest,
  };
}

/** The schema as the committed file holds it: two-space indented JSON with a trailing newline. */
export function architectureJsonSchemaText(): string {
  return `${JSON.stringify(architectureJsonSchema(), null, 2)}\n`;
}
