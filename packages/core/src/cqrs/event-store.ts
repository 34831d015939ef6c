/**
 * The event store facade services use: validates and stamps new events, delegates storage to an
 * `EventStoreBackend`, and delivers committed events to inline handlers (projections) and live
 * subscribers. Seed 001, "CQRS Infrastructure" phase 1; API after EventStoreDB and Emmett.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import type { EventShape, ExpectedVersion, NewEvent, RecordedEvent, RecordedEventDraft } from "./event.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";

/** A pino-compatible logger; only these three methods are used. */
interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Construction options of `EventStore`. */
export interface EventStoreOptions {
  /** Where events live; default a new `InMemoryEventStoreBackend`. */
  readonly backend?: EventStoreBackend;
  /** Stamps `recordedAt`; default the wall clock. */
  readonly clock?: Clock;
  /** Makes ids for events appended without one; default random UUIDs. */
  readonly ids?: IdGenerator;
  /** Receives failures of subscribers and inline handlers, which never fail an append. */
  readonly logger?: Logger;
}

/** The outcome of an append. */
export interface AppendResult<E extends EventShape = EventShape> {
  /** The version of the stream after this append's events: pass it as the next `expectedVersion`. */
  readonly nextExpectedVersion: number;
  readonly events: RecordedEvent<E>[];
}

/** Called with each committed batch before `append` resolves. */
export type InlineHandler = (events: readonly RecordedEvent[]) => void | Promise<void>;
/** Called once per committed event, after commit, in position order. */
export type EventSubscriber = (event: RecordedEvent) => void | Promise<void>;

/**
 * Appends and reads event streams; see `event.ts` for version and position numbering.
 *
 * Delivery. After a backend commits, the store delivers the new events (not those of an idempotent
 * retry) in commit order: first to every inline handler, awaited before `append` resolves (this is how
 * `ProjectionRegistry` keeps read models current), then to every subscriber, asynchronously and
 * without holding up the append. Delivery is in-process: it covers the appends made through this
 * store object. A failing handler is logged and skipped; the append has already committed and stands.
 *
 * @example
 * const store = new EventStore({});
 * const { nextExpectedVersion } = await store.append("sku-1", [{ type: "StockReceived", data: { qty: 5 } }],
 *   { expectedVersion: "no-stream" });
 */
export class EventStore {
  readonly #backend: EventStoreBackend;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #logger: Logger | undefined;
  readonly #inline = new Set<InlineHandler>();
  readonly #subscribers = new Set<EventSubscriber>();
  readonly #insideInline = new AsyncLocalStorage<true>();
  #inlineChain: Promise<void> = Promise.resolve();
  #subscriberChain: Promise<void> = Promise.resolve();
  #deliveredPosition = 0;

  constructor(opts: EventStoreOptions = {}) {
    this.#backend = opts.backend ?? new InMemoryEventStoreBackend();
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#logger = opts.logger;
  }

  /**
   * Appends `events` to `streamId` if its version meets `expectedVersion` (default `"any"`).
   * @throws ConcurrencyError on a version mismatch; AllFrameError `"validation"` for an empty stream id
   *   or event type, or non-string metadata; `"conflict"` for reused event ids (see the backend);
   *   `"unsupported"` when called from inside an inline handler, where it would wait for itself.
   */
  async append<E extends EventShape = EventShape>(
    streamId: string,
    events: readonly NewEvent<E>[],
    opts: { readonly expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult<E>> {
    if (this.#insideInline.getStore()) {
      throw new AllFrameError(
        "unsupported",
        "an inline handler cannot append: the append would wait for itself",
      );
    }
    const drafts = this.#drafts(streamId, events);
    const recorded = await this.#backend.append(streamId, drafts, opts.expectedVersion ?? "any");
    const delivery = this.#inlineChain.then(() => this.#deliverInline(recorded));
    this.#inlineChain = delivery;
    await delivery;
    const last = recorded.at(-1);
    const nextExpectedVersion = last ? last.version : await this.#backend.streamVersion(streamId);
    return { nextExpectedVersion, events: recorded as RecordedEvent<E>[] };
  }

  /** The stream's events from `fromVersion` (default 0) on, in order; `[]` for a stream with no events. */
  readStream(streamId: string, opts: { readonly fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    return this.#backend.readStream(streamId, opts.fromVersion);
  }

  /** All streams' events from `fromPosition` (1-based, inclusive, default 1) on, at most `limit`. */
  readAll(opts: { readonly fromPosition?: number; readonly limit?: number } = {}): Promise<RecordedEvent[]> {
    return this.#backend.readAll(opts.fromPosition, opts.limit);
  }

  /** The version of the stream's last event; -1 for a stream with no events. */
  streamVersion(streamId: string): Promise<number> {
    return this.#backend.streamVersion(streamId);
  }

  /**
   * Calls `handler` with every event committed from now on, one at a time, in position order, after
   * the commit. A handler may append. Returns a function that unsubscribes.
   */
  subscribe(handler: EventSubscriber): () => void {
    this.#subscribers.add(handler);
    return () => this.#subscribers.delete(handler);
  }

  /**
   * Calls `handler` with each committed batch, in commit order, before that append resolves. For read
   * models that must be current when the command returns; the handler must not append. Returns a
   * function that removes it.
   */
  addInlineHandler(handler: InlineHandler): () => void {
    this.#inline.add(handler);
    return () => this.#inline.delete(handler);
  }

  /** Resolves once every event committed so far has reached every subscriber (tests, shutdown). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = this.#subscriberChain;
      await this.#inlineChain;
      await pending;
      if (pending === this.#subscriberChain) return;
    }
  }

  #drafts(streamId: string, events: readonly NewEvent[]): RecordedEventDraft[] {
    if (typeof streamId !== "string" || streamId.length === 0) {
      throw new AllFrameError("validation", "stream id must be a non-empty string");
    }
    if (!Array.isArray(events)) throw new AllFrameError("validation", "events must be an array");
    const recordedAt = this.#clock.now().toISOString();
    return events.map((event, i) => {
      if (typeof event.type !== "string" || event.type.length === 0) {
        throw new AllFrameError("validation", `event ${i}: type must be a non-empty string`, {
          issues: [{ path: [i, "type"], message: "must be a non-empty string" }],
        });
      }
      if (event.id !== undefined && (typeof event.id !== "string" || event.id.length === 0)) {
        throw new AllFrameError("validation", `event ${i}: id must be a non-empty string when given`, {
          issues: [{ path: [i, "id"], message: "must be a non-empty string" }],
        });
      }
      const metadata = event.metadata ?? {};
      for (const [key, value] of Object.entries(metadata)) {
        if (typeof value !== "string") {
          throw new AllFrameError("validation", `event ${i}: metadata "${key}" must be a string`, {
            issues: [{ path: [i, "metadata", key], message: "must be a string" }],
          });
        }
      }
      return { id: event.id ?? this.#ids(), type: event.type, data: event.data, metadata, recordedAt };
    });
  }

  async #deliverInline(recorded: readonly RecordedEvent[]): Promise<void> {
    // An idempotent retry hands back events that were delivered when first committed.
    const fresh = recorded.filter((e) => e.position > this.#deliveredPosition);
    if (fresh.length === 0) return;
    this.#deliveredPosition = fresh.at(-1)?.position ?? this.#deliveredPosition;
    for (const handler of [...this.#inline]) {
      try {
        await this.#insideInline.run(true, () => handler(fresh));
      } catch (error) {
        this.#logger?.error({ err: error, streamId: fresh[0]?.streamId }, "inline event handler failed");
      }
    }
    this.#subscriberChain = this.#subscriberChain.then(() => this.#deliverToSubscribers(fresh));
  }

  async #deliverToSubscribers(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      for (const subscriber of [...this.#subscribers]) {
        try {
          await subscriber(event);
        } catch (error) {
          this.#logger?.error(
            { err: error, eventId: event.id, position: event.position },
            "event subscriber failed",
          );
        }
      }
    }
  }
}
