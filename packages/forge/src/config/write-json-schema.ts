/**
 * Writes `packages/forge/schema/architecture.schema.json` from the zod schema. Run after changing
 * `schema.ts`: `node packages/forge/src/config/write-json-schema.ts` (or `npm run schema`); a test
 * fails while the committed file is stale.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { architectureJsonSchemaText } from "./json-schema.ts";

/** Where the committed JSON Schema lives, resolved from this file (independent of the cwd). */
export const ARCHITECTURE_SCHEMA_FILE = fileURLToPath(
  new URL("../../schema/architecture.schema.json", import.meta.url),
);

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BIOME = `${REPO_ROOT}node_modules/.bin/biome`;

/**
 * Writes the schema file (creating its folder), then formats it with the repository's Biome so
 * `npm run lint` accepts it: Biome lays short arrays on one line where `JSON.stringify` does not.
 * Without a local Biome the plain `JSON.stringify` layout is kept. Rejects or throws with the file
 * system's or Biome's error.
 */
export async function writeArchitectureJsonSchema(file: string = ARCHITECTURE_SCHEMA_FILE): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, architectureJsonSchemaText());
  if (existsSync(BIOME)) execFileSync(BIOME, ["format", "--write", file], { cwd: REPO_ROOT, stdio: "pipe" });
}

if (import.meta.main) {
  await writeArchitectureJsonSchema();
  console.log(`wrote ${ARCHITECTURE_SCHEMA_FILE}`);
}
