/**
 * The event store facade services use: validates and stamps new events, delegates storage to an
 * `EventStoreBackend`, upcasts on read, runs inline handlers inside the append's transaction, and
 * feeds catch-up subscriptions. Seed 001, "CQRS Infrastructure" phases 1 and 4; seed 003, the
 * `EventStore` over `EventStoreBackend`; API after EventStoreDB and Emmett.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import { AppendGate } from "./append-gate.ts";
import {
  type CatchUpOptions,
  CatchUpSubscription,
  type EventStoreSubscription,
  realSleep,
  type Sleep,
} from "./catch-up-subscription.ts";
import type { EventShape, ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import { type DraftContext, draftEvents, hasOwnIds, IsoNow, storeIds } from "./event-drafts.ts";
import type {
  AppendOptions,
  BackendTransaction,
  EventStoreBackend,
  Snapshot,
} from "./event-store-backend.ts";
import type {
  AppendEventsOptions,
  AppendResult,
  EventStoreOptions,
  EventStoreRuntimeStats,
  SnapshotInput,
} from "./event-store-options.ts";
import type { InlineHandler, Logger, NewEventOf, RecordedEventOf } from "./event-types.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { InlineHandlers } from "./inline-handlers.ts";
import { type EventSubscriber, LiveSubscribers } from "./live-subscribers.ts";
import { UpcasterRegistry } from "./upcasting/upcaster-registry.ts";

export type {
  AppendEventsOptions,
  AppendResult,
  EventStoreOptions,
  EventStoreRuntimeStats,
  SnapshotInput,
} from "./event-store-options.ts";
export type { InlineHandler, InlineTransaction } from "./event-types.ts";

export type { EventSubscriber } from "./live-subscribers.ts";

/** The two `AppendOptions` of appends without `inTransaction`, made once. */
const NEW_IDS: AppendOptions = Object.freeze({ newIds: true });
const OWN_IDS: AppendOptions = Object.freeze({});

/**
 * Appends and reads event streams (`E`: the union of event types this store holds); see `event.ts` for
 * version and position numbering.
 *
 * Delivery. Inline handlers (`addInlineHandler`, used by `ProjectionRegistry`) run inside the backend
 * transaction of each append with new events: if one throws, the append rolls back and rejects. After
 * commit, the store wakes its catch-up subscriptions (`subscribe(options, handler)`), which also poll
 * the log for other processes' appends, and calls its live subscribers (`subscribe(handler)`). An
 * idempotent retry (same event ids) is neither re-run inline nor redelivered.
 *
 * @example
 * const store = new EventStore<InventoryEvent>({});
 * const { nextExpectedVersion } = await store.append("sku-1",
 *   [{ type: "StockReceived", data: { sku: "sku-1", quantity: 5 } }],
 *   { expectedVersion: "no-stream", correlationId: "req-7" });
 */
export class EventStore<E extends EventShape = EventShape> {
  readonly #backend: EventStoreBackend;
  readonly #clock: Clock;
  readonly #drafting: DraftContext;
  readonly #logger: Logger | undefined;
  readonly #upcasters: UpcasterRegistry;
  readonly #pollIntervalMs: number;
  readonly #sleep: Sleep;
  readonly #inline: InlineHandlers;
  readonly #live: LiveSubscribers;
  readonly #subscriptions = new Set<CatchUpSubscription>();
  readonly #gate = new AppendGate();
  #closed = false;

  constructor(opts: EventStoreOptions = {}) {
    this.#backend = opts.backend ?? new InMemoryEventStoreBackend();
    this.#clock = opts.clock ?? systemClock;
    this.#logger = opts.logger;
    this.#live = new LiveSubscribers(opts.logger);
    this.#inline = new InlineHandlers(opts.logger);
    const upcasters = opts.upcasters ?? [];
    this.#upcasters = upcasters instanceof UpcasterRegistry ? upcasters : new UpcasterRegistry(upcasters);
    this.#pollIntervalMs = opts.pollIntervalMs ?? 500;
    this.#sleep = opts.sleep ?? realSleep;
    const now = new IsoNow(this.#clock);
    this.#drafting = {
      recordedAt: () => now.now(),
      ids: opts.ids ?? storeIds(now),
      schemaVersionOf: (type) => this.#upcasters.currentVersion(type),
    };
  }

  /** The upcasters this store applies on read. */
  get upcasters(): UpcasterRegistry {
    return this.#upcasters;
  }

  /** The backend's kind: `"memory"`, `"sqlite"` or `"postgres"`. */
  get backendKind(): EventStoreBackend["kind"] {
    return this.#backend.kind;
  }

  /**
   * Appends `events` to `streamId` if its version meets `expectedVersion` (default `"any"`), stamping
   * `correlationId`, `causationId` and `tenantId` into each event's metadata (an event's own metadata
   * wins) and the current schema version of each type.
   * @throws ConcurrencyError on a version mismatch; AllFrameError `"validation"` for an empty stream id
   *   or event type, or non-string metadata; `"conflict"` for reused event ids (see the backend);
   *   `"unsupported"` when called from inside an inline handler, where it would wait for itself;
   *   `"unavailable"` after `close()`; whatever an inline handler throws (nothing is then stored).
   */
  append(
    streamId: string,
    events: readonly NewEventOf<E>[],
    opts: AppendEventsOptions = {},
  ): Promise<AppendResult<E>> {
    // Not `async`: an append the backend completes synchronously (memory) resolves without an await.
    let entered = false;
    try {
      if (this.#inline.active) {
        throw new AllFrameError(
          "unsupported",
          "an inline handler cannot append: the append would wait for itself",
        );
      }
      this.#assertOpen();
      const drafts = draftEvents(this.#drafting, streamId, events, opts);
      const expected = opts.expectedVersion ?? "any";
      const newIds = !hasOwnIds(events);
      const entering = this.#gate.enter();
      if (entering !== undefined) return this.#appendAsync(entering, streamId, drafts, expected, newIds);
      entered = true;
      // The synchronous path needs no inline handler, no live subscriber (which must tell a retry
      // from new events) and a backend that can append now; else the full path below.
      if (this.#inline.size === 0 && this.#live.size === 0 && drafts.length > 0) {
        const recorded = this.#backend.appendNow?.(streamId, drafts, expected, newIds ? NEW_IDS : OWN_IDS);
        if (recorded !== undefined) {
          entered = false;
          this.#gate.leave();
          this.#afterCommit(recorded);
          const last = recorded[recorded.length - 1] as RecordedEvent;
          return Promise.resolve({ nextExpectedVersion: last.version, events: this.#upAll(recorded) });
        }
      }
      entered = false;
      return this.#appendAsync(undefined, streamId, drafts, expected, newIds);
    } catch (error) {
      if (entered) this.#gate.leave();
      return Promise.reject(error);
    }
  }

  /** The append through the backend's `append`, having entered the gate (or waiting on `entering`). */
  async #appendAsync(
    entering: Promise<void> | undefined,
    streamId: string,
    drafts: RecordedEventDraft[],
    expected: ExpectedVersion,
    newIds: boolean,
  ): Promise<AppendResult<E>> {
    if (entering !== undefined) await entering;
    let recorded: RecordedEvent[];
    let fresh: boolean;
    try {
      // The callback costs the memory backend its synchronous path, so it is passed only when
      // something needs it: inline handlers, or live subscribers (to tell a retry from new events).
      if (this.#inline.size === 0 && this.#live.size === 0) {
        recorded = await this.#backend.append(streamId, drafts, expected, newIds ? NEW_IDS : OWN_IDS);
        fresh = recorded.length > 0;
      } else {
        const up = (e: RecordedEvent): RecordedEvent => this.#up(e);
        [recorded, fresh] = await this.#inline.append(this.#backend, streamId, drafts, expected, up, newIds);
      }
    } finally {
      this.#gate.leave();
    }
    if (fresh) this.#afterCommit(recorded);
    const last = recorded[recorded.length - 1];
    const nextExpectedVersion = last ? last.version : await this.#backend.streamVersion(streamId);
    return { nextExpectedVersion, events: this.#upAll(recorded) };
  }

  /** The stream's events from `fromVersion` (default 0) on, upcast, in order; `[]` for no stream. */
  readStream(streamId: string, opts: { readonly fromVersion?: number } = {}): Promise<RecordedEventOf<E>[]> {
    return this.#upRead(() => this.#backend.readStream(streamId, opts.fromVersion));
  }

  /** All streams' events from `fromPosition` (1-based, inclusive, default 1) on, upcast, at most `limit`. */
  readAll(
    opts: { readonly fromPosition?: number; readonly limit?: number } = {},
  ): Promise<RecordedEventOf<E>[]> {
    return this.#upRead(() => this.#backend.readAll(opts.fromPosition, opts.limit));
  }

  /** The version of the stream's last event; -1 for a stream with no events. */
  streamVersion(streamId: string): Promise<number> {
    return this.#backend.streamVersion(streamId);
  }

  /**
   * With `options`: a catch-up subscription (see `CatchUpOptions`, `EventStoreSubscription`): replays the log
   * from a position or a durable checkpoint, then follows appends from this process at once and from
   * other processes at each poll; events come upcast, one at a time, in position order.
   *
   * Without: a live subscriber of this process's appends from now on, called after commit in
   * position order; its failures are logged. Returns a function that unsubscribes.
   */
  subscribe(handler: EventSubscriber<E>): () => void;
  subscribe(options: CatchUpOptions, handler: EventSubscriber<E>): EventStoreSubscription;
  subscribe(
    first: CatchUpOptions | EventSubscriber<E>,
    second?: EventSubscriber<E>,
  ): EventStoreSubscription | (() => void) {
    if (typeof first === "function") return this.#live.add(first as EventSubscriber);
    this.#assertOpen();
    const handler = second as EventSubscriber<E>;
    const subscription = new CatchUpSubscription(
      {
        readAll: (from, limit) => this.readAll({ fromPosition: from, limit }),
        loadCheckpoint: (name) => this.#backend.loadCheckpoint(name),
        saveCheckpoint: (name, position) => this.#backend.saveCheckpoint(name, position),
        sleep: this.#sleep,
        onError: (err, name) => this.#logger?.error({ err, subscription: name }, "subscription failed"),
        onEnd: (s) => this.#subscriptions.delete(s),
      },
      { pollIntervalMs: this.#pollIntervalMs, ...first },
      (event) => handler(event as RecordedEventOf<E>),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Runs `handler` with each append's new events inside that append's backend transaction, before it
   * commits. Throwing rolls the append back (undo in-memory changes with `tx.onRollback`). The handler
   * must not append. Returns a function that removes it.
   */
  addInlineHandler(handler: InlineHandler): () => void {
    return this.#inline.add(handler);
  }

  /** Runs `work` while no append through this store is in flight; appends wait until it settles. */
  pauseAppends<T>(work: () => Promise<T>): Promise<T> {
    return this.#gate.exclusive(work);
  }

  /** Saves `snapshot` as the stream's latest (see `Snapshot`). */
  saveSnapshot(snapshot: SnapshotInput): Promise<void> {
    return this.#backend.saveSnapshot({
      ...snapshot,
      schemaVersion: snapshot.schemaVersion ?? 1,
      takenAt: snapshot.takenAt ?? this.#clock.now().toISOString(),
    });
  }

  /** The stream's latest snapshot, or `undefined` when it has none. */
  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    return (await this.#backend.loadSnapshot(streamId)) ?? undefined;
  }

  /** The position saved under checkpoint `name`; 0 when none. */
  loadCheckpoint(name: string): Promise<number> {
    return this.#backend.loadCheckpoint(name);
  }

  /** Saves checkpoint `name`; within `tx` when given, so it commits with that transaction's rows. */
  saveCheckpoint(name: string, position: number, tx?: BackendTransaction): Promise<void> {
    return this.#backend.saveCheckpoint(name, position, tx);
  }

  /** Resolves once live subscribers have every event so far and every catch-up subscription has caught up. */
  async whenIdle(): Promise<void> {
    await this.#live.idle();
    await Promise.all([...this.#subscriptions].map((s) => s.caughtUp().catch(() => undefined)));
    await this.#live.idle();
  }

  /** Makes everything appended durable (a no-op where every append already is). */
  flush(): Promise<void> {
    return this.#backend.flush();
  }

  /** The backend's figures plus this store's running subscriptions and inline handlers. */
  async stats(): Promise<EventStoreRuntimeStats> {
    const backend = await this.#backend.stats();
    return { ...backend, subscriptions: this.#subscriptions.size, inlineHandlers: this.#inline.size };
  }

  /** Stops every catch-up subscription, lets live subscribers finish, then closes the backend. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    await this.#live.idle();
    await this.#backend.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new AllFrameError("unavailable", "the event store is closed");
  }

  #up(event: RecordedEvent): RecordedEventOf<E> {
    return (this.#upcasters.size === 0 ? event : this.#upcasters.upcast(event)) as RecordedEventOf<E>;
  }

  /**
   * Runs a backend read and upcasts its answer; without upcasters, answers the backend's own promise,
   * so a read costs no await of its own. A synchronous throw becomes a rejection, as from an `async`
   * method.
   */
  #upRead(read: () => Promise<RecordedEvent[]>): Promise<RecordedEventOf<E>[]> {
    try {
      const events = read();
      if (this.#upcasters.size === 0) return events as Promise<RecordedEventOf<E>[]>;
      return events.then((e) => this.#upAll(e));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Upcasts a backend's answer; without upcasters, the array itself (backends hand out new arrays). */
  #upAll(events: RecordedEvent[]): RecordedEventOf<E>[] {
    return (this.#upcasters.size === 0 ? events : events.map((e) => this.#up(e))) as RecordedEventOf<E>[];
  }

  #afterCommit(recorded: readonly RecordedEvent[]): void {
    if (this.#subscriptions.size > 0) for (const subscription of this.#subscriptions) subscription.notify();
    if (this.#live.size > 0) this.#live.deliver(recorded.map((e) => this.#up(e) as RecordedEvent));
  }
}
