/**
 * The slice of `@google-cloud/pubsub` (v5) the Pub/Sub bus uses, so the real client fits and unit
 * tests hand in a fake. The default loads the client on first connect; it honours
 * `PUBSUB_EMULATOR_HOST` and Application Default Credentials by itself.
 * @module
 */

/** A received message. `deliveryAttempt` is 0 unless the subscription has a dead-letter policy. */
export interface PubSubMessageLike {
  id: string;
  data: Buffer;
  attributes: Record<string, string>;
  deliveryAttempt: number;
  ack(): void;
  nack(): void;
}

/** A topic handle. */
export interface PubSubTopicLike {
  get(opts: { autoCreate: boolean }): Promise<unknown>;
  publishMessage(message: {
    data: Buffer;
    attributes: Record<string, string>;
    orderingKey?: string;
  }): Promise<string>;
  resumePublishing(orderingKey: string): void;
  createSubscription(name: string, options: Record<string, unknown>): Promise<unknown>;
}

/** A subscription handle (an event emitter of `message` and `error`). */
export interface PubSubSubscriptionLike {
  on(event: "message", listener: (message: PubSubMessageLike) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  close(): Promise<void>;
  delete(): Promise<unknown>;
}

/** The client: `new PubSub({ projectId })`. */
export interface PubSubClientLike {
  topic(name: string, options: { messageOrdering: boolean }): PubSubTopicLike;
  subscription(name: string, options: { flowControl: { maxMessages: number } }): PubSubSubscriptionLike;
  close(): Promise<void>;
}

/** Builds the client for a project. */
export type PubSubClientFactory = (config: {
  projectId: string;
  apiEndpoint?: string;
}) => PubSubClientLike | Promise<PubSubClientLike>;

/** The default: `new PubSub(config)` from `@google-cloud/pubsub`, imported on first use. */
export const googlePubSubFactory: PubSubClientFactory = async (config) => {
  const { PubSub } = await import("@google-cloud/pubsub");
  return new PubSub(config) as unknown as PubSubClientLike;
};
