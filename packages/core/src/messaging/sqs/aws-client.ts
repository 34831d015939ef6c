/**
 * How the AWS adapters (`sqs/`, `eventbridge/`) reach AWS: a `send(command)` per service, built by
 * an injectable factory. The default loads AWS SDK v3 (`@aws-sdk/client-sqs`, `client-sns`,
 * `client-eventbridge`) on first use; unit tests pass a fake `send` and assert the commands' names
 * and inputs. Credentials come from the SDK's default chain (env, profile, instance role).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";
import { sleep } from "../broker-delivery.ts";

/** One AWS service client, reduced to what the adapters call. */
export interface AwsSender {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

/** The AWS services the adapters use. */
export type AwsService = "sqs" | "sns" | "eventbridge";

/** Region and optional endpoint (LocalStack: `http://127.0.0.1:4566`). */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
}

/** Builds a client for one service. */
export type AwsClientFactory = (
  service: AwsService,
  config: AwsClientConfig,
) => AwsSender | Promise<AwsSender>;

/** The default: the AWS SDK v3 client of that service, imported on first use. */
export const awsSdkFactory: AwsClientFactory = async (service, config) => {
  if (service === "sqs") return new (await import("@aws-sdk/client-sqs")).SQSClient(config);
  if (service === "sns") return new (await import("@aws-sdk/client-sns")).SNSClient(config);
  return new (await import("@aws-sdk/client-eventbridge")).EventBridgeClient(config);
};

/**
 * Parses `region` (the URL authority) and the `endpoint` parameter.
 * @throws AllFrameError-compatible: returns `undefined` region when it is not an AWS region name.
 */
export function awsConfig(region: string, endpoint: string | undefined): AwsClientConfig | undefined {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  return endpoint === undefined ? { region } : { region, endpoint };
}

/** A queue, topic or rule name: `[A-Za-z0-9_-]`, at most `max` characters, unique by a hash suffix. */
export function awsName(parts: string[], hash: string, max = 80): string {
  const base = parts.join("-").replace(/[^A-Za-z0-9_-]/g, "_");
  return `${base.slice(0, max - hash.length - 1)}-${hash}`;
}

/** The IAM policy that lets `principal` (`sns.amazonaws.com`, `events.amazonaws.com`) send to a queue. */
export function queuePolicy(queueArn: string, principal: string, sourceArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: principal },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
      },
    ],
  });
}

/**
 * Runs a connect-time set-up call (`CreateTopic`, ensuring an event bus) until it yields a value,
 * logging each failure and backing off 250 ms, 500 ms, ... up to 2 s: the buses connect in the
 * background, and AWS (or LocalStack) may not be reachable yet. Callers bound the wait with `within`.
 * @throws AllFrameError `unavailable` once `closed()` is true (the bus was closed before `service` answered).
 */
export async function untilAnswered<T>(
  request: () => Promise<T | undefined>,
  opts: { service: string; closed: () => boolean; logger: Logger },
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    if (opts.closed()) {
      throw new AllFrameError("unavailable", `event bus closed before ${opts.service} answered`);
    }
    try {
      const value = await request();
      if (value !== undefined) return value;
    } catch (error) {
      opts.logger.warn({ err: error, attempt }, `${opts.service} not reachable; retrying`);
    }
    await sleep(Math.min(250 * attempt, 2000));
  }
}
