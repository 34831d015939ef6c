/**
 * PostgreSQL appends without an `inTransaction` callback, with group commit: appends that arrive
 * while others are in flight go to the server together, as one `allframe_append_batch` call in one
 * transaction, so concurrent writers share round trips, transactions and WAL flushes instead of
 * queueing for them (the idea of PostgreSQL's own `commit_delay`, and of EventStoreDB's batched
 * writes, without the delay). A lone append goes at once as `allframe_append`.
 * @module
 */
import type pg from "pg";
import { AllFrameError } from "../errors/allframe-error.ts";
import { ConcurrencyError } from "./concurrency-error.ts";
import { encodeDrafts } from "./draft-encoding.ts";
import type { ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import { type EventRow, eventFromRow, POSTGRES_EVENT_COLUMNS } from "./event-row.ts";
import { matchRetry } from "./event-store-backend.ts";
import {
  type AppendRow,
  appendBatchStatement,
  appendOutcome,
  appendStatement,
  type BatchedAppend,
  type BatchRow,
  isoTimestamps,
} from "./postgres-append.ts";
import { pgFailure } from "./postgres-failure.ts";

/** Runs one statement through the pool; rejects with an AllFrameError (`pgFailure`), cause attached. */
export type PostgresQuery = <R extends pg.QueryResultRow>(
  sql: string | pg.QueryConfig,
  params?: readonly unknown[],
) => Promise<R[]>;

/** A batch holds at most this many appends, and this many events unless one append alone has more. */
const MAX_APPENDS = 64;
const MAX_EVENTS = 2000;
const COLUMNS = POSTGRES_EVENT_COLUMNS;
const UNDEFINED_FUNCTION = "42883";

interface Pending extends BatchedAppend {
  readonly drafts: readonly RecordedEventDraft[];
  readonly resolve: (events: RecordedEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends appends with at most `maxInFlight` statements at a time; the rest wait and leave together,
 * at most one append per stream in a batch (a second append to a stream waits for the next batch,
 * so each sees the other's version as it would one after the other).
 *
 * Every answer is the one `allframe_append` would give the append alone. A batch that fails (a
 * unique violation between its own appends, a lost connection) is retried one append at a time:
 * nothing of it committed, or, after a lost reply, the stored events are found by their ids.
 */
export class PostgresAppender {
  readonly #query: PostgresQuery;
  readonly #streamVersion: (streamId: string) => Promise<number>;
  readonly #maxInFlight: number;
  #queue: Pending[] = [];
  #inFlight = 0;
  /** False once the server lacks `allframe_append_batch` (a database `migrate()` has not updated). */
  #batching = true;

  constructor(
    query: PostgresQuery,
    streamVersion: (streamId: string) => Promise<number>,
    maxInFlight: number,
  ) {
    this.#query = query;
    this.#streamVersion = streamVersion;
    this.#maxInFlight = Math.max(1, maxInFlight);
  }

  /**
   * Appends as `EventStoreBackend.append` does without `inTransaction`.
   * @throws see `EventStoreBackend.append`.
   */
  append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
  ): Promise<RecordedEvent[]> {
    const encoded = encodeDrafts(drafts);
    const recordedAt = isoTimestamps(encoded);
    appendStatement(streamId, expected, encoded, recordedAt); // checks `expected` before queueing
    return new Promise((resolve, reject) => {
      this.#queue.push({ streamId, expected, encoded, recordedAt, drafts, resolve, reject });
      this.#pump();
    });
  }

  /**
   * The stored events when `drafts` is an exact retry of a stored batch.
   * @throws AllFrameError `"conflict"` for a partial or different match (see `matchRetry`).
   */
  async storedRetry(streamId: string, drafts: readonly RecordedEventDraft[]): Promise<RecordedEvent[]> {
    const stored = await this.#query<EventRow>(
      `SELECT ${COLUMNS} FROM allframe_events WHERE event_id = ANY($1::text[])`,
      [drafts.map((d) => d.id)],
    );
    const replay = matchRetry(streamId, drafts, stored.map(eventFromRow));
    if (replay) return replay;
    throw new AllFrameError(
      "unavailable",
      `stream "${streamId}": the stored events changed while appending; retry`,
    );
  }

  /**
   * Turns a lost race on a unique constraint into the port's answer: the winner's events (same
   * batch), a conflict (same ids elsewhere), or a ConcurrencyError. Rethrows anything else.
   */
  async afterUniqueViolation(
    error: unknown,
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
  ): Promise<RecordedEvent[]> {
    const constraint = (error as { constraint?: unknown }).constraint;
    const cause = (error as { cause?: { constraint?: unknown } }).cause?.constraint;
    const which = constraint ?? cause;
    if (which === "allframe_events_event_id_key") return this.storedRetry(streamId, drafts);
    if (which === "allframe_events_stream_version_key") {
      throw new ConcurrencyError(streamId, expected, await this.#streamVersion(streamId));
    }
    throw pgFailure(error);
  }

  #pump(): void {
    while ((this.#inFlight < this.#maxInFlight || !this.#batching) && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  #takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const pending of this.#queue) {
      const fits =
        batch.length === 0 ||
        (this.#batching && batch.length < MAX_APPENDS && events + pending.encoded.length <= MAX_EVENTS);
      if (fits && !streams.has(pending.streamId)) {
        batch.push(pending);
        streams.add(pending.streamId);
        events += pending.encoded.length;
      } else rest.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #send(batch: readonly Pending[]): Promise<void> {
    const only = batch[0];
    if (batch.length === 1 && only !== undefined) return settle(only, this.#appendAlone(only));
    let rows: BatchRow[];
    try {
      rows = await this.#query<BatchRow>(appendBatchStatement(batch));
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (code === UNDEFINED_FUNCTION) this.#batching = false;
      for (const pending of batch) await settle(pending, this.#appendAlone(pending));
      return;
    }
    const answers = batch.map((): AppendRow[] => []);
    for (const row of rows) answers[row.append_index - 1]?.push(row);
    await Promise.all(batch.map((pending, i) => settle(pending, this.#answer(pending, answers[i] ?? []))));
  }

  /** One statement, one round trip, its own transaction. On an error pool.query drops the connection. */
  async #appendAlone(p: Pending): Promise<RecordedEvent[]> {
    try {
      return await this.#answer(
        p,
        await this.#query<AppendRow>(appendStatement(p.streamId, p.expected, p.encoded, p.recordedAt)),
      );
    } catch (error) {
      return await this.afterUniqueViolation(error, p.streamId, p.drafts, p.expected);
    }
  }

  async #answer(p: Pending, rows: readonly AppendRow[]): Promise<RecordedEvent[]> {
    const result = appendOutcome(rows, p.streamId, p.expected, p.encoded, p.recordedAt);
    return result === "stored" ? await this.storedRetry(p.streamId, p.drafts) : result;
  }
}

async function settle(pending: Pending, answer: Promise<RecordedEvent[]>): Promise<void> {
  try {
    pending.resolve(await answer);
  } catch (error) {
    pending.reject(error);
  }
}
