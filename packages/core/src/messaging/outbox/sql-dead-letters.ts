/**
 * The outbox's own dead-letter table, exposed as the consumer runtime's {@link DeadLetterQueue} port,
 * so the DLQ CLI and API list and redrive outbox poison messages like any other dead letters.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  assertDeadLetterConsumer,
  type DeadLetter,
  type DeadLetterQueue,
} from "../consumer/dead-letter-queue.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import { OUTBOX_TABLES } from "./outbox-store.ts";

/** Runs one statement written with `$1` placeholders; resolves with its rows. */
export type RunSql = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** The insert of one dead letter, `$1..$8` = id, message id, envelope, error name, error message,
 * attempts, consumer, time. */
export const INSERT_DEAD_LETTER = `INSERT INTO ${OUTBOX_TABLES.dead}
  (id, message_id, envelope, error_name, error_message, attempts, consumer, dead_lettered_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/** The `INSERT_DEAD_LETTER` parameters of `entry`. */
export function deadLetterParams(entry: DeadLetter): unknown[] {
  return [
    entry.id,
    entry.event.id,
    JSON.stringify(entry.event),
    entry.error.name,
    entry.error.message,
    entry.attempts,
    entry.consumer,
    entry.deadLetteredAt,
  ];
}

function fromRow(row: Record<string, unknown>): DeadLetter {
  const envelope = row.envelope;
  return {
    id: String(row.id),
    event: (typeof envelope === "string" ? JSON.parse(envelope) : envelope) as EventEnvelope,
    error: { name: String(row.error_name), message: String(row.error_message) },
    attempts: Number(row.attempts),
    consumer: String(row.consumer),
    deadLetteredAt: String(row.dead_lettered_at),
  };
}

/**
 * A {@link DeadLetterQueue} over `allframe_outbox_dead` (one row per entry, oldest first by `seq`).
 * `remove` is how an operator takes an entry out to redrive it. Unscoped it sees every entry of the
 * database (the outbox relay's and every consumer's); {@link SqlDeadLetterQueue.forConsumer} gives the
 * view of one consumer, for services that share a database.
 */
export class SqlDeadLetterQueue implements DeadLetterQueue {
  /** The consumer this view is limited to, or undefined for every entry. */
  readonly consumer: string | undefined;
  readonly #run: RunSql;
  readonly #isUniqueViolation: (error: unknown) => boolean;

  /**
   * @param run runs one statement written with `$1` placeholders.
   * @param isUniqueViolation tells the engine's unique-key failure (a duplicate id).
   * @param consumer limits the view to entries whose `consumer` is this name.
   */
  constructor(run: RunSql, isUniqueViolation: (error: unknown) => boolean, consumer?: string) {
    this.#run = run;
    this.#isUniqueViolation = isUniqueViolation;
    this.consumer = consumer;
  }

  /** The same table, limited to the entries `consumer` parked (and refusing anyone else's). */
  forConsumer(consumer: string): SqlDeadLetterQueue {
    return new SqlDeadLetterQueue(this.#run, this.#isUniqueViolation, consumer);
  }

  /**
   * @throws AllFrameError `conflict` for an id in use (by any consumer); `validation` when this view is
   *   limited to a consumer and `entry.consumer` is another one.
   */
  async add(entry: DeadLetter): Promise<void> {
    assertDeadLetterConsumer(entry, this.consumer);
    try {
      await this.#run(INSERT_DEAD_LETTER, deadLetterParams(entry));
    } catch (error) {
      if (this.#isUniqueViolation(error))
        throw new AllFrameError("conflict", `dead letter ${entry.id} already exists`, { cause: error });
      throw error;
    }
  }

  /** `WHERE` for this view, its parameters placed after `first` others. */
  #scope(first: number): { sql: string; params: unknown[] } {
    return this.consumer === undefined
      ? { sql: "TRUE", params: [] }
      : { sql: `consumer = $${first + 1}`, params: [this.consumer] };
  }

  async list(): Promise<DeadLetter[]> {
    const scope = this.#scope(0);
    const rows = await this.#run(
      `SELECT * FROM ${OUTBOX_TABLES.dead} WHERE ${scope.sql} ORDER BY seq`,
      scope.params,
    );
    return rows.map(fromRow);
  }

  async remove(id: string): Promise<DeadLetter | undefined> {
    const scope = this.#scope(1);
    const rows = await this.#run(
      `DELETE FROM ${OUTBOX_TABLES.dead} WHERE id = $1 AND ${scope.sql} RETURNING *`,
      [id, ...scope.params],
    );
    const row = rows[0];
    return row === undefined ? undefined : fromRow(row);
  }

  async size(): Promise<number> {
    const scope = this.#scope(0);
    const rows = await this.#run(
      `SELECT COUNT(*) AS n FROM ${OUTBOX_TABLES.dead} WHERE ${scope.sql}`,
      scope.params,
    );
    return Number(rows[0]?.n ?? 0);
  }
}
