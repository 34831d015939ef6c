/**
 * The embedded event store backend: every stream in process memory. Used by unit tests; lost on
 * restart (use the SQLite backend for a durable embedded store).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { checkDrafts, recordedEvent } from "./draft-encoding.ts";
import {
  type ExpectedVersion,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";
import { deepFreeze } from "./event-row.ts";
import {
  type AppendOptions,
  assertCheckpoint,
  assertExpectedVersion,
  type BackendTransaction,
  closedBackendError,
  type EventStoreBackend,
  type EventStoreStats,
  encodeSnapshotState,
  matchRetry,
  type Snapshot,
} from "./event-store-backend.ts";

/** Writes staged by `saveCheckpoint(..., tx)`, applied when the append commits. */
const staged = new WeakMap<BackendTransaction, (() => void)[]>();

/**
 * Keeps the log as one array (index = position - 1) plus an index per stream and per event id.
 *
 * Event data is copied on append as a JSON round trip would copy it (`frozenJsonCopy`, without the
 * text in between), as it would go through a SQL backend, so a `Date` comes back as a string here
 * exactly as it will from SQLite or PostgreSQL; stored events are deeply frozen and handed out as is.
 * An append without `inTransaction` runs synchronously between awaits, so it is atomic; one with
 * `inTransaction` makes later appends and checkpoint saves wait until it commits, and its events are
 * invisible to readers until then.
 *
 * @throws see `EventStoreBackend`.
 */
export class InMemoryEventStoreBackend implements EventStoreBackend {
  readonly kind = "memory";
  readonly #log: RecordedEvent[] = [];
  readonly #streams = new Map<string, RecordedEvent[]>();
  readonly #byId = new Map<string, RecordedEvent>();
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #checkpoints = new Map<string, number>();
  /** Settles when the append holding the write turn (one with `inTransaction`) is done. */
  #writeTurn: Promise<void> | undefined;
  #closed = false;

  async append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options: AppendOptions = {},
  ): Promise<RecordedEvent[]> {
    while (this.#writeTurn !== undefined) await this.#writeTurn;
    this.#assertOpen();
    checkDrafts(drafts);
    const stream = this.#streams.get(streamId);
    const version = stream === undefined ? NO_STREAM_VERSION : stream.length - 1;
    // Copied (and checked) before the version check, so a batch JSON cannot encode fails as
    // "validation" whatever the stream's state, as on the SQL backends.
    const recorded = new Array<RecordedEvent>(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      const draft = drafts[i] as RecordedEventDraft;
      recorded[i] = recordedEvent(streamId, version + 1 + i, this.#log.length + 1 + i, draft);
    }
    let stored: RecordedEvent[] | undefined;
    for (const d of drafts) {
      const event = this.#byId.get(d.id);
      if (event === undefined) continue;
      stored ??= [];
      stored.push(event);
    }
    if (stored !== undefined) return matchRetry(streamId, drafts, stored) ?? [];
    assertExpectedVersion(streamId, expected, version);
    if (recorded.length === 0) return recorded;
    if (options.inTransaction === undefined) this.#commit(streamId, stream, recorded);
    else {
      const commit = (): void => this.#commit(streamId, stream, recorded);
      await this.#runInTransaction(options.inTransaction, recorded, commit);
    }
    return recorded;
  }

  /** Makes an append visible; nothing here can throw, so the append is all-or-nothing. */
  #commit(streamId: string, stream: RecordedEvent[] | undefined, recorded: readonly RecordedEvent[]): void {
    if (stream === undefined) this.#streams.set(streamId, recorded.slice());
    else for (const event of recorded) stream.push(event);
    for (const event of recorded) {
      this.#log.push(event);
      this.#byId.set(event.id, event);
    }
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    this.#assertOpen();
    return (this.#streams.get(streamId) ?? []).slice(Math.max(0, fromVersion));
  }

  async readAll(fromPosition = 1, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const start = Math.max(0, fromPosition - 1);
    return this.#log.slice(
      start,
      limit === Number.POSITIVE_INFINITY ? undefined : start + Math.max(0, limit),
    );
  }

  async streamVersion(streamId: string): Promise<number> {
    this.#assertOpen();
    return (this.#streams.get(streamId)?.length ?? 0) + NO_STREAM_VERSION;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.#assertOpen();
    const state = JSON.parse(encodeSnapshotState(snapshot)) as unknown;
    const stored = this.#snapshots.get(snapshot.streamId);
    if (stored !== undefined && stored.version > snapshot.version) return;
    this.#snapshots.set(
      snapshot.streamId,
      deepFreeze({
        streamId: snapshot.streamId,
        version: snapshot.version,
        state,
        schemaVersion: snapshot.schemaVersion,
        takenAt: snapshot.takenAt,
      }),
    );
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    this.#assertOpen();
    return this.#snapshots.get(streamId);
  }

  async loadCheckpoint(name: string): Promise<number> {
    this.#assertOpen();
    return this.#checkpoints.get(name) ?? 0;
  }

  async saveCheckpoint(name: string, position: number, tx?: BackendTransaction): Promise<void> {
    this.#assertOpen();
    assertCheckpoint(name, position);
    if (tx === undefined) {
      while (this.#writeTurn !== undefined) await this.#writeTurn;
      this.#checkpoints.set(name, position);
      return;
    }
    const writes = staged.get(tx);
    if (writes === undefined) {
      throw new AllFrameError(
        "validation",
        "saveCheckpoint: tx is not an open transaction of this memory backend",
      );
    }
    writes.push(() => this.#checkpoints.set(name, position));
  }

  async flush(): Promise<void> {
    this.#assertOpen();
  }

  async stats(): Promise<EventStoreStats> {
    this.#assertOpen();
    return { streams: this.#streams.size, events: this.#log.length, lastPosition: this.#log.length };
  }

  async close(): Promise<void> {
    while (this.#writeTurn !== undefined) await this.#writeTurn;
    this.#closed = true;
  }

  /**
   * Runs the callback holding the write turn; if it succeeds, commits the events and its staged
   * writes before handing the turn on, so the next append sees them.
   */
  async #runInTransaction(
    callback: NonNullable<AppendOptions["inTransaction"]>,
    recorded: readonly RecordedEvent[],
    commit: () => void,
  ): Promise<void> {
    const tx: BackendTransaction = Object.freeze({ kind: "memory" });
    const writes: (() => void)[] = [];
    staged.set(tx, writes);
    let release = (): void => {};
    this.#writeTurn = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await callback(tx, recorded);
      commit();
      for (const write of writes) write();
    } finally {
      staged.delete(tx);
      this.#writeTurn = undefined;
      release();
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw closedBackendError("memory");
  }
}
