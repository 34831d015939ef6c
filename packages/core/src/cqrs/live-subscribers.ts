/**
 * The live-only subscribers of one store: called after each commit made through that store, in
 * commit order, one event at a time, without holding up the append.
 * @module
 */
import type { EventShape, RecordedEvent } from "./event.ts";
import type { Logger, RecordedEventOf } from "./event-types.ts";

/** Called once per committed event, after commit, in position order (the live-only form of `subscribe`). */
export type EventSubscriber<E extends EventShape = EventShape> = (
  event: RecordedEventOf<E>,
) => void | Promise<void>;

/**
 * A set of subscribers fed through one promise chain, so a slow one never reorders delivery. Not
 * generic, so `EventStore<E>` stays assignable to `EventStore` (private fields are compared too).
 */
export class LiveSubscribers {
  readonly #subscribers = new Set<EventSubscriber>();
  readonly #logger: Logger | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds `subscriber`; returns a function that removes it. */
  add(subscriber: EventSubscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** Queues `events` for every subscriber; a failing subscriber is logged and skipped. */
  deliver(events: readonly RecordedEvent[]): void {
    this.#chain = this.#chain.then(async () => {
      for (const event of events) {
        for (const subscriber of [...this.#subscribers]) {
          try {
            await subscriber(event);
          } catch (err) {
            this.#logger?.error(
              { err, eventId: event.id, position: event.position },
              "event subscriber failed",
            );
          }
        }
      }
    });
  }

  /** Resolves once everything queued so far is delivered, including what deliveries queue meanwhile. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = this.#chain;
      await pending;
      if (pending === this.#chain) return;
    }
  }
}
