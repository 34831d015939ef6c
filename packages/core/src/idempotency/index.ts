/** @module idempotency: HTTP Idempotency-Key middleware (Stripe's semantics) and its stores. */
export {
  defaultShouldStore,
  HOUR_MS,
  type IdempotencyOptions,
  type IdempotencyOutcome,
  idempotencyMiddleware,
  REPLAYED_HEADER,
} from "./idempotency-middleware.ts";
export {
  type BeginResult,
  DEFAULT_IDEMPOTENCY_TABLE,
  IDEMPOTENCY_STORE_KINDS,
  type IdempotencyStore,
  type IdempotencyStoreKind,
  type StoredResponse,
} from "./idempotency-store.ts";
export { type IdempotentHandlerOptions, idempotentHandlers } from "./idempotent-handler.ts";
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from "./memory-idempotency-store.ts";
export {
  IDEMPOTENCY_STORE_ENV,
  type OpenIdempotencyStoreOptions,
  openIdempotencyStore,
} from "./open-idempotency-store.ts";
export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from "./postgres-idempotency-store.ts";
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from "./redis-idempotency-store.ts";
export {
  defaultIdempotencyScope,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  normaliseIdempotencyKey,
  requestFingerprint,
  scopedIdempotencyKey,
} from "./request-fingerprint.ts";
export { SqliteIdempotencyStore, type SqliteIdempotencyStoreOptions } from "./sqlite-idempotency-store.ts";
