/**
 * The event bus on Amazon EventBridge + SQS (`eventbridge://<region>/<bus-name>[?endpoint=...&fifo=true]`),
 * with AWS SDK v3 loaded on first connect.
 *
 * Publish: one `PutEvents` entry per event on bus `<bus-name>` (default `ALLFRAME`; created by
 * `CreateEventBus` when `DescribeEventBus` does not find it; `default` is AWS's own), mapped as in
 * `eventbridge-mapping.ts` (`Source` = source, `DetailType` = type, `Detail` = the envelope JSON). An
 * entry over 256 KB is refused before sending. Concurrent publishes share `PutEvents` calls; an entry
 * EventBridge refuses with `InternalFailure` or `ThrottlingException` is sent again until
 * `publishTimeoutMs`, any other refusal fails the publish at once.
 *
 * Subscribe: each (group, type) is an SQS queue `<bus>-<group>-<type>-<hash>` and an EventBridge rule
 * of the same name matching the type's `detail-type` (`PutRule`), targeting the queue (`PutTargets`),
 * with a queue policy letting `events.amazonaws.com` send from that rule. Consumption, ack (delete),
 * nack (visibility change = delayed redelivery) and the last delivery (deleted with an error log) are
 * the SQS adapter's (`sqs/sqs-subscriptions.ts`, `sqs/sqs-queue-consumer.ts`). An ungrouped
 * subscription's rule and queue are removed on unsubscribe. On AWS a new rule and queue policy take
 * effect after a short delay (eventual consistency), and events put before then miss the new queue:
 * create a group before its traffic starts (its rule and queue persist across restarts).
 *
 * Order: EventBridge does not promise delivery order and standard queues do not keep it. With
 * `fifo=true` the queues are FIFO with content-based deduplication and each rule's target puts all of
 * its events in one message group (EventBridge's `MessageGroupId` is fixed per target), so a group's
 * events are handed out in arrival order, ten at a time, and a rejected event holds its group's queue
 * until it is redelivered.
 *
 * `endpoint` points the clients elsewhere (LocalStack: `http://127.0.0.1:4566`).
 * @module
 */
import type { PutEventsCommandOutput, PutRuleCommandOutput } from "@aws-sdk/client-eventbridge";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { assertBrokerEventType, type BrokerBusOptions, retryUntilStored, sleep } from "../broker-delivery.ts";
import {
  encodeEvent,
  type ResolvedCloudOptions,
  resolveCloudOptions,
  within,
} from "../cloud/cloud-bus-options.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import {
  type AwsClientFactory,
  type AwsSender,
  awsConfig,
  awsSdkFactory,
  untilAnswered,
} from "../sqs/aws-client.ts";
import { allowQueueSender, type SqsQueue, SqsSubscriptions } from "../sqs/sqs-subscriptions.ts";
import { decodeEventBridgeMessage, eventPattern, toPutEventsEntry } from "./eventbridge-mapping.ts";
import { MAX_PUT_EVENTS_BYTES, PutEventsBatcher, putEventsEntrySize } from "./put-events-batcher.ts";

/** Options for {@link EventBridgeEventBus}. */
export interface EventBridgeEventBusOptions extends BrokerBusOptions {
  /** Builds the AWS clients; default AWS SDK v3. Tests pass a fake. */
  client?: AwsClientFactory;
}

type Extra = "endpoint" | "fifo";

interface Connected {
  sqs: AwsSender;
  events: AwsSender;
  batcher: PutEventsBatcher;
}

/** The id of the one target each rule has. */
const TARGET_ID = "allframe-sqs";

/**
 * An {@link EventBus} on an EventBridge event bus, with one rule and SQS queue per consumer group.
 * @example
 * const bus = new EventBridgeEventBus({ url: "eventbridge://eu-west-1/orders", logger });
 * await bus.ready();
 */
export class EventBridgeEventBus implements EventBus {
  readonly kind = "eventbridge";
  readonly #o: ResolvedCloudOptions<Extra>;
  readonly #fifo: boolean;
  readonly #connection: Promise<Connected>;
  readonly #subscriptions: SqsSubscriptions;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * @throws AllFrameError `configuration` for a URL whose host is not a region, a bus name that is
   *   not `[A-Za-z0-9_-]`, or bad options.
   */
  constructor(opts: EventBridgeEventBusOptions) {
    this.#o = resolveCloudOptions<Extra>(opts, ["endpoint", "fifo"]);
    const config = awsConfig(this.#o.authority, this.#o.extra.endpoint);
    if (config === undefined) {
      throw new AllFrameError(
        "configuration",
        "eventbridge:// needs an AWS region as its host, e.g. eventbridge://eu-west-1/orders",
      );
    }
    this.#fifo = this.#o.extra.fifo === "true";
    const factory = opts.client ?? awsSdkFactory;
    this.#connection = (async () => {
      const [sqs, events] = await Promise.all([factory("sqs", config), factory("eventbridge", config)]);
      await this.#ensureBus(events);
      const { PutEventsCommand } = await import("@aws-sdk/client-eventbridge");
      const batcher = new PutEventsBatcher(
        async (Entries) => (await events.send(new PutEventsCommand({ Entries }))) as PutEventsCommandOutput,
      );
      return { sqs, events, batcher };
    })();
    this.#connection.catch(() => undefined);
    this.#subscriptions = new SqsSubscriptions({
      options: this.#o,
      sqs: async () => (await this.#connection).sqs,
      nameLength: 64,
      fifo: this.#fifo,
      ...(this.#fifo ? { attributes: { ContentBasedDeduplication: "true" } } : {}),
      route: (sqs, queue, type) => this.#route(sqs, queue, type),
      decode: decodeEventBridgeMessage,
      closed: () => this.#closed,
    });
  }

  async #ensureBus(events: AwsSender): Promise<void> {
    const Name = this.#o.namespace;
    if (Name === "default") return;
    const api = await import("@aws-sdk/client-eventbridge");
    await untilAnswered(
      async () => {
        try {
          await events.send(new api.DescribeEventBusCommand({ Name }));
        } catch (error) {
          if ((error as { name?: unknown } | undefined)?.name !== "ResourceNotFoundException") throw error;
          await events.send(new api.CreateEventBusCommand({ Name }));
        }
        return true;
      },
      { service: "EventBridge", closed: () => this.#closed, logger: this.#o.logger },
    );
  }

  /** Resolves once the event bus exists. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    await within(this.#connection, this.#o.connectTimeoutMs, "EventBridge");
  }

  /**
   * `PutEvents` the event; resolves once EventBridge stored it.
   * @throws AllFrameError `validation` for an entry over 256 KB or one EventBridge refuses as
   *   malformed, `forbidden` when it refuses the source or detail type to these credentials,
   *   `unavailable` when it did not store the event within `publishTimeoutMs` or the bus is closed.
   */
  async publish(event: EventEnvelope): Promise<void> {
    const detail = encodeEvent(event, this.#closed);
    assertBrokerEventType(event.type);
    const entry = toPutEventsEntry(event, this.#o.namespace, detail);
    const size = putEventsEntrySize(entry);
    if (size > MAX_PUT_EVENTS_BYTES) {
      throw new AllFrameError(
        "validation",
        `event ${event.id} ("${event.type}") is ${size} bytes as an EventBridge entry; PutEvents takes at most ${MAX_PUT_EVENTS_BYTES} (256 KB): keep the payload elsewhere (S3) and publish a reference to it`,
      );
    }
    await this.#subscriptions.settle(this.#o.publishTimeoutMs);
    const { batcher } = await within(this.#connection, this.#o.publishTimeoutMs, "EventBridge");
    let refused: unknown;
    try {
      await retryUntilStored(() => batcher.put(entry), {
        deadline: Date.now() + this.#o.publishTimeoutMs,
        closed: () => this.#closed || refused !== undefined,
        failure: `EventBridge did not accept event ${event.id}`,
        onError: (cause) => {
          if (hasErrorCode(cause, "validation") || hasErrorCode(cause, "forbidden")) refused = cause;
        },
      });
    } catch (error) {
      throw refused ?? error;
    }
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    return this.#subscriptions.subscribe(type, handler, opts);
  }

  /** Rule on the type's `detail-type`, queue policy for that rule, the queue as the rule's target. */
  async #route(sqs: AwsSender, queue: SqsQueue, type: string): Promise<() => Promise<unknown>> {
    const api = await import("@aws-sdk/client-eventbridge");
    const { events } = await this.#connection;
    const EventBusName = this.#o.namespace;
    const Name = queue.name.replace(/\.fifo$/, "");
    const rule = (await events.send(
      new api.PutRuleCommand({ Name, EventBusName, EventPattern: eventPattern(type), State: "ENABLED" }),
    )) as PutRuleCommandOutput;
    await allowQueueSender(sqs, queue, "events.amazonaws.com", rule.RuleArn ?? "");
    await events.send(
      new api.PutTargetsCommand({
        Rule: Name,
        EventBusName,
        Targets: [
          {
            Id: TARGET_ID,
            Arn: queue.arn,
            ...(this.#fifo ? { SqsParameters: { MessageGroupId: Name } } : {}),
          },
        ],
      }),
    );
    return async () => {
      await events.send(new api.RemoveTargetsCommand({ Rule: Name, EventBusName, Ids: [TARGET_ID] }));
      await events.send(new api.DeleteRuleCommand({ Name, EventBusName }));
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await this.#subscriptions.close();
      const connected = await Promise.race([this.#connection.catch(() => undefined), sleep(2000)]);
      connected?.sqs.destroy?.();
      connected?.events.destroy?.();
    })();
    return this.#closing;
  }
}
