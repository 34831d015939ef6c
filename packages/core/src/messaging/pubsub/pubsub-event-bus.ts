/**
 * The event bus on Google Cloud Pub/Sub (`pubsub://<project>/<namespace>[?apiEndpoint=host:port]`),
 * with `@google-cloud/pubsub` loaded on first connect (`PUBSUB_EMULATOR_HOST` points it at the
 * emulator).
 *
 * Layout: one topic per namespace (default `ALLFRAME`, created if missing). `publish` sends the JSON
 * envelope as data, `event.key` as the ordering key, and attributes `ce-id`, `ce-type`, `ce-source`
 * (CloudEvents Pub/Sub binding) plus the event's headers (`traceparent`, ...). Each (group, type) is a
 * subscription `<namespace>-<group>-<type>-<hash>` with message ordering on and a retry policy whose
 * minimum backoff is `redeliveryDelayMs` (whole seconds); the members of a group pull from it. An
 * ungrouped subscription is its own, deleted on unsubscribe (and expiring after a day unused).
 * Events of other types are acked without running the handler (the filter is client-side).
 *
 * Delivery: resolve → `ack`, reject → `nack` (redelivered after the backoff), last failed delivery →
 * `ack` with an error log. The delivery count is `deliveryAttempt` when the subscription has a
 * dead-letter policy, else counted in this process.
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
  encodeEvent,
  eventAttributes,
  type ResolvedCloudOptions,
  resolveCloudOptions,
  within,
} from "../cloud/cloud-bus-options.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import {
  googlePubSubFactory,
  type PubSubClientFactory,
  type PubSubClientLike,
  type PubSubMessageLike,
  type PubSubSubscriptionLike,
  type PubSubTopicLike,
} from "./pubsub-client.ts";

/** Options for {@link PubSubEventBus}. */
export interface PubSubEventBusOptions extends BrokerBusOptions {
  /** Builds the client; default `@google-cloud/pubsub`. Tests pass a fake. */
  client?: PubSubClientFactory;
}

interface Connected {
  pubsub: PubSubClientLike;
  topic: PubSubTopicLike;
}

interface PubSubSub {
  runner: DeliveryRunner;
  handle?: PubSubSubscriptionLike;
  ephemeral: boolean;
  stopped: boolean;
  ready: Promise<void>;
  attempts: Map<string, number>;
}

const ALREADY_EXISTS = 6; // gRPC status

/**
 * An {@link EventBus} on Google Cloud Pub/Sub.
 * @example
 * const bus = new PubSubEventBus({ url: "pubsub://my-project/orders", logger });
 * await bus.ready();
 */
export class PubSubEventBus implements EventBus {
  readonly kind = "pubsub";
  readonly #o: ResolvedCloudOptions<"apiEndpoint">;
  readonly #connection: Promise<Connected>;
  readonly #subscriptions = new Set<PubSubSub>();
  readonly #setups = new Set<Promise<void>>();
  #client: PubSubClientLike | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws AllFrameError `configuration` for a host that is not a project id, or bad options. */
  constructor(opts: PubSubEventBusOptions) {
    this.#o = resolveCloudOptions(opts, ["apiEndpoint"]);
    const projectId = this.#o.authority;
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId)) {
      throw new AllFrameError(
        "configuration",
        "pubsub:// needs a project id as its host, e.g. pubsub://my-project/orders",
      );
    }
    const { apiEndpoint } = this.#o.extra;
    const factory = opts.client ?? googlePubSubFactory;
    const { namespace, logger } = this.#o;
    this.#connection = (async () => {
      const pubsub = await factory(apiEndpoint === undefined ? { projectId } : { projectId, apiEndpoint });
      this.#client = pubsub;
      const topic = pubsub.topic(namespace, { messageOrdering: true });
      for (let attempt = 1; ; attempt += 1) {
        if (this.#closed) throw new AllFrameError("unavailable", "event bus closed before Pub/Sub answered");
        try {
          await topic.get({ autoCreate: true });
          return { pubsub, topic };
        } catch (error) {
          logger.warn({ err: error, attempt }, "Pub/Sub not reachable; retrying");
          await sleep(Math.min(250 * attempt, 2000));
        }
      }
    })();
    this.#connection.catch(() => undefined);
  }

  /** Resolves once the topic exists. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    await within(this.#connection, this.#o.connectTimeoutMs, "Pub/Sub");
  }

  async publish(event: EventEnvelope): Promise<void> {
    const data = Buffer.from(encodeEvent(event, this.#closed));
    assertBrokerEventType(event.type);
    await settleSetups(this.#setups, this.#o.publishTimeoutMs);
    const { topic } = await within(this.#connection, this.#o.publishTimeoutMs, "Pub/Sub");
    const message = {
      data,
      attributes: eventAttributes(event, "ce-"),
      ...(event.key === undefined ? {} : { orderingKey: event.key }),
    };
    const deadline = Date.now() + this.#o.publishTimeoutMs;
    await retryUntilStored(() => topic.publishMessage(message), {
      deadline,
      closed: () => this.#closed,
      failure: `Pub/Sub did not accept event ${event.id}`,
      // With ordering on, a failed publish pauses its key until resumed.
      onError: () => {
        if (event.key !== undefined) topic.resumePublishing(event.key);
      },
    });
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    assertSubscribable(this.#closed, type, opts.group);
    const sub: PubSubSub = {
      runner: new DeliveryRunner(handler, opts.group, this.#o),
      ephemeral: opts.group === undefined,
      stopped: false,
      ready: Promise.resolve(),
      attempts: new Map(),
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

  /** The subscription name for a (group, type): `[A-Za-z0-9-_]`, at most 255 characters. */
  #name(group: string, type: string): string {
    const base = [this.#o.namespace, group, type === "*" ? "all" : type]
      .join("-")
      .replace(/[^A-Za-z0-9_-]/g, "_");
    return `${/^[A-Za-z]/.test(base) ? "" : "s"}${base.slice(0, 240)}-${shortHash(`${group}\0${type}`)}`;
  }

  async #start(sub: PubSubSub, type: string, group: string | undefined, prefetch: number) {
    const name = this.#name(group ?? `solo-${randomUUID()}`, type);
    const backoff = Math.ceil(this.#o.redeliveryDelayMs / 1000);
    for (let attempt = 1; !sub.stopped && !this.#closed; attempt += 1) {
      try {
        const { pubsub, topic } = await this.#connection;
        await topic
          .createSubscription(name, {
            enableMessageOrdering: true,
            ackDeadlineSeconds: Math.min(600, Math.max(10, Math.ceil(this.#o.ackWaitMs / 1000))),
            retryPolicy: {
              minimumBackoff: { seconds: backoff },
              maximumBackoff: { seconds: Math.max(backoff, 600) },
            },
            ...(group === undefined ? { expirationPolicy: { ttl: { seconds: 86_400 } } } : {}),
          })
          .catch((error: { code?: number }) => {
            if (error?.code !== ALREADY_EXISTS) throw error;
          });
        if (sub.stopped) return;
        const handle = pubsub.subscription(name, { flowControl: { maxMessages: prefetch } });
        handle.on("message", (message) => this.#receive(sub, type, message));
        handle.on("error", (err) => this.#o.logger.warn({ err, type, group }, "Pub/Sub subscription error"));
        sub.handle = handle;
        return;
      } catch (error) {
        this.#o.logger.warn({ err: error, type, group, attempt }, "Pub/Sub subscription not ready; retrying");
        await sleep(Math.min(100 * attempt, 2000));
      }
    }
  }

  #receive(sub: PubSubSub, type: string, message: PubSubMessageLike): void {
    if (sub.stopped) return void message.nack();
    if (type !== "*" && message.attributes["ce-type"] !== type) return void message.ack();
    const event = decodeEvent(message.data.toString());
    if (event === undefined) {
      this.#o.logger.error({ messageId: message.id }, "not an AllFrame event envelope; acked");
      return void message.ack();
    }
    const count =
      message.deliveryAttempt > 0 ? message.deliveryAttempt : (sub.attempts.get(message.id) ?? 0) + 1;
    sub.attempts.set(message.id, count);
    const done = (settle: () => void) => () => {
      sub.attempts.delete(message.id);
      settle();
    };
    void sub.runner.run({
      event,
      deliveryCount: count,
      ack: done(() => message.ack()),
      drop: done(() => message.ack()),
      retry: () => message.nack(),
    });
  }

  async #stop(sub: PubSubSub): Promise<void> {
    sub.stopped = true;
    await Promise.race([sub.ready, sleep(this.#o.connectTimeoutMs)]);
    await sub.runner.drain();
    await sub.handle?.close().catch(() => undefined);
    if (sub.ephemeral) await Promise.race([sub.handle?.delete().catch(() => undefined), sleep(2000)]);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      const subs = [...this.#subscriptions];
      this.#subscriptions.clear();
      await Promise.all(subs.map((sub) => this.#stop(sub)));
      // Closing the client also ends a first connect attempt that is still waiting.
      await this.#client?.close().catch(() => undefined);
    })();
    return this.#closing;
  }
}
