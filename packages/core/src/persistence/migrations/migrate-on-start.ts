/**
 * What a service does with its migrations when it starts: apply the pending ones (development, and
 * production when `MIGRATE_ON_START=true`), or refuse to start on an outdated schema when migrations
 * are a deploy step of their own (`npm run migrate -- up`).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type MigratorOptions, openMigrator } from "./migrator.ts";

/** Options for {@link migrateOnStart}. */
export interface MigrateOnStartOptions extends MigratorOptions {
  /** Apply pending migrations (true) or only check that none is pending (false). */
  readonly apply: boolean;
  /** Told which migrations were applied; pino's logger fits. */
  readonly logger?: { info(fields: object, message: string): void };
}

/**
 * Brings the schema up to date before the service opens its stores. Returns the names applied
 * (`[]` when current, when `apply` is false, or when the store is in memory).
 *
 * @throws AllFrameError `configuration` when `apply` is false and migrations are pending (the message
 *   lists them and says how to apply them); whatever `Migrator.up` throws otherwise.
 */
export async function migrateOnStart(opts: MigrateOnStartOptions): Promise<string[]> {
  const migrator = openMigrator(opts);
  if (opts.apply) {
    const applied = await migrator.up();
    if (applied.length > 0) {
      opts.logger?.info(
        { migrations: applied, engine: migrator.engine },
        `applied ${applied.length} migration(s)`,
      );
    }
    return applied;
  }
  const pending = (await migrator.status()).filter((m) => m.state === "pending").map((m) => m.name);
  if (pending.length > 0) {
    throw new AllFrameError(
      "configuration",
      `the ${migrator.engine} database has ${pending.length} pending migration(s): ${pending.join(", ")}; run \`npm run migrate -- up\` before starting, or set MIGRATE_ON_START=true`,
    );
  }
  return [];
}
