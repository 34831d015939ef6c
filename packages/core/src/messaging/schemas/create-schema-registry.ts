/**
 * Picks the schema registry from the environment: no `SCHEMA_REGISTRY_URL` → the local registry;
 * otherwise `SCHEMA_REGISTRY_KIND=confluent|apicurio` (default confluent) over HTTP.
 * AWS Glue Schema Registry is not in this round (`SCHEMA_REGISTRY_KIND=glue` says so).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { ApicurioSchemaRegistry } from "./apicurio-schema-registry.ts";
import { ConfluentSchemaRegistry } from "./confluent-schema-registry.ts";
import { LocalSchemaRegistry } from "./local-schema-registry.ts";
import { SCHEMA_REGISTRY_KINDS, type SchemaRegistry, type SchemaRegistryKind } from "./schema-registry.ts";

/**
 * Environment read by {@link createSchemaRegistry}:
 * - `SCHEMA_REGISTRY_URL`: registry base URL; unset → local registry.
 * - `SCHEMA_REGISTRY_KIND`: `confluent` (default with a URL) or `apicurio`.
 * - `SCHEMA_REGISTRY_DIR`: folder of the local registry; unset → memory only.
 * - `SCHEMA_REGISTRY_GROUP`: Apicurio artifact group; default `default`.
 * - `SCHEMA_REGISTRY_AUTH`: sent as the `authorization` header (e.g. `Basic a2V5OnNlY3JldA==`).
 */
export type SchemaRegistryEnv = Record<string, string | undefined>;

/**
 * Builds the registry the environment selects.
 * @throws AllFrameError `unsupported` for `glue`; `configuration` for any other unknown kind.
 * @example
 * const registry = await createSchemaRegistry(process.env);
 */
export async function createSchemaRegistry(env: SchemaRegistryEnv): Promise<SchemaRegistry> {
  const url = env.SCHEMA_REGISTRY_URL?.trim();
  const kind = (env.SCHEMA_REGISTRY_KIND?.trim().toLowerCase() || (url ? "confluent" : "local")) as
    | SchemaRegistryKind
    | "glue";
  const headers: Record<string, string> = env.SCHEMA_REGISTRY_AUTH
    ? { authorization: env.SCHEMA_REGISTRY_AUTH }
    : {};
  if (kind === "glue") {
    throw new AllFrameError(
      "unsupported",
      "AWS Glue Schema Registry is not supported yet; use SCHEMA_REGISTRY_KIND=confluent or apicurio, or unset SCHEMA_REGISTRY_URL for the local registry",
    );
  }
  if (!SCHEMA_REGISTRY_KINDS.includes(kind)) {
    throw new AllFrameError(
      "configuration",
      `SCHEMA_REGISTRY_KIND=${JSON.stringify(kind)} is not one of ${SCHEMA_REGISTRY_KINDS.join(", ")}`,
    );
  }
  if (kind !== "local" && !url)
    throw new AllFrameError("configuration", `SCHEMA_REGISTRY_KIND=${kind} needs SCHEMA_REGISTRY_URL`);
  if (kind === "confluent") return new ConfluentSchemaRegistry({ url: url as string, headers });
  if (kind === "apicurio") {
    return new ApicurioSchemaRegistry({
      url: url as string,
      headers,
      ...(env.SCHEMA_REGISTRY_GROUP ? { group: env.SCHEMA_REGISTRY_GROUP } : {}),
    });
  }
  return LocalSchemaRegistry.open(env.SCHEMA_REGISTRY_DIR ? { directory: env.SCHEMA_REGISTRY_DIR } : {});
}
