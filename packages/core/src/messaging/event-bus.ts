/**
 * The event bus port: publish envelopes, subscribe handlers, optionally as competing members of a
 * consumer group. Adapters (in-process; NATS JetStream in `nats/`, RabbitMQ in `rabbitmq/`; Kafka in
 * `kafka/`, SQS/SNS in `sqs/`, EventBridge in `eventbridge/`, Pub/Sub in `pubsub/`) implement it and
 * pass `runEventBusContract` (DESIGN.md: "Embedded defaults and real engines").
 *
 * Delivery semantics every adapter keeps:
 * - **Ack is the handler's promise.** Resolving acknowledges the event; rejecting reports the error
 *   (logger, `onError`) and, on a broker, asks for redelivery after a delay, until the event has been
 *   delivered `maxDeliver` times, after which it is dropped with an error log. The `Consumer` runtime
 *   retries in place and dead-letters, so under a `Consumer` the bus only sees a rejection when the
 *   consumer stops with the event unhandled. Delivery is at least once: deduplicate on `event.id`.
 * - **Groups.** Each group gets each event once; its members compete for events.
 * - **Order per `key`.** Events with the same `key`, published one after another, reach one group's
 *   handler one at a time, in publish order, as long as they are acknowledged on first delivery. A
 *   rejected event is redelivered by the broker later and may be overtaken by later events of its key.
 * @module
 */
import type { EventEnvelope } from "./event-envelope.ts";

/** Handles one event. Resolving acknowledges it; rejecting reports a failure to the bus. */
export type EventHandler = (event: EventEnvelope) => Promise<void>;

/** A live subscription. */
export interface Subscription {
  /** Stops delivery to this handler; resolves once its in-flight deliveries have settled. */
  unsubscribe(): Promise<void>;
  /**
   * Broker adapters: resolves once the broker holds the subscription's queue or consumer, so events
   * published from then on reach it. The bus's own `publish` already waits for it. Absent in-process
   * (ready at once).
   */
  readonly ready?: Promise<void>;
}

/** Options for {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /**
   * Consumer group: the members of one group share the events (each event goes to one member); every
   * group gets every event. Without a group the subscription is a group of its own.
   */
  group?: string;
  /**
   * Most events a broker hands this subscriber before it has settled earlier ones (AMQP prefetch, the
   * JetStream pull batch). The `Consumer` runtime passes its concurrency. Default 32; ignored in-process.
   */
  prefetch?: number;
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
  /**
   * Broker adapters connect in the background so that `createEventBus` stays synchronous; `ready()`
   * resolves once connected. `openEventBus` awaits it.
   * @throws AllFrameError `unavailable` when the broker cannot be reached within the connect timeout.
   */
  ready?(): Promise<void>;
}
