/**
 * The outbox's own dead-letter table, exposed as the consumer runtime's {@link DeadLetterQueue} port,
 * so the DLQ CLI and API list and redrive outbox poison messages like any other dead letters.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { DeadLetter, DeadLetterQueue } from "../consumer/dead-letter-queue.ts";
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
 * `remove` is how an operator takes an entry out to redrive it.
 */
export class SqlDeadLetterQueue implements DeadLetterQueue {
  readonly #run: RunSql;
  readonly #isUniqueViolation: (error: unknown) => boolean;

  constructor(run: RunSql, isUniqueViolation: (error: unknown) => boolean) {
    this.#run = run;
    this.#isUniqueViolation = isUniqueViolation;
  }

  async add(entry: DeadLetter): Promise<void> {
    try {
      await this.#run(INSERT_DEAD_LETTER, deadLetterParams(entry));
    } catch (error) {
      if (this.#isUniqueViolation(error))
        throw new AllFrameError("conflict", `dead letter ${entry.id} already exists`, { cause: error });
      throw error;
    }
  }

  async list(): Promise<DeadLetter[]> {
    const rows = await this.#run(`SELECT * FROM ${OUTBOX_TABLES.dead} ORDER BY seq`, []);
    return rows.map(fromRow);
  }

  async remove(id: string): Promise<DeadLetter | undefined> {
    const rows = await this.#run(`DELETE FROM ${OUTBOX_TABLES.dead} WHERE id = $1 RETURNING *`, [id]);
    const row = rows[0];
    return row === undefined ? undefined : fromRow(row);
  }

  async size(): Promise<number> {
    const rows = await this.#run(`SELECT COUNT(*) AS n FROM ${OUTBOX_TABLES.dead}`, []);
    return Number(rows[0]?.n ?? 0);
  }
}
