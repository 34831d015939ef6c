/**
 * Picks the event bus from `EVENT_BUS_URL`: the URL's scheme names the adapter. Adapters register
 * themselves here, so adding NATS or RabbitMQ is one `registerEventBusAdapter` call.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Logger } from "../observability/logger.ts";
import type { EventBus } from "./event-bus.ts";
import { EventBridgeEventBus } from "./eventbridge/eventbridge-event-bus.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";
import { KafkaEventBus } from "./kafka/kafka-event-bus.ts";
import { NatsJetStreamEventBus } from "./nats/nats-jetstream-event-bus.ts";
import { PubSubEventBus } from "./pubsub/pubsub-event-bus.ts";
import { RabbitMqEventBus } from "./rabbitmq/rabbitmq-event-bus.ts";
import { SqsSnsEventBus } from "./sqs/sqs-sns-event-bus.ts";

/** What an adapter factory receives. */
export interface EventBusAdapterOptions {
  /** The full URL, e.g. `nats://127.0.0.1:4222`; `undefined` for the default bus. */
  url: string | undefined;
  logger?: Logger;
}

/** Builds a bus for one URL scheme. */
export type EventBusFactory = (opts: EventBusAdapterOptions) => EventBus;

const adapters = new Map<string, EventBusFactory>();

function normaliseScheme(scheme: string): string {
  const lower = scheme.trim().toLowerCase();
  return lower.endsWith(":") ? lower : `${lower}:`;
}

/**
 * Registers (or replaces) the adapter for a URL scheme.
 * @param scheme e.g. `"nats"` or `"nats:"` (case-insensitive).
 * @example registerEventBusAdapter("nats", ({ url, logger }) => new NatsEventBus({ url, logger }));
 */
export function registerEventBusAdapter(scheme: string, factory: EventBusFactory): void {
  adapters.set(normaliseScheme(scheme), factory);
}

/** The schemes with a registered adapter, e.g. `["memory:", "in-process:"]`. */
export function eventBusSchemes(): string[] {
  return [...adapters.keys()];
}

const inProcess: EventBusFactory = ({ logger }) =>
  new InProcessEventBus(logger === undefined ? {} : { logger });
registerEventBusAdapter("memory", inProcess);
registerEventBusAdapter("in-process", inProcess);
// Broker adapters construct synchronously and connect in the background (their client libraries
// load on first connect), so `createEventBus` stays synchronous and generated services unchanged.
const withLogger = (logger: Logger | undefined) => (logger === undefined ? {} : { logger });
registerEventBusAdapter(
  "nats",
  ({ url, logger }) => new NatsJetStreamEventBus({ url: url ?? "", ...withLogger(logger) }),
);
const amqp: EventBusFactory = ({ url, logger }) =>
  new RabbitMqEventBus({ url: url ?? "", ...withLogger(logger) });
registerEventBusAdapter("amqp", amqp);
registerEventBusAdapter("amqps", amqp);
// Cloud buses: their clients (kafkajs, AWS SDK v3, @google-cloud/pubsub) load on first connect.
registerEventBusAdapter(
  "kafka",
  ({ url, logger }) => new KafkaEventBus({ url: url ?? "", ...withLogger(logger) }),
);
registerEventBusAdapter(
  "sqs",
  ({ url, logger }) => new SqsSnsEventBus({ url: url ?? "", ...withLogger(logger) }),
);
registerEventBusAdapter(
  "eventbridge",
  ({ url, logger }) => new EventBridgeEventBus({ url: url ?? "", ...withLogger(logger) }),
);
registerEventBusAdapter(
  "pubsub",
  ({ url, logger }) => new PubSubEventBus({ url: url ?? "", ...withLogger(logger) }),
);

/**
 * Creates the bus `url` names.
 *
 * @param opts.url `undefined`, `""`, `memory:` or `in-process:` → {@link InProcessEventBus}; otherwise
 *   the adapter registered for its scheme.
 * @throws AllFrameError `unsupported` when no adapter is registered for the scheme;
 *   `configuration` when `url` has no scheme. Messages never echo the URL (it may hold credentials).
 * @example const bus = createEventBus({ url: process.env.EVENT_BUS_URL, logger });
 */
export function createEventBus(opts: { url?: string; logger?: Logger } = {}): EventBus {
  const url = opts.url?.trim();
  if (url === undefined || url === "") return inProcess({ url: undefined, logger: opts.logger });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme === undefined) {
    throw new AllFrameError(
      "configuration",
      "EVENT_BUS_URL has no scheme; set it to a URL such as memory: (or unset it to use the in-process bus)",
    );
  }
  const factory = adapters.get(normaliseScheme(scheme));
  if (factory === undefined) {
    throw new AllFrameError(
      "unsupported",
      `EVENT_BUS_URL scheme "${scheme.toLowerCase()}:" is not available in this version of @allframe/core; unset EVENT_BUS_URL to use the in-process bus`,
      { details: { scheme: `${scheme.toLowerCase()}:`, available: eventBusSchemes() } },
    );
  }
  return factory({ url, logger: opts.logger });
}

/**
 * Creates the bus `url` names and waits until it is connected, so a wrong URL or a broker that is
 * down fails at start-up rather than at the first publish.
 *
 * @param opts.url as for {@link createEventBus}; `nats://` → NATS JetStream, `amqp://`/`amqps://` →
 *   RabbitMQ, `kafka://[user:pass@]b1:9092,b2:9092[/namespace]` → Kafka,
 *   `sqs://<region>/<namespace>[?topicArn=&endpoint=&fifo=true]` → SNS + SQS,
 *   `eventbridge://<region>/<bus-name>[?endpoint=&fifo=true]` → EventBridge + SQS,
 *   `pubsub://<project>/<namespace>[?apiEndpoint=]` → Google Pub/Sub. Query parameters set broker
 *   options (`?namespace=ORDERS&maxDeliver=5`, see `BrokerBusOptions`); the cloud forms take the
 *   namespace (the EventBridge bus name) from the path.
 * @throws AllFrameError as {@link createEventBus}; `unavailable` when the broker does not answer
 *   within its connect timeout (the bus is closed then).
 * @example const bus = await openEventBus({ url: process.env.EVENT_BUS_URL, logger });
 */
export async function openEventBus(opts: { url?: string; logger?: Logger } = {}): Promise<EventBus> {
  const bus = createEventBus(opts);
  try {
    await bus.ready?.();
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}
