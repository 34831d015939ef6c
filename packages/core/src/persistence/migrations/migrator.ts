/**
 * The migration runner: applies and reverts a service's {@link Migration}s on the database
 * `DATABASE_URL` names, recording each in `allframe_migrations` in the same transaction as its change.
 * Ordering, pending/executed and `to` targets come from umzug (Sequelize's storage-agnostic runner);
 * locking, transactions and checksums are AllFrame's.
 * @module
 */
import { Umzug, type UmzugStorage } from "umzug";
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { parseStoreUrl } from "../store-url.ts";
import type { Migration } from "./migration.ts";
import { type MigrationRecord, migrationRecords } from "./migration-records.ts";
import type { MigrationSession } from "./migration-session.ts";
import { openPostgresMigrationSession } from "./postgres-migration-session.ts";
import { openSqliteMigrationSession } from "./sqlite-migration-session.ts";

/** Options for {@link openMigrator}. */
export interface MigratorOptions {
  /** `sqlite:<path>`, `file:<path>`, `postgres://…`; `memory:`, `sqlite::memory:` or unset: nothing to migrate. */
  readonly url: string | undefined;
  /** The migrations, in the order they apply (see `loadMigrations`). Names must be unique. */
  readonly migrations: readonly Migration[];
  /** Whose migrations these are (e.g. the service name), so services sharing a database keep apart; default `"default"`. */
  readonly scope?: string;
  /** Variable named in errors; default `"DATABASE_URL"`. */
  readonly envVar?: string;
  /** Stamps `applied_at`; default the wall clock. */
  readonly clock?: Clock;
}

/** One migration's state; `appliedAt` (ISO-8601 UTC) is set when applied. */
export interface MigrationStatus {
  readonly name: string;
  readonly path?: string;
  readonly state: "applied" | "pending";
  readonly appliedAt?: string;
}

/** Applies, reverts and reports migrations; each call opens its own connection and closes it. */
export interface Migrator {
  /** `"memory"` when there is nothing to migrate (memory store, private in-memory SQLite). */
  readonly engine: "memory" | "sqlite" | "postgres";
  /**
   * Applies the pending migrations in order (up to and including `to`), each in its own transaction
   * with its record. Returns the names applied; `[]` when the schema is current.
   * @throws AllFrameError `configuration` for an edited applied migration or an unknown `to`;
   *   `unavailable` when a migration fails (it is rolled back and not recorded; earlier ones stay).
   */
  up(options?: { readonly to?: string }): Promise<string[]>;
  /**
   * Reverts applied migrations, newest first: the last one, or down to and including `to`
   * (`0`: all). Returns the names reverted.
   * @throws AllFrameError `configuration` for a migration without `down`, as for {@link Migrator.up}.
   */
  down(options?: { readonly to?: string | 0 }): Promise<string[]>;
  /** Every migration with its state, in order. */
  status(): Promise<MigrationStatus[]>;
}

function assertUniqueNames(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const { name } of migrations) {
    if (name === "" || seen.has(name)) {
      throw new AllFrameError(
        "configuration",
        `migration name "${name}" is empty or used twice; give each migration its own name`,
      );
    }
    seen.add(name);
  }
}

function checksumMismatch(migration: Migration, record: MigrationRecord): AllFrameError {
  const where = migration.path ?? `migration ${migration.name}`;
  return new AllFrameError(
    "configuration",
    `${where} was changed after it was applied (on ${record.appliedAt}; checksum ${record.checksum.slice(0, 12)}, now ${migration.checksum.slice(0, 12)}). ` +
      "An applied migration must not change: restore it as it was applied and put the change in a new migration with a higher number.",
  );
}

/** Converts a failure at the runner's boundary: AllFrame errors pass, the rest become `unavailable`. */
function migrationFailure(error: unknown): AllFrameError {
  const info = (error as { migration?: { name: string; path?: string; direction: string } }).migration;
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (isAllFrameError(cause)) return cause;
  if (info === undefined) {
    return new AllFrameError("unavailable", `migrations could not run: ${(cause as Error).message}`, {
      cause,
    });
  }
  return new AllFrameError(
    "unavailable",
    `migration ${info.path ?? info.name} failed (${info.direction}) and was rolled back; nothing was recorded for it: ${(cause as Error).message}`,
    { cause },
  );
}

/** Runs one command on a fresh session, holding the lock, with umzug over the session's records. */
async function withUmzug<T>(
  open: () => Promise<MigrationSession>,
  opts: MigratorOptions,
  command: (umzug: Umzug, records: MigrationRecord[]) => Promise<T>,
): Promise<T> {
  const session = await open();
  const records = migrationRecords(session.db, opts.scope ?? "default");
  const clock = opts.clock ?? systemClock;
  try {
    return await session.locked(async () => {
      await records.ensureTable();
      const applied = await records.list();
      const byName = new Map(applied.map((r) => [r.name, r]));
      for (const migration of opts.migrations) {
        const record = byName.get(migration.name);
        if (record !== undefined && record.checksum !== migration.checksum)
          throw checksumMismatch(migration, record);
      }
      // The record is written in the migration's own transaction (below), so umzug's log/unlog have nothing left to do.
      const storage: UmzugStorage = {
        executed: async () => [...byName.keys()],
        logMigration: async () => {},
        unlogMigration: async () => {},
      };
      const umzug = new Umzug({
        logger: undefined,
        storage,
        migrations: opts.migrations.map((m) => ({
          name: m.name,
          ...(m.path === undefined ? {} : { path: m.path }),
          up: () =>
            session.atomically(async () => {
              await m.up(session.db);
              await records.insert(m.name, m.checksum, clock.now());
            }),
          down: () =>
            session.atomically(async () => {
              if (m.down === undefined) {
                throw new AllFrameError(
                  "configuration",
                  `${m.path ?? `migration ${m.name}`} has no down(db), so it cannot be reverted; write one, or restore the database from a backup`,
                );
              }
              await m.down(session.db);
              await records.remove(m.name);
            }),
        })),
      });
      return await command(umzug, applied);
    });
  } catch (error) {
    throw migrationFailure(error);
  } finally {
    await session.close();
  }
}

/** Reports an unknown `to` in AllFrame's words instead of umzug's. */
function assertKnown(migrations: readonly Migration[], to: string | 0 | undefined): void {
  if (to === undefined || to === 0 || migrations.some((m) => m.name === to)) return;
  throw new AllFrameError(
    "configuration",
    `no migration is named "${to}"; known: ${migrations.map((m) => m.name).join(", ") || "none"}`,
  );
}

/**
 * A runner for `opts.migrations` on the database `opts.url` names. PostgreSQL runners serialise on an
 * advisory lock and SQLite runners on the file's write lock, so concurrent starters apply each
 * migration once; a migration edited after it was applied stops every command until restored.
 *
 * @throws AllFrameError `configuration` for an unsupported URL or duplicate migration names.
 * @example
 * const migrator = openMigrator({ url: process.env.DATABASE_URL, migrations: await loadMigrations(dir) });
 * await migrator.up();
 */
export function openMigrator(opts: MigratorOptions): Migrator {
  assertUniqueNames(opts.migrations);
  const location = parseStoreUrl(opts.url, opts.envVar ?? "DATABASE_URL");
  if (location.engine === "memory" || (location.engine === "sqlite" && location.path === ":memory:")) {
    return {
      engine: "memory",
      up: async () => [],
      down: async () => [],
      status: async () => [],
    };
  }
  const open =
    location.engine === "sqlite"
      ? async () => openSqliteMigrationSession(location.path)
      : () => openPostgresMigrationSession(location.url);
  const names = (metas: ReadonlyArray<{ name: string }>) => metas.map((m) => m.name);
  return {
    engine: location.engine,
    up: async (options = {}) => {
      assertKnown(opts.migrations, options.to);
      return withUmzug(open, opts, async (umzug, applied) => {
        if (applied.some((r) => r.name === options.to)) return [];
        return names(await umzug.up(options.to === undefined ? {} : { to: options.to }));
      });
    },
    down: async (options = {}) => {
      assertKnown(opts.migrations, options.to);
      return withUmzug(open, opts, async (umzug, applied) => {
        if (typeof options.to === "string" && !applied.some((r) => r.name === options.to)) return [];
        return names(await umzug.down(options.to === undefined ? {} : { to: options.to }));
      });
    },
    status: () =>
      withUmzug(open, opts, async (_umzug, applied) => {
        const byName = new Map(applied.map((r) => [r.name, r]));
        return opts.migrations.map((m): MigrationStatus => {
          const record = byName.get(m.name);
          return {
            name: m.name,
            ...(m.path === undefined ? {} : { path: m.path }),
            state: record === undefined ? "pending" : "applied",
            ...(record === undefined ? {} : { appliedAt: record.appliedAt }),
          };
        });
      }),
  };
}
