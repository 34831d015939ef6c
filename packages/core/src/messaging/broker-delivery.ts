/**
 * What the broker adapters (`nats/`, `rabbitmq/`; the cloud ones build on it in `cloud/`) share: their options and URL query parameters,
 * the event-type rule for subjects and routing keys, and the delivery runner that turns a handler's
 * promise into ack / delayed redelivery / drop while keeping events of one `key` in order.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import type { DeliveryErrorHandler, EventHandler } from "./event-bus.ts";
import type { EventEnvelope } from "./event-envelope.ts";

/** Options every broker adapter takes; each can also be set as a URL query parameter of that name. */
export interface BrokerBusOptions {
  /** Broker URL, e.g. `nats://127.0.0.1:4222` or `amqp://guest:guest@127.0.0.1:5672`. */
  url: string;
  /** Stream name and subject prefix (NATS) or exchange name (RabbitMQ). Default `ALLFRAME`. */
  namespace?: string;
  /** Deliveries per event before a failing one is dropped (logged). Default 5. */
  maxDeliver?: number;
  /** Delay before a rejected event is redelivered, ms. Default 1000. */
  redeliveryDelayMs?: number;
  /** NATS: how long the server waits for an ack before redelivering, ms. Default 30000. */
  ackWaitMs?: number;
  /** How long `publish` keeps retrying before it fails with `unavailable`, ms. Default 30000. */
  publishTimeoutMs?: number;
  /** How long `ready()` waits for the first connection, ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Default: a logger for service `"event-bus"`. */
  logger?: Logger;
  /** Also called for every failed delivery (after logging). */
  onError?: DeliveryErrorHandler;
}

/** {@link BrokerBusOptions} with defaults applied and the query parameters removed from `url`. */
export type ResolvedBrokerOptions = Required<Omit<BrokerBusOptions, "logger" | "onError">> & {
  logger: Logger;
  onError: DeliveryErrorHandler | undefined;
};

const NUMERIC = [
  "maxDeliver",
  "redeliveryDelayMs",
  "ackWaitMs",
  "publishTimeoutMs",
  "connectTimeoutMs",
] as const;

/**
 * Applies defaults; query parameters in `url` (`?namespace=ORDERS&maxDeliver=3`) override nothing
 * given explicitly.
 * @throws AllFrameError `configuration` for a malformed URL, an unknown query parameter, a number
 *   that is not a positive integer, or a namespace that is not a single token of `[A-Za-z0-9_-]`.
 */
export function resolveBrokerOptions(opts: BrokerBusOptions): ResolvedBrokerOptions {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch (cause) {
    throw new AllFrameError("configuration", "the event bus URL is not a valid URL", { cause });
  }
  const fromQuery: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name !== "namespace" && !(NUMERIC as readonly string[]).includes(name)) {
      throw new AllFrameError(
        "configuration",
        `event bus URL parameter "${name}" is unknown; use namespace, ${NUMERIC.join(", ")}`,
      );
    }
    fromQuery[name] = value;
  }
  url.search = "";
  const number = (name: (typeof NUMERIC)[number], fallback: number): number => {
    const value = opts[name] ?? (fromQuery[name] === undefined ? fallback : Number(fromQuery[name]));
    if (!Number.isInteger(value) || value < (name === "redeliveryDelayMs" ? 0 : 1)) {
      throw new AllFrameError("configuration", `event bus option ${name} must be a positive integer`);
    }
    return value;
  };
  const namespace = opts.namespace ?? fromQuery.namespace ?? "ALLFRAME";
  if (!/^[A-Za-z0-9_-]+$/.test(namespace)) {
    throw new AllFrameError(
      "configuration",
      `event bus namespace "${namespace}" must be letters, digits, "_" or "-"`,
    );
  }
  return {
    url: url.toString().replace(/\/$/, ""),
    namespace,
    maxDeliver: number("maxDeliver", 5),
    redeliveryDelayMs: number("redeliveryDelayMs", 1000),
    ackWaitMs: number("ackWaitMs", 30_000),
    publishTimeoutMs: number("publishTimeoutMs", 30_000),
    connectTimeoutMs: number("connectTimeoutMs", 10_000),
    logger: opts.logger ?? createLogger({ service: "event-bus" }),
    onError: opts.onError,
  };
}

/**
 * Checks that an event type can be a NATS subject suffix and an AMQP routing key: dot-separated
 * tokens of `[A-Za-z0-9_:-]`.
 * @throws AllFrameError `validation` otherwise.
 */
export function assertBrokerEventType(type: string): void {
  if (!/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/.test(type)) {
    throw new AllFrameError(
      "validation",
      `event type ${JSON.stringify(type)} cannot travel on a broker; use dot-separated words such as "order.placed"`,
    );
  }
}

/** A short stable hash (FNV-1a, 32 bit, base 36) for names derived from user input. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** One delivery from a broker, with the adapter's ways to settle it. */
export interface BrokerDelivery {
  event: EventEnvelope;
  /** 1 on the first delivery. */
  deliveryCount: number;
  ack(): void | Promise<void>;
  /** Ask the broker to deliver it again after `delayMs`. */
  retry(delayMs: number): void | Promise<void>;
  /** Give up on it for good. */
  drop(): void | Promise<void>;
}

/** Sleeps `ms`; the timer does not hold the process open. */
/**
 * Runs `send` until it resolves, backing off 100 ms, 200 ms, ... up to 1 s between tries: a broker
 * publish resolves only once the broker stored the event, so a send cut off by a restart or a lost
 * acknowledgement is tried again (adapters make retries safe by publishing with the event id).
 * @throws AllFrameError `unavailable` with `failure` as message and the last error as cause, once
 *   `deadline` (epoch ms) has passed or `closed()` is true.
 */
export async function retryUntilStored(
  send: () => Promise<unknown>,
  opts: { deadline: number; closed: () => boolean; failure: string; onError?: (cause: unknown) => void },
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await send();
      return;
    } catch (cause) {
      opts.onError?.(cause);
      if (Date.now() >= opts.deadline || opts.closed()) {
        throw new AllFrameError("unavailable", opts.failure, { cause });
      }
      await sleep(Math.min(50 * 2 ** attempt, 1000));
    }
  }
}

/**
 * The argument checks every broker adapter's `subscribe` makes.
 * @throws AllFrameError `unavailable` on a closed bus; `validation` for a bad event type or an empty group.
 */
export function assertSubscribable(closed: boolean, type: string, group: string | undefined): void {
  if (closed) throw new AllFrameError("unavailable", `event bus is closed; cannot subscribe to "${type}"`);
  if (type !== "*") assertBrokerEventType(type);
  if (group !== undefined && group.trim() === "")
    throw new AllFrameError("validation", "a consumer group name must not be empty");
}

/**
 * Waits, at most `ms` milliseconds, for the subscriptions this bus is still setting up, so they see an
 * event published right after them (as on the in-process bus). Returns at once when there are none, and
 * clears its timer otherwise: publish is a hot path, and a pending timer per call costs CPU and memory.
 */
export async function settleSetups(setups: ReadonlySet<Promise<void>>, ms: number): Promise<void> {
  if (setups.size === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.allSettled(setups), timeout]);
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Runs one subscription's handler on broker deliveries: events of one `key` strictly one after the
 * other in arrival order (key lanes), other events concurrently; resolve → ack, reject → log, report
 * and `retry`, or `drop` once `maxDeliver` deliveries failed.
 */
export class DeliveryRunner {
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();

  readonly handler: EventHandler;
  readonly group: string | undefined;
  readonly options: ResolvedBrokerOptions;

  constructor(handler: EventHandler, group: string | undefined, options: ResolvedBrokerOptions) {
    this.handler = handler;
    this.group = group;
    this.options = options;
  }

  /** Number of deliveries accepted and not yet settled. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Queues a delivery; the returned promise settles once it has been acked, retried or dropped. */
  run(delivery: BrokerDelivery): Promise<void> {
    const key = delivery.event.key;
    const previous = key === undefined ? undefined : this.#lanes.get(key);
    const work = (previous ?? Promise.resolve()).then(() => this.#settle(delivery));
    if (key !== undefined) {
      this.#lanes.set(key, work);
      void work.then(() => {
        if (this.#lanes.get(key) === work) this.#lanes.delete(key);
      });
    }
    this.#running.add(work);
    void work.then(() => this.#running.delete(work));
    return work;
  }

  /** Resolves once every accepted delivery has settled. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #settle(delivery: BrokerDelivery): Promise<void> {
    const { event } = delivery;
    const { logger, maxDeliver, redeliveryDelayMs } = this.options;
    try {
      try {
        await this.handler(event);
      } catch (error) {
        this.#report(event, error);
        if (delivery.deliveryCount >= maxDeliver) {
          logger.error(
            {
              eventId: event.id,
              eventType: event.type,
              group: this.group,
              deliveries: delivery.deliveryCount,
            },
            "event dropped after its last delivery (maxDeliver reached)",
          );
          await delivery.drop();
        } else {
          await delivery.retry(redeliveryDelayMs);
        }
        return;
      }
      await delivery.ack();
    } catch (error) {
      // Settling failed (connection lost): the broker redelivers after its ack timeout or reconnect.
      logger.warn({ err: error, eventId: event.id }, "could not settle a delivery with the broker");
    }
  }

  #report(event: EventEnvelope, error: unknown): void {
    this.options.logger.error(
      { err: error, eventId: event.id, eventType: event.type, group: this.group },
      "event handler failed",
    );
    try {
      this.options.onError?.(event, error, this.group);
    } catch (hookError) {
      this.options.logger.error({ err: hookError }, "event bus onError callback threw");
    }
  }
}
