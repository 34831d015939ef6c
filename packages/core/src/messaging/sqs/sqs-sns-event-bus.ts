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
import type { CreateQueueCommandOutput, GetQueueAttributesCommandOutput } from "@aws-sdk/client-sqs";
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
  type AwsClientFactory,
  type AwsSender,
  awsConfig,
  awsName,
  awsSdkFactory,
  queuePolicy,
} from "./aws-client.ts";
import { SqsQueueConsumer } from "./sqs-queue-consumer.ts";

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

interface SqsSubscription {
  consumer?: SqsQueueConsumer;
  runner: DeliveryRunner;
  cleanup?: () => Promise<unknown>;
  stopped: boolean;
  ready: Promise<void>;
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
  readonly #subscriptions = new Set<SqsSubscription>();
  readonly #setups = new Set<Promise<void>>();
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
  }

  async #topic(sns: AwsSender): Promise<string> {
    if (this.#o.extra.topicArn !== undefined) return this.#o.extra.topicArn;
    const { CreateTopicCommand } = await import("@aws-sdk/client-sns");
    const command = new CreateTopicCommand({
      Name: this.#fifo ? `${this.#o.namespace}.fifo` : this.#o.namespace,
      ...(this.#fifo ? { Attributes: { FifoTopic: "true" } } : {}),
    });
    for (let attempt = 1; ; attempt += 1) {
      if (this.#closed) throw new AllFrameError("unavailable", "event bus closed before SNS answered");
      try {
        const out = (await sns.send(command)) as CreateTopicCommandOutput;
        if (out.TopicArn !== undefined) return out.TopicArn;
      } catch (error) {
        this.#o.logger.warn({ err: error, attempt }, "SNS not reachable; retrying");
      }
      await sleep(Math.min(250 * attempt, 2000));
    }
  }

  /** Resolves once the topic is known. @throws AllFrameError `unavailable` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    await within(this.#connection, this.#o.connectTimeoutMs, "SNS");
  }

  async publish(event: EventEnvelope): Promise<void> {
    const body = encodeEvent(event, this.#closed);
    assertBrokerEventType(event.type);
    await settleSetups(this.#setups, this.#o.publishTimeoutMs);
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
    assertSubscribable(this.#closed, type, opts.group);
    const sub: SqsSubscription = {
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

  async #start(sub: SqsSubscription, type: string, group: string | undefined, prefetch: number) {
    const sqsApi = await import("@aws-sdk/client-sqs");
    const { SubscribeCommand, UnsubscribeCommand } = await import("@aws-sdk/client-sns");
    const owner = group ?? `solo-${crypto.randomUUID().slice(0, 8)}`;
    const suffix = this.#fifo ? ".fifo" : "";
    const name =
      awsName(
        [this.#o.namespace, owner, type === "*" ? "all" : type],
        shortHash(`${owner}\0${type}`),
        80 - suffix.length,
      ) + suffix;
    for (let attempt = 1; !sub.stopped && !this.#closed; attempt += 1) {
      try {
        const { sqs, sns, topicArn } = await this.#connection;
        const created = (await sqs.send(
          new sqsApi.CreateQueueCommand({
            QueueName: name,
            Attributes: {
              VisibilityTimeout: String(Math.ceil(this.#o.ackWaitMs / 1000)),
              ...(this.#fifo ? { FifoQueue: "true" } : {}),
            },
          }),
        )) as CreateQueueCommandOutput;
        const queueUrl = created.QueueUrl ?? "";
        const attrs = (await sqs.send(
          new sqsApi.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
        )) as GetQueueAttributesCommandOutput;
        const queueArn = attrs.Attributes?.QueueArn ?? "";
        await sqs.send(
          new sqsApi.SetQueueAttributesCommand({
            QueueUrl: queueUrl,
            Attributes: { Policy: queuePolicy(queueArn, "sns.amazonaws.com", topicArn) },
          }),
        );
        const subscribed = (await sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: "sqs",
            Endpoint: queueArn,
            ReturnSubscriptionArn: true,
            Attributes: {
              RawMessageDelivery: "true",
              ...(type === "*" ? {} : { FilterPolicy: JSON.stringify({ "ce-type": [type] }) }),
            },
          }),
        )) as SubscribeCommandOutput;
        if (group === undefined) {
          sub.cleanup = () =>
            Promise.allSettled([
              sns.send(new UnsubscribeCommand({ SubscriptionArn: subscribed.SubscriptionArn })),
              sqs.send(new sqsApi.DeleteQueueCommand({ QueueUrl: queueUrl })),
            ]);
        }
        if (sub.stopped) return;
        sub.consumer = new SqsQueueConsumer({
          sqs,
          queueUrl,
          runner: sub.runner,
          prefetch,
          options: this.#o,
          decode: decodeEvent,
        });
        return;
      } catch (error) {
        this.#o.logger.warn({ err: error, type, group, attempt }, "SQS subscription not ready; retrying");
        await sleep(Math.min(100 * attempt, 2000));
      }
    }
  }

  async #stop(sub: SqsSubscription): Promise<void> {
    sub.stopped = true;
    await Promise.race([sub.ready, sleep(this.#o.connectTimeoutMs)]);
    await sub.consumer?.stop();
    await sub.runner.drain();
    await Promise.race([sub.cleanup?.(), sleep(5000)]);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      const subs = [...this.#subscriptions];
      this.#subscriptions.clear();
      await Promise.all(subs.map((sub) => this.#stop(sub)));
      const connected = await Promise.race([this.#connection.catch(() => undefined), sleep(2000)]);
      connected?.sqs.destroy?.();
      connected?.sns.destroy?.();
    })();
    return this.#closing;
  }
}
