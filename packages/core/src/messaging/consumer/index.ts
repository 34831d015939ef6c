/** @module messaging/consumer: consumer groups with bounded concurrency, retries and a dead-letter queue. */
export { BACKOFF_STRATEGIES, type BackoffOptions, type BackoffStrategy, backoffDelay } from "./backoff.ts";
export { ConcurrencyLimiter } from "./concurrency-limiter.ts";
export { Consumer, type ConsumerOptions, type ConsumerStats } from "./consumer.ts";
export { type DeadLetter, type DeadLetterQueue, InMemoryDeadLetterQueue } from "./dead-letter-queue.ts";
