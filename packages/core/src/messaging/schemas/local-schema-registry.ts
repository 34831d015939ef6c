/**
 * The embedded schema registry: versions in memory, optionally mirrored to a folder of JSON files
 * (`<subject>.v<N>.json`, the same layout as an architecture's `events/` folder), so `npm run dev`
 * needs no registry server.
 * @module
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { BaseSchemaRegistry, type CompatibilityLevel } from "./base-schema-registry.ts";
import { isJSONSchema, type JSONSchema } from "./json-schema.ts";
import type { RegisteredSchema } from "./schema-registry.ts";

/** `OrderPlaced.v2.json` → subject `OrderPlaced`, version 2. */
export const SCHEMA_FILE_PATTERN = /^(?<subject>[A-Za-z0-9][A-Za-z0-9._-]*)\.v(?<version>[1-9][0-9]*)\.json$/;

/** Options of {@link LocalSchemaRegistry.open}. */
export interface LocalSchemaRegistryOptions {
  /** Folder of `<subject>.v<N>.json` files, created if missing; absent → memory only. */
  directory?: string;
  /** Default `"BACKWARD"`. */
  compatibility?: CompatibilityLevel;
}

/**
 * A {@link SchemaRegistry} in memory, optionally backed by a folder. Files are written whole to a
 * temporary name, then renamed, so a crash never leaves half a schema.
 *
 * @example
 * const registry = await LocalSchemaRegistry.open({ directory: ".allframe/schemas" });
 * await registry.register("OrderPlaced", z.toJSONSchema(orderPlaced));
 * await registry.validate("OrderPlaced", payload); // throws AllFrameError("validation")
 */
export class LocalSchemaRegistry extends BaseSchemaRegistry {
  readonly kind = "local";
  readonly #subjects = new Map<string, JSONSchema[]>();
  readonly #directory: string | undefined;

  private constructor(options: LocalSchemaRegistryOptions) {
    super(options.compatibility);
    this.#directory = options.directory;
  }

  /**
   * Opens the registry, loading every schema file in `directory`.
   * @throws AllFrameError `configuration` for a file that is not JSON or not a schema, or a
   *   subject whose versions have a gap (v1, v3).
   */
  static async open(options: LocalSchemaRegistryOptions = {}): Promise<LocalSchemaRegistry> {
    const registry = new LocalSchemaRegistry(options);
    if (options.directory !== undefined) await registry.#load(options.directory);
    return registry;
  }

  async #load(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    const found = new Map<string, Map<number, JSONSchema>>();
    for (const name of (await readdir(directory)).sort()) {
      const match = SCHEMA_FILE_PATTERN.exec(name);
      if (match?.groups === undefined) continue;
      const { subject = "", version = "" } = match.groups;
      const file = join(directory, name);
      let schema: unknown;
      try {
        schema = JSON.parse(await readFile(file, "utf8"));
      } catch (cause) {
        throw new AllFrameError("configuration", `schema file ${file} is not valid JSON`, { cause });
      }
      if (!isJSONSchema(schema))
        throw new AllFrameError("configuration", `schema file ${file} is not a JSON Schema`);
      const versions = found.get(subject) ?? new Map<number, JSONSchema>();
      versions.set(Number(version), schema);
      found.set(subject, versions);
    }
    for (const [subject, versions] of found) {
      const list: JSONSchema[] = [];
      for (let v = 1; v <= versions.size; v += 1) {
        const schema = versions.get(v);
        if (schema === undefined) {
          throw new AllFrameError("configuration", `schemas of ${subject} in ${directory} skip version ${v}`);
        }
        list.push(schema);
      }
      this.#subjects.set(subject, list);
    }
  }

  /** Subjects with at least one version, sorted. */
  subjects(): string[] {
    return [...this.#subjects.keys()].sort();
  }

  protected async store(subject: string, schema: JSONSchema): Promise<number> {
    const list = this.#subjects.get(subject) ?? [];
    const version = list.length + 1;
    if (this.#directory !== undefined) {
      const file = join(this.#directory, `${subject}.v${version}.json`);
      await writeFile(`${file}.tmp`, `${JSON.stringify(schema, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    }
    list.push(structuredClone(schema));
    this.#subjects.set(subject, list);
    return version;
  }

  protected async fetchLatest(subject: string): Promise<RegisteredSchema | undefined> {
    const list = this.#subjects.get(subject);
    return list === undefined || list.length === 0 ? undefined : this.#entry(subject, list.length);
  }

  protected async fetchVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    return this.#entry(subject, version);
  }

  #entry(subject: string, version: number): RegisteredSchema | undefined {
    const schema = this.#subjects.get(subject)?.[version - 1];
    return schema === undefined ? undefined : { subject, version, schema: structuredClone(schema) };
  }
}
