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

/** The version of a stream held as `stream` (-1 for none). */
function versionOf(stream: readonly RecordedEvent[] | undefined): number {
  return stream === undefined ? NO_STREAM_VERSION : stream.length - 1;
}

/** Writes staged by `saveCheckpoint(..., tx)`, applied when the append commits. */
const staged = new WeakMap<BackendTransaction, (() => void)[]>();

/**
 * Keeps the log as one array (index = position - 1) plus an index per stream and per event id (the
 * latter built lazily, when an append brings ids of its own; see `AppendOptions.newIds`).
 *
 * Event data is copied on append as a JSON round trip would copy it (`frozenJsonCopy`, without the
 * text in between), as it would go through a SQL backend, so a `Date` comes back as a string here
 * exactly as it will from SQLite or PostgreSQL; stored events are deeply frozen and handed out as is.
 * An append without `inTransaction` runs synchronously between awaits (`appendNow` runs it without
 * any await), so it is atomic; one with
 * `inTransaction` makes later appends and checkpoint saves wait until it commits, and its events are
 * invisible to readers until then.
 *
 * @throws see `EventStoreBackend`.
 */
export class InMemoryEventStoreBackend implements EventStoreBackend {
  readonly kind = "memory";
  readonly #log: RecordedEvent[] = [];
  readonly #streams = new Map<string, RecordedEvent[]>();
  /** Event by id, for the events `#log[0 .. #indexed)`; see `#indexIds`. */
  readonly #byId = new Map<string, RecordedEvent>();
  #indexed = 0;
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
    const callback = options.inTransaction;
    if (callback === undefined) return this.#appendNow(streamId, drafts, expected, options.newIds === true);
    const stream = this.#streams.get(streamId);
    const recorded = this.#record(streamId, stream, drafts);
    const stored = this.#storedRetry(streamId, drafts, options.newIds === true);
    if (stored !== undefined) return stored;
    assertExpectedVersion(streamId, expected, versionOf(stream));
    if (recorded.length === 0) return recorded;
    await this.#runInTransaction(callback, recorded, () => this.#commit(streamId, stream, recorded));
    return recorded;
  }

  /**
   * See `EventStoreBackend.appendNow`: the whole append runs synchronously here, unless a transaction
   * is open, or `append` was overridden or replaced (a subclass or wrapper that must see every append
   * keeps seeing them: the store then calls `append`).
   */
  appendNow(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options: Pick<AppendOptions, "newIds"> = {},
  ): RecordedEvent[] | undefined {
    if (this.#writeTurn !== undefined || this.append !== InMemoryEventStoreBackend.prototype.append)
      return undefined;
    return this.#appendNow(streamId, drafts, expected, options.newIds === true);
  }

  #appendNow(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    newIds: boolean,
  ): RecordedEvent[] {
    const stream = this.#streams.get(streamId);
    const recorded = this.#record(streamId, stream, drafts);
    const stored = this.#storedRetry(streamId, drafts, newIds);
    if (stored !== undefined) return stored;
    assertExpectedVersion(streamId, expected, versionOf(stream));
    if (recorded.length > 0) this.#commit(streamId, stream, recorded);
    return recorded;
  }

  /**
   * Checks the drafts and makes their events at the end of `stream` and of the log. Copied (and
   * checked) before the version check, so a batch JSON cannot encode fails as "validation" whatever
   * the stream's state, as on the SQL backends.
   */
  #record(
    streamId: string,
    stream: RecordedEvent[] | undefined,
    drafts: readonly RecordedEventDraft[],
  ): RecordedEvent[] {
    this.#assertOpen();
    checkDrafts(drafts);
    const version = versionOf(stream);
    const position = this.#log.length + 1;
    // Events of one stream share its first event's id string: callers often build the id afresh per
    // call (`order-${n}`), and a copy per event would stay in memory as long as the event.
    const id = stream === undefined ? streamId : (stream[0] as RecordedEvent).streamId;
    const recorded = new Array<RecordedEvent>(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      recorded[i] = recordedEvent(id, version + 1 + i, position + i, drafts[i] as RecordedEventDraft);
    }
    return recorded;
  }

  /**
   * The stored events when `drafts` is an exact retry, `undefined` when none of their ids is stored.
   * Ids the store has just made (`newIds`) cannot be stored, so they are not looked up at all.
   * @throws AllFrameError `"conflict"` for a partial match (see `matchRetry`).
   */
  #storedRetry(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    newIds: boolean,
  ): RecordedEvent[] | undefined {
    if (newIds || drafts.length === 0) return undefined;
    this.#indexIds();
    let stored: RecordedEvent[] | undefined;
    for (const d of drafts) {
      const event = this.#byId.get(d.id);
      if (event === undefined) continue;
      stored ??= [];
      stored.push(event);
    }
    return stored === undefined ? undefined : (matchRetry(streamId, drafts, stored) ?? []);
  }

  /**
   * Brings the id index up to the end of the log. It is built when an append first brings ids of its
   * caller's own: a lookup in a map of millions of ids misses the CPU caches and cost an append of a
   * store-made id (which needs none) more than everything else together.
   */
  #indexIds(): void {
    const log = this.#log;
    for (let i = this.#indexed; i < log.length; i++) {
      const event = log[i] as RecordedEvent;
      this.#byId.set(event.id, event);
    }
    this.#indexed = log.length;
  }

  /** Makes an append visible; nothing here can throw, so the append is all-or-nothing. */
  #commit(streamId: string, stream: RecordedEvent[] | undefined, recorded: readonly RecordedEvent[]): void {
    if (stream === undefined) this.#streams.set(streamId, recorded.slice());
    else for (const event of recorded) stream.push(event);
    for (const event of recorded) this.#log.push(event);
  }

  readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    // Not `async`: the answer is ready at once, so one resolved promise is all a read costs.
    if (this.#closed) return Promise.reject(closedBackendError("memory"));
    return Promise.resolve((this.#streams.get(streamId) ?? []).slice(Math.max(0, fromVersion)));
  }

  readAll(fromPosition = 1, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
    if (this.#closed) return Promise.reject(closedBackendError("memory"));
    const start = Math.max(0, fromPosition - 1);
    const end = limit === Number.POSITIVE_INFINITY ? undefined : start + Math.max(0, limit);
    return Promise.resolve(this.#log.slice(start, end));
  }

  async streamVersion(streamId: string): Promise<number> {
    this.#assertOpen();
    return versionOf(this.#streams.get(streamId));
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
