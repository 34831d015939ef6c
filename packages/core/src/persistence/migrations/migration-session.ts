/**
 * A migration session: one connection to the service's database on which the runner takes the
 * migration lock, reads and writes `allframe_migrations`, and runs each migration in a transaction.
 * SQLite and PostgreSQL differ only here.
 * @module
 */
import type { MigrationDatabase } from "./migration.ts";

/** One connection, held for one runner command (`up`, `down`, `status`). */
export interface MigrationSession {
  /** The connection as migrations see it. */
  readonly db: MigrationDatabase;
  /**
   * Runs `fn` holding the migration lock, so two instances starting together never apply the same
   * migration twice: PostgreSQL takes a session advisory lock; SQLite holds its write lock
   * (`BEGIN IMMEDIATE`), committing what `fn` applied even when `fn` fails later.
   */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` atomically inside the lock (a transaction, or a savepoint on SQLite); a throw undoes all of it. */
  atomically<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
