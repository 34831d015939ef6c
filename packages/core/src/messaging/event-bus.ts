/**
 * The event bus port: publish envelopes, subscribe handlers, optionally as competing members of a
 * consumer group. Adapters (in-process now; NATS JetStream, RabbitMQ, Kafka later) implement it and
 * pass `runEventBusContract` (DESIGN.md: "Embedded defaults and real engines").
 * @module
 */
import type { EventEnvelope } from "./event-envelope.ts";

/** Handles one event. Resolving acknowledges it; rejecting reports a failure to the bus. */
export type EventHandler = (event: EventEnvelope) => Promise<void>;

/** A live subscription. */
export interface Subscription {
  /** Stops delivery to this handler; resolves once its in-flight deliveries have settled. */
  unsubscribe(): Promise<void>;
}

/** Options for {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /**
   * Consumer group: the members of one group share the events (each event goes to one member); every
   * group gets every event. Without a group the subscription is a group of its own.
   */
  group?: string;
}

/** Called when a handler fails: the event, the error, and the group (undefined when ungrouped). */
export type DeliveryErrorHandler = (event: EventEnvelope, error: unknown, group: string | undefined) => void;

/** The event bus port. */
export interface EventBus {
  /** Adapter name, e.g. `"in-process"`, `"nats"`. */
  readonly kind: string;
  /**
   * Publishes an event; resolves once the bus has accepted it (not when handlers ran).
   * @throws AllFrameError `unavailable` after `close()`; `validation` for an invalid type or an
   *   envelope that is not JSON-serialisable.
   */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Subscribes `handler` to events of `type`, or to every event with `"*"`.
   * @throws AllFrameError `unavailable` after `close()`; `validation` for an empty type or group.
   */
  subscribe(type: string, handler: EventHandler, opts?: SubscribeOptions): Subscription;
  /** Stops accepting events and resolves once in-flight deliveries have settled. Idempotent. */
  close(): Promise<void>;
}
