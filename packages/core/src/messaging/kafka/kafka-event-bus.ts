/**
 * The event bus on Apache Kafka (`kafka://[user:pass@]broker1:9092,broker2:9092[/namespace][?...]`),
 * with `kafkajs` 2.x loaded on first connect (Confluent's `@confluentinc/kafka-javascript` needs a
 * native binary fetched by an install script, which npm 11 does not run by default).
 *
 * Layout: one topic per namespace (default `ALLFRAME`, created with `partitions` partitions, default
 * 6) so that `"*"` sees event types created after it subscribed. The record key is `event.key` (so a
 * key stays on one partition), the value the JSON envelope, and the headers `ce_id`, `ce_type`,
 * `ce_source` (CloudEvents Kafka binding) plus the event's headers (`traceparent`, ...). Each
 * (group, type) is a Kafka consumer group `<namespace>.<group>.<type>.<hash>`; an ungrouped
 * subscription gets a one-off group, deleted on unsubscribe. A new group starts at the topic's end
 * (offsets reset before it joins), so it sees exactly the events published after `ready`.
 *
 * Delivery: one event per partition at a time, committed once settled. Kafka has no per-message nack,
 * so a rejected event is redelivered in process after `redeliveryDelayMs` while its partition waits
 * (order per key holds across processes); after `maxDeliver` failed deliveries it is dropped and
 * committed. Records of other types are committed without running the handler.
 *
 * URL parameters besides those of `BrokerBusOptions`: `ssl=true`, `mechanism=plain|scram-sha-256|
 * scram-sha-512` (with `user:pass@`), `partitions=<n>`.
 * @module
 */
import { randomUUID } from "node:crypto";
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  assertBrokerEventType,
  assertSubscribable,
  type BrokerBusOptions,
  DeliveryRunner,
  retryUntilStored,
  settleSetups,
  shortHash,
  sleep,
} from "../broker-delivery.ts";
import {
  decodeEvent,
  deliverInPlace,
  encodeEvent,
  eventAttributes,
  type ResolvedCloudOptions,
  resolveCloudOptions,
  within,
} from "../cloud/cloud-bus-options.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import {
  type KafkaAdminLike,
  type KafkaClientConfig,
  type KafkaClientFactory,
  type KafkaClientLike,
  type KafkaConsumerLike,
  type KafkaEachMessagePayload,
  type KafkaProducerLike,
  kafkajsFactory,
} from "./kafka-client.ts";

/** Options for {@link KafkaEventBus}. */
export interface KafkaEventBusOptions extends BrokerBusOptions {
  /** Builds the Kafka client; default `kafkajs`. Tests pass a fake. */
  client?: KafkaClientFactory;
}

type Extra = "ssl" | "mechanism" | "partitions";
const MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;

interface Connected {
  kafka: KafkaClientLike;
  admin: KafkaAdminLike;
  producer: KafkaProducerLike;
}

interface KafkaSubscription {
  runner: DeliveryRunner;
  consumer?: KafkaConsumerLike;
  groupId: string;
  ephemeral: boolean;
  stopped: boolean;
  ready: Promise<void>;
}

/**
 * Parses the Kafka URL into client settings.
 * @throws AllFrameError `configuration` for a bad broker list, mechanism or partition count.
 */
export function kafkaClientConfig(
  o: ResolvedCloudOptions<Extra>,
): KafkaClientConfig & { partitions: number } {
  const at = o.authority.lastIndexOf("@");
  const [user, pass] = at < 0 ? [] : o.authority.slice(0, at).split(":");
  const brokers = o.authority
    .slice(at + 1)
    .split(",")
    .map((b) => b.trim());
  if (brokers.some((b) => !/^[^:\s]+(:\d+)?$/.test(b))) {
    throw new AllFrameError("configuration", "kafka:// needs host:port brokers separated by commas");
  }
  const mechanism = (o.extra.mechanism ?? "plain") as (typeof MECHANISMS)[number];
  if (!MECHANISMS.includes(mechanism)) {
    throw new AllFrameError("configuration", `kafka mechanism must be one of ${MECHANISMS.join(", ")}`);
  }
  const partitions = Number(o.extra.partitions ?? 6);
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new AllFrameError("configuration", "kafka partitions must be a positive integer");
  }
  return {
    clientId: `allframe-${o.namespace}`,
    brokers: brokers.map((b) => (b.includes(":") ? b : `${b}:9092`)),
    ssl: o.extra.ssl === "true",
    ...(user === undefined
      ? {}
      : {
          sasl: {
            mechanism,
            username: decodeURIComponent(user),
            password: decodeURIComponent(pass ?? ""),
          },
        }),
    connectionTimeout: Math.min(o.connectTimeoutMs, 3000),
    partitions,
  };
}

function header(payload: KafkaEachMessagePayload, name: string): string | undefined {
  const value = payload.message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * An {@link EventBus} on Kafka.
 * @example
 * const bus = new KafkaEventBus({ url: "kafka://broker1:9092,broker2:9092/orders", logger });
 * await bus.ready();
 */
export class KafkaEventBus implements EventBus {
  readonly kind = "kafka";
  readonly #o: ResolvedCloudOptions<Extra>;
  readonly #config: KafkaClientConfig & { partitions: number };
  readonly #factory: KafkaClientFactory;
  readonly #connection: Promise<Connected>;
  readonly #subscriptions = new Set<KafkaSubscription>();
  readonly #setups = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws AllFrameError `configuration` for bad options or URL parameters. */
  constructor(opts: KafkaEventBusOptions) {
    this.#o = resolveCloudOptions<Extra>(opts, ["ssl", "mechanism", "partitions"]);
    this.#config = kafkaClientConfig(this.#o);
    this.#factory = opts.client ?? kafkajsFactory;
    this.#connection = this.#connect();
    this.#connection.catch(() => undefined);
  }

  get #topic(): string {
    return this.#o.namespace;
  }

  async #connect(): Promise<Connected> {
    const { partitions, ...config } = this.#config;
    const kafka = await this.#factory(config);
    for (let attempt = 1; ; attempt += 1) {
      if (this.#closed) throw new AllFrameError("unavailable", "event bus closed before Kafka answered");
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: this.#topic, numPartitions: partitions }] });
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        return { kafka, admin, producer };
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        this.#o.logger.warn({ err: error, attempt }, "Kafka not reachable; retrying");
        await sleep(Math.min(250 * attempt, 2000));
      }
    }
  }

  /** Resolves once connected and the topic exists. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    await within(this.#connection, this.#o.connectTimeoutMs, "Kafka");
  }

  async publish(event: EventEnvelope): Promise<void> {
    const value = encodeEvent(event, this.#closed);
    assertBrokerEventType(event.type);
    await settleSetups(this.#setups, this.#o.publishTimeoutMs);
    const { producer } = await within(this.#connection, this.#o.publishTimeoutMs, "Kafka");
    const deadline = Date.now() + this.#o.publishTimeoutMs;
    const message = { key: event.key ?? null, value, headers: eventAttributes(event, "ce_") };
    await retryUntilStored(() => producer.send({ topic: this.#topic, acks: -1, messages: [message] }), {
      deadline,
      closed: () => this.#closed,
      failure: `Kafka did not store event ${event.id}`,
    });
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    assertSubscribable(this.#closed, type, opts.group);
    const { group } = opts;
    const groupId =
      group === undefined
        ? `${this.#topic}.ungrouped.${randomUUID()}`
        : `${this.#topic}.${group}.${type === "*" ? "all" : type}.${shortHash(`${group}\0${type}`)}`;
    const sub: KafkaSubscription = {
      runner: new DeliveryRunner(handler, group, this.#o),
      groupId,
      ephemeral: group === undefined,
      stopped: false,
      ready: Promise.resolve(),
    };
    this.#subscriptions.add(sub);
    sub.ready = this.#start(sub, type, opts.prefetch ?? 32);
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

  async #start(sub: KafkaSubscription, type: string, prefetch: number): Promise<void> {
    for (let attempt = 1; !sub.stopped && !this.#closed; attempt += 1) {
      try {
        const { kafka, admin } = await this.#connection;
        // A group without committed offsets starts at the end, as of now, not when it first fetches.
        const [offsets] = await admin.fetchOffsets({ groupId: sub.groupId, topics: [this.#topic] });
        if ((offsets?.partitions ?? []).every((p) => p.offset === "-1")) {
          await admin.resetOffsets({ groupId: sub.groupId, topic: this.#topic, earliest: false });
        }
        const consumer = kafka.consumer({ groupId: sub.groupId, maxWaitTimeInMs: 100 });
        sub.consumer = consumer;
        await consumer.connect();
        await consumer.subscribe({ topics: [this.#topic], fromBeginning: false });
        await consumer.run({
          autoCommit: true,
          partitionsConsumedConcurrently: prefetch,
          eachMessage: (payload) => this.#receive(sub, type, payload),
        });
        return;
      } catch (error) {
        await sub.consumer?.disconnect().catch(() => undefined);
        this.#o.logger.warn({ err: error, type, attempt }, "Kafka subscription not ready; retrying");
        await sleep(Math.min(100 * attempt, 2000));
      }
    }
  }

  async #receive(sub: KafkaSubscription, type: string, payload: KafkaEachMessagePayload): Promise<void> {
    if (type !== "*" && header(payload, "ce_type") !== type) return;
    const event = decodeEvent(payload.message.value?.toString());
    if (event === undefined) {
      this.#o.logger.error({ offset: payload.message.offset }, "not an AllFrame event envelope; skipped");
      return;
    }
    await deliverInPlace(sub.runner, event, () => sub.stopped, payload.heartbeat);
  }

  async #stop(sub: KafkaSubscription): Promise<void> {
    sub.stopped = true;
    await Promise.race([sub.ready, sleep(this.#o.connectTimeoutMs)]);
    await sub.runner.drain();
    await sub.consumer?.disconnect().catch(() => undefined);
    if (sub.ephemeral && sub.consumer !== undefined) {
      const { admin } = await this.#connection;
      await Promise.race([admin.deleteGroups([sub.groupId]).catch(() => undefined), sleep(2000)]);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      const subs = [...this.#subscriptions];
      this.#subscriptions.clear();
      await Promise.all(subs.map((sub) => this.#stop(sub)));
      const connected = await Promise.race([this.#connection.catch(() => undefined), sleep(2000)]);
      await connected?.producer.disconnect().catch(() => undefined);
      await connected?.admin.disconnect().catch(() => undefined);
    })();
    return this.#closing;
  }
}
