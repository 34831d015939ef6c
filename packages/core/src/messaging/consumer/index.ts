/**
 * @module messaging/consumer: consumer groups with bounded concurrency, retries and a dead-letter queue
 * (in memory, or durable in SQLite/PostgreSQL through `openDeadLetterQueue`).
 */
export { BACKOFF_STRATEGIES, type BackoffOptions, type BackoffStrategy, backoffDelay } from "./backoff.ts";
export { ConcurrencyLimiter } from "./concurrency-limiter.ts";
export { Consumer, type ConsumerOptions, type ConsumerStats } from "./consumer.ts";
export {
  assertDeadLetterConsumer,
  type DeadLetter,
  type DeadLetterQueue,
  InMemoryDeadLetterQueue,
} from "./dead-letter-queue.ts";
export {
  type OpenDeadLetterQueueOptions,
  type OpenedDeadLetterQueue,
  openDeadLetterQueue,
} from "./open-dead-letter-queue.ts";
