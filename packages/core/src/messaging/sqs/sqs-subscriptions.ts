/**
 * The consuming side the SQS-backed buses share (SNS fan-out in this folder, EventBridge rules in
 * `eventbridge/`), which differ only in how events reach a queue. Each (group, type) is one SQS queue
 * `<namespace>-<group>-<type>-<hash>` (`all` for `"*"`), created with a visibility timeout of
 * `ackWaitMs`, connected to the event source by the adapter's {@link SqsRoute}, and consumed by an
 * {@link SqsQueueConsumer}. The members of a group poll the same queue, which outlives the process; an
 * ungrouped subscription gets a queue of its own, removed with its route on unsubscribe. Set-up is
 * retried until it succeeds or the subscription stops, so `subscribe` stays synchronous and its
 * `ready` resolves once the queue is routed.
 * @module
 */
import type { CreateQueueCommandOutput, GetQueueAttributesCommandOutput } from "@aws-sdk/client-sqs";
import {
  assertSubscribable,
  DeliveryRunner,
  type ResolvedBrokerOptions,
  settleSetups,
  shortHash,
  sleep,
} from "../broker-delivery.ts";
import type { EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import { type AwsSender, awsName, queuePolicy } from "./aws-client.ts";
import { SqsQueueConsumer } from "./sqs-queue-consumer.ts";

/** A subscription's queue: its name (with `.fifo` when FIFO), URL and ARN. */
export interface SqsQueue {
  name: string;
  url: string;
  arn: string;
}

/**
 * Connects `queue` to the events of `type` (`"*"`: all) and resolves to what undoes the connection,
 * run before the queue is deleted when an ungrouped subscription ends. Called again when a set-up
 * attempt failed, so it must be idempotent.
 */
export type SqsRoute = (sqs: AwsSender, queue: SqsQueue, type: string) => Promise<() => Promise<unknown>>;

/** What {@link SqsSubscriptions} needs from its bus. */
export interface SqsSubscriptionsOptions {
  options: ResolvedBrokerOptions;
  /** The SQS client, once the bus is connected. */
  sqs(): Promise<AwsSender>;
  /** Longest queue name without `.fifo`: 80 (SQS), 64 when it also names an EventBridge rule. */
  nameLength: number;
  /** FIFO queues (`.fifo`, `FifoQueue`), keeping order within a message group. */
  fifo: boolean;
  /** Further queue attributes, e.g. `ContentBasedDeduplication`. */
  attributes?: Record<string, string>;
  route: SqsRoute;
  /** Turns a message body into an envelope; `undefined` → deleted as foreign. */
  decode(body: string | undefined): EventEnvelope | undefined;
  /** Whether the bus is closed (no new subscriptions, set-up stops retrying). */
  closed(): boolean;
}

interface Entry {
  consumer?: SqsQueueConsumer;
  runner: DeliveryRunner;
  cleanup?: () => Promise<unknown>;
  stopped: boolean;
  ready: Promise<void>;
}

/**
 * Lets `principal` (`sns.amazonaws.com`, `events.amazonaws.com`) send to `queue` when the message
 * comes from `sourceArn` (the topic or rule), by setting the queue's policy.
 */
export async function allowQueueSender(
  sqs: AwsSender,
  queue: SqsQueue,
  principal: string,
  sourceArn: string,
): Promise<void> {
  const { SetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.url,
      Attributes: { Policy: queuePolicy(queue.arn, principal, sourceArn) },
    }),
  );
}

/** One bus's SQS subscriptions: subscribe, publish's wait for set-ups, and close. */
export class SqsSubscriptions {
  readonly #c: SqsSubscriptionsOptions;
  readonly #entries = new Set<Entry>();
  readonly #setups = new Set<Promise<void>>();

  constructor(c: SqsSubscriptionsOptions) {
    this.#c = c;
  }

  /**
   * Waits at most `ms` for subscriptions still being set up, so they see an event published now.
   */
  settle(ms: number): Promise<void> {
    return settleSetups(this.#setups, ms);
  }

  /**
   * The bus's `subscribe`.
   * @throws AllFrameError `unavailable` on a closed bus; `validation` for a bad type or an empty group.
   */
  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    assertSubscribable(this.#c.closed(), type, opts.group);
    const entry: Entry = {
      runner: new DeliveryRunner(handler, opts.group, this.#c.options),
      stopped: false,
      ready: Promise.resolve(),
    };
    this.#entries.add(entry);
    entry.ready = this.#start(entry, type, opts.group, opts.prefetch ?? 32);
    this.#setups.add(entry.ready);
    void entry.ready.finally(() => this.#setups.delete(entry.ready));
    return {
      ready: entry.ready,
      unsubscribe: async () => {
        this.#entries.delete(entry);
        await this.#stop(entry);
      },
    };
  }

  async #start(entry: Entry, type: string, group: string | undefined, prefetch: number): Promise<void> {
    const { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand } = await import(
      "@aws-sdk/client-sqs"
    );
    const { options, fifo } = this.#c;
    const owner = group ?? `solo-${crypto.randomUUID().slice(0, 8)}`;
    const name =
      awsName(
        [options.namespace, owner, type === "*" ? "all" : type],
        shortHash(`${owner}\0${type}`),
        this.#c.nameLength,
      ) + (fifo ? ".fifo" : "");
    for (let attempt = 1; !entry.stopped && !this.#c.closed(); attempt += 1) {
      try {
        const sqs = await this.#c.sqs();
        const created = (await sqs.send(
          new CreateQueueCommand({
            QueueName: name,
            Attributes: {
              VisibilityTimeout: String(Math.ceil(options.ackWaitMs / 1000)),
              ...(fifo ? { FifoQueue: "true" } : {}),
              ...this.#c.attributes,
            },
          }),
        )) as CreateQueueCommandOutput;
        const url = created.QueueUrl ?? "";
        const attrs = (await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
        )) as GetQueueAttributesCommandOutput;
        const unroute = await this.#c.route(sqs, { name, url, arn: attrs.Attributes?.QueueArn ?? "" }, type);
        if (group === undefined) {
          entry.cleanup = () =>
            Promise.allSettled([unroute(), sqs.send(new DeleteQueueCommand({ QueueUrl: url }))]);
        }
        if (entry.stopped) return;
        entry.consumer = new SqsQueueConsumer({
          sqs,
          queueUrl: url,
          runner: entry.runner,
          prefetch,
          options,
          decode: this.#c.decode,
        });
        return;
      } catch (error) {
        options.logger.warn({ err: error, type, group, attempt }, "SQS subscription not ready; retrying");
        await sleep(Math.min(100 * attempt, 2000));
      }
    }
  }

  async #stop(entry: Entry): Promise<void> {
    entry.stopped = true;
    await Promise.race([entry.ready, sleep(this.#c.options.connectTimeoutMs)]);
    await entry.consumer?.stop();
    await entry.runner.drain();
    await Promise.race([entry.cleanup?.(), sleep(5000)]);
  }

  /** Stops every subscription and resolves once their in-flight deliveries have settled. */
  async close(): Promise<void> {
    const entries = [...this.#entries];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#stop(entry)));
  }
}
