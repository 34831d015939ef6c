/**
 * The envelope every event travels in, on every bus. Field names follow CloudEvents 1.0 (`id`,
 * `type`, `source`, `time`, `data`) so a broker adapter can map them to CloudEvents headers one to one.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";

/** An event on the bus. Envelopes cross every bus as JSON, so `data` must survive `JSON.stringify`. */
export interface EventEnvelope<T = unknown> {
  /** Unique id; consumers deduplicate on it. */
  id: string;
  /** Event type, e.g. `"order.placed"`; subscriptions match on it. */
  type: string;
  /** The producing service, e.g. `"orders"`. */
  source: string;
  /** When the event happened, ISO-8601 UTC. */
  time: string;
  /** The payload. */
  data: T;
  /** Partition or ordering key (e.g. the aggregate id), for brokers that partition. */
  key?: string;
  /** Free-form string headers: correlation id, trace context, schema version. */
  headers: Record<string, string>;
}

/** Options for {@link createEvent}. */
export interface CreateEventOptions {
  source: string;
  key?: string;
  headers?: Record<string, string>;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: random UUIDs. */
  ids?: IdGenerator;
}

/**
 * Wraps `data` in a new envelope with a fresh id and the current time.
 *
 * @throws AllFrameError `validation` when `type` or `source` is empty, or `type` is `"*"` (reserved
 *   for subscribing to everything).
 * @example
 * await bus.publish(createEvent("order.placed", { orderId: "o-1" }, { source: "orders", key: "o-1" }));
 */
export function createEvent<T>(type: string, data: T, opts: CreateEventOptions): EventEnvelope<T> {
  assertEventType(type);
  if (opts.source.trim() === "")
    throw new AllFrameError("validation", `event "${type}" needs a non-empty source`);
  const event: EventEnvelope<T> = {
    id: (opts.ids ?? uuidGenerator)(),
    type,
    source: opts.source,
    time: (opts.clock ?? systemClock).now().toISOString(),
    data,
    headers: { ...opts.headers },
  };
  if (opts.key !== undefined) event.key = opts.key;
  return event;
}

/**
 * Checks an event type for publishing: non-empty and not the wildcard `"*"`.
 * @throws AllFrameError `validation` otherwise.
 */
export function assertEventType(type: string): void {
  if (typeof type !== "string" || type.trim() === "" || type === "*") {
    throw new AllFrameError(
      "validation",
      `event type ${JSON.stringify(type)} is not valid; use a name such as "order.placed"`,
    );
  }
}
