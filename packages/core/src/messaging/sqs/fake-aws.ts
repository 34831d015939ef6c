/**
 * A fake AWS `send` for the SQS/SNS and EventBridge unit tests: records each command as
 * `[CommandName, input]`, answers the set-up commands with plausible ARNs and URLs, and serves
 * `ReceiveMessage` from messages a test queues with `enqueue` (an empty long poll ends after 5 ms).
 * A test can answer any command itself through `answers` (e.g. a `PutEvents` with failed entries).
 * @module
 */
import type { Message } from "@aws-sdk/client-sqs";
import type { AwsClientFactory, AwsSender } from "./aws-client.ts";

/** A recorded command: its class name and its input. */
export type SentCommand = [string, Record<string, unknown>];

/** Answers one command from its input, instead of the fake's default (may throw, as AWS would). */
export type FakeAnswer = (input: Record<string, unknown>) => unknown;

/**
 * Builds the fake; `fail` makes every command of those names throw; `answers` replaces the default
 * answer of the commands it names (recorded all the same).
 */
export function fakeAws(fail: string[] = [], answers: Record<string, FakeAnswer> = {}) {
  const sent: SentCommand[] = [];
  const inbox = new Map<string, Message[]>();
  const sender: AwsSender = {
    async send(command) {
      const name = command.constructor.name;
      const input = (command as { input: Record<string, unknown> }).input;
      if (fail.includes(name)) throw new Error(`${name} failed`);
      if (name !== "ReceiveMessageCommand") sent.push([name, input]);
      const answer = answers[name];
      if (answer !== undefined) return answer(input);
      const queue = String(input.QueueName ?? input.Name ?? "");
      switch (name) {
        case "CreateTopicCommand":
          return { TopicArn: `arn:aws:sns:eu-west-1:000000000000:${queue}` };
        case "CreateQueueCommand":
          return { QueueUrl: `https://sqs.local/000000000000/${queue}` };
        case "GetQueueAttributesCommand":
          return {
            Attributes: {
              QueueArn: `arn:aws:sqs:eu-west-1:000000000000:${String(input.QueueUrl).split("/").pop()}`,
            },
          };
        case "SubscribeCommand":
          return { SubscriptionArn: "arn:aws:sns:eu-west-1:000000000000:sub-1" };
        case "PutRuleCommand":
          return { RuleArn: `arn:aws:events:eu-west-1:000000000000:rule/${queue}` };
        case "PutEventsCommand":
          return {
            FailedEntryCount: 0,
            Entries: (input.Entries as unknown[]).map((_, i) => ({ EventId: `e-${i + 1}` })),
          };
        case "ReceiveMessageCommand": {
          const messages = inbox.get(String(input.QueueUrl))?.splice(0) ?? [];
          if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          return { Messages: messages };
        }
        default:
          return {};
      }
    },
  };
  const factory: AwsClientFactory = () => sender;
  return {
    sent,
    factory,
    /** Commands of one name, inputs only. */
    named: (name: string) => sent.filter(([n]) => n === name).map(([, input]) => input),
    enqueue: (queueUrl: string, message: Message) =>
      inbox.set(queueUrl, [...(inbox.get(queueUrl) ?? []), message]),
  };
}

/** Polls until `condition` holds (fails after 2 s). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error("condition not met within 2 s");
}
