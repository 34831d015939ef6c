/**
 * The event bus on Amazon SNS + SQS (`sqs://<region>/<namespace>[?topicArn=...&endpoint=...&fifo=true]`),
 * with AWS SDK v3 loaded on first connect.
 *
 * Layout: one SNS topic per namespace (default `ALLFRAME`; created by `CreateTopic`, or the existing
 * `topicArn`). `publish` sends the JSON envelope with message attributes `ce-id`, `ce-type`,
 * `ce-source` and the event's headers (`traceparent` and `tracestate` first; SNS/SQS carry at most
 * 10 attributes, the body keeps them all). Each (group, type) is one SQS queue
 * `<namespace>-<group>-<type>-<hash>` subscribed to the topic with raw delivery and the filter
 * policy `{"ce-type": [type]}` (none for `"*"`); the members of a group poll the same queue. An
 * ungrouped subscription gets its own queue, deleted with its subscription on unsubscribe.
 *
 * Delivery: see `sqs-queue-consumer.ts` (delete = ack, visibility change = delayed redelivery,
 * `ApproximateReceiveCount` = delivery count). Standard queues do not keep order; with `fifo=true`
 * the topic and queues are FIFO, `MessageGroupId` is `event.key` (the id when unkeyed) and
 * `MessageDeduplicationId` the event id, so order per key holds across consumers.
 *
 * `endpoint` points the clients elsewhere (LocalStack: `http://127.0.0.1:4566`).
 * @module
 */
import type { CreateTopicCommandOutput, SubscribeCommandOutput } from "@aws-sdk/client-sns";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { assertBrokerEventType, type BrokerBusOptions, retryUntilStored, sleep } from "../broker-delivery.ts";
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
  type AwsClientFactory,
  type AwsSender,
  awsConfig,
  awsSdkFactory,
  untilAnswered,
} from "./aws-client.ts";
import { allowQueueSender, type SqsQueue, SqsSubscriptions } from "./sqs-subscriptions.ts";

/** Options for {@link SqsSnsEventBus}. */
export interface SqsSnsEventBusOptions extends BrokerBusOptions {
  /** Builds the AWS clients; default AWS SDK v3. Tests pass a fake. */
  client?: AwsClientFactory;
}

type Extra = "topicArn" | "endpoint" | "fifo";

interface Connected {
  sqs: AwsSender;
  sns: AwsSender;
  topicArn: string;
}

/**
 * An {@link EventBus} on SNS fan-out to one SQS queue per consumer group.
 * @example
 * const bus = new SqsSnsEventBus({ url: "sqs://eu-west-1/orders", logger });
 * await bus.ready();
 */
export class SqsSnsEventBus implements EventBus {
  readonly kind = "sqs";
  readonly #o: ResolvedCloudOptions<Extra>;
  readonly #fifo: boolean;
  readonly #connection: Promise<Connected>;
  readonly #subscriptions: SqsSubscriptions;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws AllFrameError `configuration` for a URL whose host is not a region, or bad options. */
  constructor(opts: SqsSnsEventBusOptions) {
    this.#o = resolveCloudOptions<Extra>(opts, ["topicArn", "endpoint", "fifo"]);
    const config = awsConfig(this.#o.authority, this.#o.extra.endpoint);
    if (config === undefined) {
      throw new AllFrameError(
        "configuration",
        "sqs:// needs an AWS region as its host, e.g. sqs://eu-west-1/orders",
      );
    }
    this.#fifo = this.#o.extra.fifo === "true";
    const factory = opts.client ?? awsSdkFactory;
    this.#connection = (async () => {
      const [sqs, sns] = await Promise.all([factory("sqs", config), factory("sns", config)]);
      return { sqs, sns, topicArn: await this.#topic(sns) };
    })();
    this.#connection.catch(() => undefined);
    this.#subscriptions = new SqsSubscriptions({
      options: this.#o,
      sqs: async () => (await this.#connection).sqs,
      nameLength: this.#fifo ? 75 : 80,
      fifo: this.#fifo,
      route: (sqs, queue, type) => this.#route(sqs, queue, type),
      decode: decodeEvent,
      closed: () => this.#closed,
    });
  }

  async #topic(sns: AwsSender): Promise<string> {
    if (this.#o.extra.topicArn !== undefined) return this.#o.extra.topicArn;
    const { CreateTopicCommand } = await import("@aws-sdk/client-sns");
    const command = new CreateTopicCommand({
      Name: this.#fifo ? `${this.#o.namespace}.fifo` : this.#o.namespace,
      ...(this.#fifo ? { Attributes: { FifoTopic: "true" } } : {}),
    });
    return untilAnswered(async () => ((await sns.send(command)) as CreateTopicCommandOutput).TopicArn, {
      service: "SNS",
      closed: () => this.#closed,
      logger: this.#o.logger,
    });
  }

  /** Resolves once the topic is known. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    await within(this.#connection, this.#o.connectTimeoutMs, "SNS");
  }

  async publish(event: EventEnvelope): Promise<void> {
    const body = encodeEvent(event, this.#closed);
    assertBrokerEventType(event.type);
    await this.#subscriptions.settle(this.#o.publishTimeoutMs);
    const { sns, topicArn } = await within(this.#connection, this.#o.publishTimeoutMs, "SNS");
    const { PublishCommand } = await import("@aws-sdk/client-sns");
    const attributes = Object.entries(eventAttributes(event, "ce-", 10));
    const command = new PublishCommand({
      TopicArn: topicArn,
      Message: body,
      MessageAttributes: Object.fromEntries(
        attributes.map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
      ),
      ...(this.#fifo ? { MessageGroupId: event.key ?? event.id, MessageDeduplicationId: event.id } : {}),
    });
    const deadline = Date.now() + this.#o.publishTimeoutMs;
    await retryUntilStored(() => sns.send(command), {
      deadline,
      closed: () => this.#closed,
      failure: `SNS did not accept event ${event.id}`,
    });
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    return this.#subscriptions.subscribe(type, handler, opts);
  }

  /** Subscribes the queue to the topic with raw delivery and a `ce-type` filter (none for `"*"`). */
  async #route(sqs: AwsSender, queue: SqsQueue, type: string): Promise<() => Promise<unknown>> {
    const { SubscribeCommand, UnsubscribeCommand } = await import("@aws-sdk/client-sns");
    const { sns, topicArn } = await this.#connection;
    await allowQueueSender(sqs, queue, "sns.amazonaws.com", topicArn);
    const subscribed = (await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: queue.arn,
        ReturnSubscriptionArn: true,
        Attributes: {
          RawMessageDelivery: "true",
          ...(type === "*" ? {} : { FilterPolicy: JSON.stringify({ "ce-type": [type] }) }),
        },
      }),
    )) as SubscribeCommandOutput;
    return () => sns.send(new UnsubscribeCommand({ SubscriptionArn: subscribed.SubscriptionArn }));
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await this.#subscriptions.close();
      const connected = await Promise.race([this.#connection.catch(() => undefined), sleep(2000)]);
      connected?.sqs.destroy?.();
      connected?.sns.destroy?.();
    })();
    return this.#closing;
  }
}
