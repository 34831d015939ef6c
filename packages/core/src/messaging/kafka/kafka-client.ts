/**
 * The slice of the Kafka client the Kafka bus uses, shaped like `kafkajs` 2.x so the real client fits
 * and unit tests can hand in a fake (the client is mocked at its edge, not our code).
 * @module
 */
import type { KafkaConfig } from "kafkajs";

/** One record as `producer.send` takes it; `value` is the JSON envelope. */
export interface KafkaOutgoingMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** One record as `eachMessage` receives it. */
export interface KafkaIncomingMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  offset: string;
}

/** What `eachMessage` receives. */
export interface KafkaEachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaIncomingMessage;
  heartbeat(): Promise<void>;
}

/** A kafkajs producer. */
export interface KafkaProducerLike {
  connect(): Promise<void>;
  send(record: { topic: string; acks: number; messages: KafkaOutgoingMessage[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** A kafkajs consumer. */
export interface KafkaConsumerLike {
  connect(): Promise<void>;
  subscribe(opts: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  run(opts: {
    autoCommit: boolean;
    partitionsConsumedConcurrently: number;
    eachMessage(payload: KafkaEachMessagePayload): Promise<void>;
  }): Promise<void>;
  disconnect(): Promise<void>;
}

/** A kafkajs admin client. */
export interface KafkaAdminLike {
  connect(): Promise<void>;
  createTopics(opts: { topics: { topic: string; numPartitions: number }[] }): Promise<boolean>;
  fetchOffsets(opts: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  resetOffsets(opts: { groupId: string; topic: string; earliest: boolean }): Promise<void>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** The client: `new Kafka(config)` in kafkajs. */
export interface KafkaClientLike {
  producer(opts: { idempotent: boolean; maxInFlightRequests?: number }): KafkaProducerLike;
  consumer(opts: { groupId: string; maxWaitTimeInMs?: number }): KafkaConsumerLike;
  admin(): KafkaAdminLike;
}

/** Client settings derived from the URL (`kafkajs` `KafkaConfig` names). */
export interface KafkaClientConfig {
  clientId: string;
  brokers: string[];
  ssl: boolean;
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
  connectionTimeout: number;
}

/** Builds the client; the default loads `kafkajs` on first connect. */
export type KafkaClientFactory = (config: KafkaClientConfig) => KafkaClientLike | Promise<KafkaClientLike>;

/** The default factory: `new Kafka(config)` from `kafkajs`, imported on first use, its logs off. */
export const kafkajsFactory: KafkaClientFactory = async (config) => {
  const { Kafka, logLevel } = await import("kafkajs");
  const settings = { ...config, logLevel: logLevel.NOTHING } as KafkaConfig;
  return new Kafka(settings) as unknown as KafkaClientLike;
};
