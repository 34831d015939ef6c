/**
 * Reading a folder of migration files (`migrations/0001_create_orders.ts`, ...) into {@link Migration}s,
 * each with the checksum of its file, so the runner notices when an applied file is edited.
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Migration, type MigrationDatabase, migrationChecksum } from "./migration.ts";

/** Migration files: `.ts`, `.js` or `.mjs`, not declarations and not tests. */
const MIGRATION_FILE = /^(?!.*\.(?:test|d)\.[mc]?[jt]s$)(.+)\.(?:ts|js|mjs)$/;

type MigrationFn = (db: MigrationDatabase) => Promise<void>;

/**
 * Loads every migration file in `folder`, sorted by file name: the name is the file name without its
 * extension (`0001_create_orders`), the checksum is {@link migrationChecksum} of its text. Each file
 * exports `up(db)` and may export `down(db)`.
 *
 * @param folder a path or a `file:` URL (e.g. `new URL("../migrations/", import.meta.url)`).
 * @throws AllFrameError `configuration` when the folder cannot be read, or a file does not export an
 *   `up` function (or exports a `down` that is not one), naming the file.
 */
export async function loadMigrations(folder: string | URL): Promise<Migration[]> {
  const dir = folder instanceof URL ? fileURLToPath(folder) : folder;
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && MIGRATION_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (cause) {
    throw new AllFrameError(
      "configuration",
      `cannot read the migrations folder ${dir}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const migrations: Migration[] = [];
  for (const file of names) {
    const path = join(dir, file);
    const source = await readFile(path, "utf8");
    const module = (await import(pathToFileURL(path).href)) as { up?: unknown; down?: unknown };
    if (typeof module.up !== "function" || (module.down !== undefined && typeof module.down !== "function")) {
      throw new AllFrameError(
        "configuration",
        `migration ${path} must export an async function up(db) (and may export down(db))`,
      );
    }
    migrations.push({
      name: file.replace(MIGRATION_FILE, "$1"),
      path,
      checksum: migrationChecksum(source),
      up: module.up as MigrationFn,
      ...(module.down === undefined ? {} : { down: module.down as MigrationFn }),
    });
  }
  return migrations;
}
