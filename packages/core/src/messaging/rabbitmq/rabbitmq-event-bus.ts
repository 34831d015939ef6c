/**
 * The event bus on RabbitMQ (`amqp://` or `amqps://`), with `rabbitmq-client` v5 (typed, reconnects
 * by itself, publisher confirms; loaded on first connect).
 *
 * Layout: one durable topic exchange named after the namespace (default `ALLFRAME`); the routing key
 * is the event type. Each (group, type) is a durable quorum queue `<ns>.<group>.<type>` (`all` for
 * `"*"`, bound with `#`), declared with `x-single-active-consumer` and `x-delivery-limit` =
 * `maxDeliver`; an ungrouped subscription is a server-named exclusive auto-delete queue.
 *
 * Delivery: see `event-bus.ts`. Messages are persistent, published with confirms; `publish` retries
 * until the broker confirms (or `publishTimeoutMs` passes), so a confirm lost to a broker restart can
 * duplicate an event: consumers deduplicate on `event.id` (the inbox). AMQP confirms an unroutable
 * message like any other and drops it, so an event published before any group queue is bound to its
 * type reaches nobody: that is normal for a type nobody subscribes to, and a group queue exists from
 * its first subscription on (`Subscription.ready`, or `ready()` for every subscription made so far)
 * and keeps events while its members are away. When this bus itself has a group subscription for the
 * type, the event is published `mandatory` and a return (`NO_ROUTE`, e.g. a broker that came back
 * without its definitions) is retried like a missing confirm until the queue is bound again.
 *
 * Consuming: manual ack; prefetch = `SubscribeOptions.prefetch` (the Consumer passes its
 * concurrency). A rejected event is requeued after `redeliveryDelayMs`; after `maxDeliver` failed
 * deliveries (quorum queues count them in `x-delivery-count`; for ungrouped queues the bus counts)
 * it is dropped.
 *
 * Order per key: a single active consumer per group queue means one member at a time receives the
 * queue in order (the others stand by and take over on failure); inside it, key lanes run events of
 * one key one after another while other keys run in parallel. So order per key holds across
 * processes; the price is that a group's throughput is one process's.
 *
 * Reconnect: the client reconnects with backoff (100 ms–1 s) and re-declares exchange, queues and
 * bindings before consuming again.
 * @module
 */
import type { AsyncMessage, Connection, Consumer, Publisher } from "rabbitmq-client";
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  assertBrokerEventType,
  type BrokerBusOptions,
  DeliveryRunner,
  type ResolvedBrokerOptions,
  resolveBrokerOptions,
  settleSetups,
  sleep,
} from "../broker-delivery.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import { assertEventType, type EventEnvelope } from "../event-envelope.ts";

/** Options for {@link RabbitMqEventBus}; `url` is `amqp://user:pass@host:port[/vhost][?namespace=...]`. */
export type RabbitMqEventBusOptions = BrokerBusOptions;

/** rabbitmq-client's `ConsumerStatus` values. */
const STATUS = { ack: 0, requeue: 1, drop: 2 } as const;

interface Client {
  connection: Connection;
  publisher: Publisher;
}

interface RabbitSubscription {
  type: string;
  group: string | undefined;
  consumer?: Consumer;
  runner: DeliveryRunner;
  stopped: boolean;
  ready: Promise<void>;
}

function decode(body: unknown): EventEnvelope {
  if (Buffer.isBuffer(body)) return JSON.parse(body.toString("utf8")) as EventEnvelope;
  if (typeof body === "string") return JSON.parse(body) as EventEnvelope;
  return body as EventEnvelope;
}

/**
 * An {@link EventBus} on RabbitMQ.
 * @example
 * const bus = new RabbitMqEventBus({ url: "amqp://guest:guest@127.0.0.1:5672", logger });
 * await bus.ready();
 */
export class RabbitMqEventBus implements EventBus {
  readonly kind = "rabbitmq";
  readonly #o: ResolvedBrokerOptions;
  readonly #client: Promise<Client>;
  readonly #subscriptions = new Set<RabbitSubscription>();
  readonly #setups = new Set<Promise<void>>();
  /** Ids of mandatory publishes the broker returned as unroutable, until `publish` looks. */
  readonly #returned = new Set<string>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws AllFrameError `configuration` for bad options (see `resolveBrokerOptions`). */
  constructor(opts: RabbitMqEventBusOptions) {
    this.#o = resolveBrokerOptions(opts);
    this.#client = this.#connect();
    this.#client.catch(() => undefined);
  }

  get #exchange() {
    return { exchange: this.#o.namespace, type: "topic", durable: true };
  }

  async #connect(): Promise<Client> {
    const { Connection } = await import("rabbitmq-client");
    const connection = new Connection({
      url: this.#o.url,
      retryLow: 100,
      retryHigh: 1000,
      connectionTimeout: 2000,
      connectionName: `allframe-${this.#o.namespace}`,
    });
    connection.on("error", (err) => this.#o.logger.warn({ err }, "RabbitMQ connection error"));
    const publisher = connection.createPublisher({ confirm: true, exchanges: [this.#exchange] });
    // Not `onReturn`: rabbitmq-client 5.0.8 declares that prop but never wires it. The broker sends
    // basic.return before the confirm; the client emits it from a setImmediate queued before the
    // confirm resolves `send`, so it has run by the next setImmediate turn after `send`.
    publisher.on("basic.return", (msg) => {
      if (typeof msg.messageId === "string") this.#returned.add(msg.messageId);
    });
    return { connection, publisher };
  }

  /**
   * Resolves once connected and every subscription made so far has its queue bound, so events
   * published from then on, by any process, reach those subscriptions.
   * @throws AllFrameError `unavailable` when either takes longer than `connectTimeoutMs`.
   */
  async ready(): Promise<void> {
    const { connection } = await this.#client;
    const deadline = Date.now() + this.#o.connectTimeoutMs;
    try {
      await connection.onConnect(this.#o.connectTimeoutMs, true);
    } catch (cause) {
      throw new AllFrameError(
        "unavailable",
        `RabbitMQ did not answer within ${this.#o.connectTimeoutMs} ms`,
        {
          cause,
        },
      );
    }
    const setups = Promise.allSettled(this.#setups).then(() => true);
    if (!(await Promise.race([setups, sleep(Math.max(0, deadline - Date.now())).then(() => false)]))) {
      throw new AllFrameError(
        "unavailable",
        `RabbitMQ did not bind the subscriptions' queues within ${this.#o.connectTimeoutMs} ms`,
      );
    }
  }

  /** Whether a live group subscription of this bus has a durable queue bound to `type`. */
  #hasGroupQueueFor(type: string): boolean {
    for (const sub of this.#subscriptions) {
      if (sub.group !== undefined && !sub.stopped && (sub.type === "*" || sub.type === type)) return true;
    }
    return false;
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.#closed)
      throw new AllFrameError("unavailable", `event bus is closed; cannot publish "${event.type}"`);
    assertEventType(event.type);
    assertBrokerEventType(event.type);
    let payload: Buffer;
    try {
      payload = Buffer.from(JSON.stringify(event));
    } catch (cause) {
      throw new AllFrameError("validation", `event "${event.type}" cannot be serialised to JSON`, { cause });
    }
    const deadline = Date.now() + this.#o.publishTimeoutMs;
    await settleSetups(this.#setups, this.#o.publishTimeoutMs);
    const { publisher } = await this.#client;
    const envelope = {
      exchange: this.#o.namespace,
      routingKey: event.type,
      durable: true,
      messageId: event.id,
      type: event.type,
      contentType: "application/json",
      headers: { ...event.headers },
      mandatory: this.#hasGroupQueueFor(event.type),
    };
    for (let attempt = 1; ; attempt += 1) {
      let cause: unknown;
      this.#returned.delete(event.id);
      try {
        await publisher.send(envelope, payload);
        if (!envelope.mandatory) return;
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.#returned.delete(event.id)) return;
        cause = new Error(`no queue is bound to routing key "${event.type}" (NO_ROUTE)`);
        if (attempt === 1) {
          this.#o.logger.warn(
            { eventId: event.id, eventType: event.type },
            "RabbitMQ returned an event its group queue should take; retrying until the queue is bound",
          );
        }
      } catch (error) {
        cause = error;
      }
      if (Date.now() >= deadline || this.#closed) {
        throw new AllFrameError("unavailable", `RabbitMQ did not confirm event ${event.id}`, { cause });
      }
      await sleep(Math.min(50 * 2 ** attempt, 1000));
    }
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    if (this.#closed)
      throw new AllFrameError("unavailable", `event bus is closed; cannot subscribe to "${type}"`);
    if (type !== "*") assertBrokerEventType(type);
    if (opts.group !== undefined && (opts.group.trim() === "" || !/^[A-Za-z0-9_.:-]+$/.test(opts.group)))
      throw new AllFrameError("validation", "a consumer group name must be letters, digits, _ . : -");
    const sub: RabbitSubscription = {
      type,
      group: opts.group,
      runner: new DeliveryRunner(handler, opts.group, this.#o),
      stopped: false,
      ready: Promise.resolve(),
    };
    this.#subscriptions.add(sub);
    sub.ready = this.#start(sub, type, opts.group, opts.prefetch ?? 32);
    this.#setups.add(sub.ready);
    void sub.ready.finally(() => this.#setups.delete(sub.ready));
    return {
      ready: sub.ready,
      unsubscribe: async () => {
        this.#subscriptions.delete(sub);
        await this.#stop(sub);
      },
    };
  }

  async #start(sub: RabbitSubscription, type: string, group: string | undefined, prefetch: number) {
    const { connection } = await this.#client;
    const ns = this.#o.namespace;
    const queue = group === undefined ? "" : `${ns}.${group}.${type === "*" ? "all" : type}`;
    const counts = new Map<string, number>(); // deliveries per message id, for ungrouped queues
    const queueOptions =
      group === undefined
        ? { queue, exclusive: true, autoDelete: true }
        : {
            queue,
            durable: true,
            arguments: {
              "x-queue-type": "quorum" as const,
              "x-single-active-consumer": true,
              "x-delivery-limit": this.#o.maxDeliver,
            },
          };
    const consumer = connection.createConsumer(
      {
        queue,
        queueOptions,
        exchanges: [this.#exchange],
        queueBindings: [{ exchange: ns, queue, routingKey: type === "*" ? "#" : type }],
        qos: { prefetchCount: prefetch },
        concurrency: prefetch,
        requeue: true,
      },
      (msg) => this.#receive(sub, msg, group === undefined ? counts : undefined),
    );
    consumer.on("error", (err) => this.#o.logger.warn({ err, type, group }, "RabbitMQ consumer error"));
    sub.consumer = consumer;
    await new Promise<void>((resolve) => consumer.once("ready", () => resolve()));
  }

  #receive(sub: RabbitSubscription, msg: AsyncMessage, counts: Map<string, number> | undefined) {
    if (sub.stopped) return STATUS.requeue;
    let event: EventEnvelope;
    try {
      event = decode(msg.body);
    } catch (err) {
      this.#o.logger.error({ err, routingKey: msg.routingKey }, "not an AllFrame event envelope; dropped");
      return STATUS.drop;
    }
    let deliveryCount: number;
    if (counts === undefined) {
      deliveryCount = Number(msg.headers?.["x-delivery-count"] ?? 0) + 1;
    } else {
      deliveryCount = (counts.get(event.id) ?? 0) + 1;
      counts.set(event.id, deliveryCount);
    }
    return new Promise<number>((resolve) => {
      void sub.runner.run({
        event,
        deliveryCount,
        ack: () => {
          counts?.delete(event.id);
          resolve(STATUS.ack);
        },
        retry: async (delayMs) => {
          await sleep(delayMs);
          resolve(STATUS.requeue);
        },
        drop: () => {
          counts?.delete(event.id);
          resolve(STATUS.drop);
        },
      });
    });
  }

  async #stop(sub: RabbitSubscription): Promise<void> {
    sub.stopped = true;
    await Promise.race([sub.ready, sleep(this.#o.connectTimeoutMs)]);
    await sub.consumer?.close();
    await sub.runner.drain();
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      const subs = [...this.#subscriptions];
      this.#subscriptions.clear();
      await Promise.all(subs.map((sub) => this.#stop(sub)));
      const client = await this.#client.catch(() => undefined);
      if (client === undefined) return;
      await client.publisher.close();
      await client.connection.close();
    })();
    return this.#closing;
  }
}
