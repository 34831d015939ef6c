/**
 * Who is subscribed to which event types, indexed both ways: per subscriber (its list, in the order
 * it subscribed) and per event type (a set of subscribers), so a publish visits only the
 * subscribers of its type and of `"*"` instead of every connection (the topic → subscribers map of
 * publish/subscribe brokers, e.g. Redis' `pubsub_channels`).
 * @module
 */

/** The event type that matches every event. */
export const ANY_EVENT = "*";

/**
 * Subscriptions of `S` (a connection) to event type names. Subscribers with no subscription take no
 * memory here.
 *
 * @example
 * const index = new SubscriptionIndex<string>(256);
 * index.subscribe("conn-1", ["OrderPlaced"]); // ["OrderPlaced"]
 * [...index.matching("OrderPlaced")];          // ["conn-1"]
 */
export class SubscriptionIndex<S> {
  readonly #limit: number;
  readonly #byEvent = new Map<string, Set<S>>();
  readonly #bySubscriber = new Map<S, readonly string[]>();

  /** @param limit most event types one subscriber may hold at once. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The subscriber's event types, in the order it subscribed; empty when it has none. */
  events(subscriber: S): readonly string[] {
    return this.#bySubscriber.get(subscriber) ?? [];
  }

  /**
   * Adds `events` to the subscriber's (duplicates are ignored).
   * @returns its event types afterwards, or `undefined`, changing nothing, when they would exceed the limit.
   */
  subscribe(subscriber: S, events: readonly string[]): readonly string[] | undefined {
    const before = this.events(subscriber);
    const after = [...new Set([...before, ...events])];
    if (after.length > this.#limit) return undefined;
    for (const event of after.slice(before.length)) {
      const subscribers = this.#byEvent.get(event);
      if (subscribers) subscribers.add(subscriber);
      else this.#byEvent.set(event, new Set([subscriber]));
    }
    this.#bySubscriber.set(subscriber, after);
    return after;
  }

  /** Removes `events` from the subscriber's; @returns its event types afterwards. */
  unsubscribe(subscriber: S, events: readonly string[]): readonly string[] {
    const dropped = new Set(events);
    const after = this.events(subscriber).filter((event) => !dropped.has(event));
    for (const event of dropped) this.#drop(event, subscriber);
    if (after.length > 0) this.#bySubscriber.set(subscriber, after);
    else this.#bySubscriber.delete(subscriber);
    return after;
  }

  /** Forgets every subscription of the subscriber (it disconnected). */
  remove(subscriber: S): void {
    for (const event of this.events(subscriber)) this.#drop(event, subscriber);
    this.#bySubscriber.delete(subscriber);
  }

  /** True when the subscriber holds `eventType` or `"*"`; constant time. */
  has(subscriber: S, eventType: string): boolean {
    return (
      this.#byEvent.get(ANY_EVENT)?.has(subscriber) === true ||
      this.#byEvent.get(eventType)?.has(subscriber) === true
    );
  }

  /** Each subscriber of `eventType` or of `"*"`, once. */
  *matching(eventType: string): Generator<S> {
    const everything = this.#byEvent.get(ANY_EVENT);
    if (everything) yield* everything;
    if (eventType === ANY_EVENT) return;
    for (const subscriber of this.#byEvent.get(eventType) ?? []) {
      if (!everything?.has(subscriber)) yield subscriber;
    }
  }

  #drop(event: string, subscriber: S): void {
    const subscribers = this.#byEvent.get(event);
    if (!subscribers?.delete(subscriber)) return;
    // An event type nobody listens to any more must not keep an entry: names come from clients.
    if (subscribers.size === 0) this.#byEvent.delete(event);
  }
}
