/**
 * The port for saga state (DESIGN.md's "event store, outbox, saga state" row: memory, SQLite file,
 * PostgreSQL). Implementations run `saga-state-store.contract.ts`.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { SagaInstance, SagaStatus } from "./saga-instance.ts";

/** Filters of `SagaStateStore.list`. */
export interface SagaListOptions {
  readonly saga?: string;
  readonly status?: SagaStatus;
}

/**
 * Saves and loads saga instances by id, with optimistic concurrency on `instance.revision`.
 *
 * - `save(instance)` writes it only when the stored revision is `instance.revision - 1` (a new
 *   instance has revision 1), atomically; otherwise it throws AllFrameError `"concurrency"` with
 *   `details: { id, expected, actual }` (revisions; `actual` 0 when absent) and writes nothing. So two
 *   orchestrators that read the same revision cannot both advance the instance.
 * - Implementations store and return copies (JSON round-trip), so a caller's later changes never leak in.
 * - `list` orders by `startedAt`, then `id`, comparing code points.
 * - `close` releases connections the store opened (not ones it was given).
 */
export interface SagaStateStore {
  save(instance: SagaInstance): Promise<void>;
  load(id: string): Promise<SagaInstance | undefined>;
  list(opts?: SagaListOptions): Promise<SagaInstance[]>;
  close(): Promise<void>;
}

/** The table every durable store uses unless told otherwise; next to the event store's tables. */
export const DEFAULT_SAGA_TABLE = "allframe_saga_instances";

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a table name before it is spliced into SQL.
 * @throws AllFrameError `"configuration"` unless it matches `^[a-z_][a-z0-9_]{0,62}$`.
 */
export function assertSagaTableName(table: string): void {
  if (!TABLE_NAME.test(table))
    throw new AllFrameError(
      "configuration",
      `saga table name "${table}" is invalid: use lower-case letters, digits and _ (at most 63)`,
    );
}

/**
 * Checks a revision before a save.
 * @throws AllFrameError `"validation"` unless it is an integer ≥ 1.
 */
export function assertRevision(instance: SagaInstance): void {
  if (!Number.isInteger(instance.revision) || instance.revision < 1)
    throw new AllFrameError(
      "validation",
      `saga instance "${instance.id}": revision must be an integer >= 1, got ${String(instance.revision)}`,
    );
}

/** The error a stale save throws (see `SagaStateStore`). */
export function staleRevisionError(instance: SagaInstance, actual: number): AllFrameError {
  const expected = instance.revision - 1;
  return new AllFrameError(
    "concurrency",
    `saga instance "${instance.id}" is at revision ${actual}, not ${expected}: another orchestrator advanced it`,
    { details: { id: instance.id, expected, actual } },
  );
}
