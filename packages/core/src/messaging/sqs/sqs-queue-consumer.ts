/**
 * Consumes one SQS queue into a {@link DeliveryRunner}: long-polls `ReceiveMessage` (up to 10 at a
 * time, never more than `prefetch` unsettled), and settles each message — resolve → `DeleteMessage`,
 * reject → `ChangeMessageVisibility` to `redeliveryDelayMs` (rounded up to whole seconds, SQS's
 * unit), last failed delivery (`ApproximateReceiveCount` ≥ `maxDeliver`) → `DeleteMessage` with an
 * error log. A held message's visibility is extended every `ackWaitMs / 3`. Shared by the SQS/SNS and
 * EventBridge buses, which differ only in how events reach the queue.
 * @module
 */
import type { Message, ReceiveMessageCommandOutput } from "@aws-sdk/client-sqs";
import { type DeliveryRunner, type ResolvedBrokerOptions, sleep } from "../broker-delivery.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import type { AwsSender } from "./aws-client.ts";

/** What a consumer needs. */
export interface SqsQueueConsumerOptions {
  sqs: AwsSender;
  queueUrl: string;
  runner: DeliveryRunner;
  prefetch: number;
  options: ResolvedBrokerOptions;
  /** Turns a message body into an envelope; `undefined` → deleted as foreign. */
  decode(body: string | undefined): EventEnvelope | undefined;
}

/** Polls one queue until {@link SqsQueueConsumer.stop}. */
export class SqsQueueConsumer {
  readonly #c: SqsQueueConsumerOptions;
  readonly #abort = new AbortController();
  readonly #loop: Promise<void>;
  #stopped = false;

  constructor(c: SqsQueueConsumerOptions) {
    this.#c = c;
    this.#loop = this.#poll();
  }

  async #poll(): Promise<void> {
    const sqs = await import("@aws-sdk/client-sqs");
    const { queueUrl, runner, prefetch, options } = this.#c;
    const visibility = Math.max(1, Math.ceil(options.ackWaitMs / 1000));
    for (let failures = 0; !this.#stopped; ) {
      const room = Math.min(10, prefetch - runner.inFlight);
      if (room <= 0) {
        await sleep(5);
        continue;
      }
      try {
        const command = new sqs.ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: room,
          WaitTimeSeconds: 10,
          VisibilityTimeout: visibility,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          MessageAttributeNames: ["All"],
        });
        const out = (await this.#c.sqs.send(command, {
          abortSignal: this.#abort.signal,
        })) as ReceiveMessageCommandOutput;
        failures = 0;
        for (const message of out.Messages ?? []) this.#receive(sqs, message);
      } catch (error) {
        if (this.#stopped) return;
        failures += 1;
        options.logger.warn({ err: error, failures }, "SQS receive failed; retrying");
        await sleep(Math.min(100 * failures, 2000));
      }
    }
  }

  #receive(sqs: typeof import("@aws-sdk/client-sqs"), message: Message): void {
    const { queueUrl, runner, options } = this.#c;
    const handle = { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle };
    const remove = () => this.#c.sqs.send(new sqs.DeleteMessageCommand(handle));
    const event = this.#c.decode(message.Body);
    if (event === undefined) {
      options.logger.error({ messageId: message.MessageId }, "not an AllFrame event envelope; deleted");
      void remove().catch(() => undefined);
      return;
    }
    const extend = () =>
      this.#c.sqs
        .send(
          new sqs.ChangeMessageVisibilityCommand({
            ...handle,
            VisibilityTimeout: Math.ceil(options.ackWaitMs / 1000),
          }),
        )
        .catch(() => undefined);
    const keepAlive = setInterval(extend, Math.max(options.ackWaitMs / 3, 1000));
    keepAlive.unref?.();
    const settle = async (work: () => Promise<unknown>) => {
      clearInterval(keepAlive);
      await work();
    };
    void runner.run({
      event,
      deliveryCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
      ack: () => settle(remove),
      drop: () => settle(remove),
      retry: (delayMs) =>
        settle(() =>
          this.#c.sqs.send(
            new sqs.ChangeMessageVisibilityCommand({
              ...handle,
              VisibilityTimeout: Math.ceil(delayMs / 1000),
            }),
          ),
        ),
    });
  }

  /** Stops polling and resolves once the held messages have settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await this.#loop;
    await this.#c.runner.drain();
  }
}
