/**
 * The event bus on NATS JetStream (`nats://host:port`), with the official client
 * (`@nats-io/transport-node` + `@nats-io/jetstream` v3, loaded on first connect).
 *
 * Layout: one stream per namespace (default `ALLFRAME`, file storage, 7-day retention, 2-minute
 * duplicate window) capturing `<ns>.>`; an event of type `order.placed` is stored under subject
 * `<ns>.order.placed`. Each (group, type) is a durable pull consumer with explicit ack, `ack_wait`,
 * `max_deliver` and deliver policy `new`; an ungrouped subscription is an ephemeral consumer
 * (deleted on unsubscribe, or by the server after 60 s without a client).
 *
 * Delivery: see `event-bus.ts`. `publish` sends `Nats-Msg-Id: <event id>` and retries until the
 * server acknowledges the store (or `publishTimeoutMs` passes), so a retry after a lost ack is
 * deduplicated by the server. Acknowledgements come back on one reply subscription per bus
 * (`JetStreamPublisher`), not one request object and timer per publish. A rejected event is `nak`ed with `redeliveryDelayMs`; one that failed
 * `maxDeliver` deliveries is `term`ed. Held deliveries send `working` every `ack_wait / 3` (one timer
 * per subscription), so events queued behind a slow one of the same key are not redelivered meanwhile.
 *
 * Order per key is kept inside one subscriber (key lanes over the stream order). Members of a group
 * in different processes share one durable consumer and may run events of one key in parallel; a
 * group that needs cross-process order per key runs one member (see the report on issue 4 for the
 * partitioned-subjects follow-up).
 *
 * Reconnect: the client reconnects forever (250 ms apart); the durable consumers live in the
 * server's store, so consumption resumes after a server restart.
 * @module
 */
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  assertBrokerEventType,
  assertSubscribable,
  type BrokerBusOptions,
  DeliveryRunner,
  type ResolvedBrokerOptions,
  resolveBrokerOptions,
  retryUntilStored,
  settleSetups,
  shortHash,
  sleep,
} from "../broker-delivery.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import { assertEventType, type EventEnvelope } from "../event-envelope.ts";
import { JetStreamPublisher } from "./jetstream-publisher.ts";

/** Options for {@link NatsJetStreamEventBus}; `url` is `nats://[user:pass@]host[:port][?namespace=...]`. */
export type NatsJetStreamEventBusOptions = BrokerBusOptions;

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  headers: () => MsgHdrs;
  publisher: JetStreamPublisher;
}

interface NatsSubscription {
  readonly runner: DeliveryRunner;
  /** Deliveries not settled yet; each gets `working()` every `ack_wait / 3` from `keepAlive`. */
  readonly held: Set<JsMsg>;
  keepAlive?: ReturnType<typeof setInterval>;
  messages?: ConsumerMessages;
  ephemeral?: string;
  stopped: boolean;
  ready: Promise<void>;
}

const MS = 1_000_000; // JetStream durations are nanoseconds
const UTF8 = new TextDecoder();
const DAY_MS = 86_400_000;
const HEADER_KEY = /^[!-9;-~]+$/;

function name(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * An {@link EventBus} on NATS JetStream.
 * @example
 * const bus = new NatsJetStreamEventBus({ url: "nats://127.0.0.1:4222", logger });
 * await bus.ready();
 */
export class NatsJetStreamEventBus implements EventBus {
  readonly kind = "nats";
  readonly #o: ResolvedBrokerOptions;
  readonly #connection: Promise<Connected>;
  readonly #subscriptions = new Set<NatsSubscription>();
  readonly #setups = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws AllFrameError `configuration` for bad options (see `resolveBrokerOptions`). */
  constructor(opts: NatsJetStreamEventBusOptions) {
    this.#o = resolveBrokerOptions(opts);
    this.#connection = this.#connect();
    this.#connection.catch(() => undefined);
  }

  async #connect(): Promise<Connected> {
    const { connect, createInbox, headers } = await import("@nats-io/transport-node");
    const { jetstream, jetstreamManager, StorageType } = await import("@nats-io/jetstream");
    const url = new URL(this.#o.url);
    const options = {
      servers: `${url.hostname}:${url.port === "" ? "4222" : url.port}`,
      ...(url.username === "" ? {} : { user: decodeURIComponent(url.username) }),
      ...(url.password === "" ? {} : { pass: decodeURIComponent(url.password) }),
      name: `allframe-${this.#o.namespace}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 2000,
      // Without this the client builds Error objects (stack captures) for every request (the
      // JetStream API calls; publishes go through `JetStreamPublisher`) to decorate a failure that
      // almost never comes. Failures keep their message and cause.
      noAsyncTraces: true,
    };
    // Our own first-connect loop (not waitOnFirstConnect), so close() can end it.
    let nc: NatsConnection | undefined;
    while (nc === undefined) {
      if (this.#closed) throw new AllFrameError("unavailable", "event bus closed before NATS answered");
      nc = await connect(options).catch(() => sleep(250).then(() => undefined));
    }
    if (this.#closed) {
      await nc.close();
      throw new AllFrameError("unavailable", "event bus closed while connecting to NATS");
    }
    const jsm = await jetstreamManager(nc);
    const stream = this.#o.namespace;
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add({
        name: stream,
        subjects: [`${stream}.>`],
        storage: StorageType.File,
        max_age: 7 * DAY_MS * MS,
        duplicate_window: 120_000 * MS,
      });
    }
    return { nc, js: jetstream(nc), jsm, headers, publisher: new JetStreamPublisher(nc, createInbox()) };
  }

  /** Resolves once connected and the stream exists. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    const timeout = sleep(this.#o.connectTimeoutMs).then(() => {
      throw new AllFrameError("unavailable", `NATS did not answer within ${this.#o.connectTimeoutMs} ms`);
    });
    await Promise.race([this.#connection, timeout]);
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.#closed)
      throw new AllFrameError("unavailable", `event bus is closed; cannot publish "${event.type}"`);
    assertEventType(event.type);
    assertBrokerEventType(event.type);
    let payload: string;
    try {
      payload = JSON.stringify(event);
    } catch (cause) {
      throw new AllFrameError("validation", `event "${event.type}" cannot be serialised to JSON`, { cause });
    }
    const deadline = Date.now() + this.#o.publishTimeoutMs;
    // Subscriptions made on this bus before publish see the event, as in-process.
    await settleSetups(this.#setups, this.#o.publishTimeoutMs);
    const { publisher, headers } = await this.#connection;
    const h = headers();
    for (const [key, value] of Object.entries(event.headers ?? {})) {
      if (HEADER_KEY.test(key) && !/[\r\n]/.test(value)) h.set(key, value);
    }
    h.set("Nats-Msg-Id", event.id);
    const subject = `${this.#o.namespace}.${event.type}`;
    await retryUntilStored(
      () => publisher.publish(subject, payload, h, Math.min(5000, Math.max(1, deadline - Date.now()))),
      { deadline, closed: () => this.#closed, failure: `NATS did not store event ${event.id}` },
    );
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    assertSubscribable(this.#closed, type, opts.group);
    const sub: NatsSubscription = {
      runner: new DeliveryRunner(handler, opts.group, this.#o),
      held: new Set(),
      stopped: false,
      ready: Promise.resolve(),
    };
    this.#subscriptions.add(sub);
    const ready = this.#start(sub, type, opts.group, opts.prefetch ?? 32);
    sub.ready = ready;
    this.#setups.add(ready);
    void ready.finally(() => this.#setups.delete(ready));
    return {
      ready,
      unsubscribe: async () => {
        this.#subscriptions.delete(sub);
        await this.#stop(sub);
      },
    };
  }

  async #start(sub: NatsSubscription, type: string, group: string | undefined, prefetch: number) {
    const stream = this.#o.namespace;
    const config = {
      ack_policy: "explicit" as const,
      deliver_policy: "new" as const,
      filter_subject: type === "*" ? `${stream}.>` : `${stream}.${type}`,
      ack_wait: this.#o.ackWaitMs * MS,
      max_deliver: this.#o.maxDeliver,
      max_ack_pending: Math.max(prefetch * 4, 256),
    };
    for (let attempt = 1; !sub.stopped && !this.#closed; attempt += 1) {
      try {
        const { js, jsm } = await this.#connection;
        let consumerName: string;
        if (group === undefined) {
          const info = await jsm.consumers.add(stream, { ...config, inactive_threshold: 60_000 * MS });
          consumerName = info.name;
          sub.ephemeral = consumerName;
        } else {
          consumerName = `${name(group)}__${name(type)}__${shortHash(`${group}\0${type}`)}`;
          await jsm.consumers.add(stream, { ...config, durable_name: consumerName }).catch(async () => {
            const { deliver_policy: _, filter_subject: __, ...mutable } = config;
            await jsm.consumers.update(stream, consumerName, mutable);
          });
        }
        const consumer = await js.consumers.get(stream, consumerName);
        sub.messages = await consumer.consume({
          max_messages: prefetch,
          callback: (msg) => this.#receive(sub, msg),
        });
        // One timer per subscription, not per delivery: events held behind a slow one of their key
        // are not redelivered meanwhile.
        sub.keepAlive = setInterval(
          () => {
            for (const msg of sub.held) msg.working();
          },
          Math.max(this.#o.ackWaitMs / 3, 100),
        );
        sub.keepAlive.unref?.();
        return;
      } catch (error) {
        this.#o.logger.warn({ err: error, type, group, attempt }, "NATS subscription not ready; retrying");
        await sleep(Math.min(100 * attempt, 2000));
      }
    }
  }

  #receive(sub: NatsSubscription, msg: JsMsg): void {
    if (sub.stopped) return void msg.nak();
    let event: EventEnvelope;
    try {
      event = JSON.parse(UTF8.decode(msg.data)) as EventEnvelope;
    } catch (err) {
      this.#o.logger.error({ err, subject: msg.subject }, "not an AllFrame event envelope; terminated");
      return void msg.term();
    }
    sub.held.add(msg);
    const settle = (fn: () => void) => () => {
      sub.held.delete(msg);
      fn();
    };
    void sub.runner.run({
      event,
      deliveryCount: msg.info.deliveryCount,
      ack: settle(() => msg.ack()),
      retry: (delayMs) => settle(() => msg.nak(delayMs))(),
      drop: settle(() => msg.term()),
    });
  }

  async #stop(sub: NatsSubscription): Promise<void> {
    sub.stopped = true;
    await sub.ready;
    await sub.messages?.close().catch(() => undefined);
    await sub.runner.drain();
    clearInterval(sub.keepAlive);
    if (sub.ephemeral !== undefined) {
      const { jsm } = await this.#connection;
      await Promise.race([
        jsm.consumers.delete(this.#o.namespace, sub.ephemeral).catch(() => false),
        sleep(2000),
      ]);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      const subs = [...this.#subscriptions];
      this.#subscriptions.clear();
      await Promise.all(subs.map((sub) => this.#stop(sub)));
      const connected = await this.#connection.catch(() => undefined);
      if (connected === undefined) return;
      const drained = connected.nc.drain().catch(() => undefined);
      await Promise.race([drained, sleep(5000)]);
      connected.publisher.close();
      if (!connected.nc.isClosed()) await connected.nc.close();
    })();
    return this.#closing;
  }
}
