/**
 * Keeping one trace across the Transactional Outbox. The relay publishes later, in its own loop (or
 * another process), where the request that produced the event is no longer the active context; so
 * the context is captured into the envelope's `headers` when business code enqueues it, the outbox
 * stores the envelope verbatim, and the traced bus's `publish` continues from those headers
 * (`traceEventBus`). The seams: `OutboxStore.enqueue(tx, messages)` runs inside the caller's async
 * context (the SQL transaction helpers chain the work on promises, which keep it), and
 * `OutboxRelay` publishes `record.event` exactly as stored.
 * @module
 */
import { type Context, context, defaultTextMapSetter } from "@opentelemetry/api";
import type { EventEnvelope } from "../../messaging/event-envelope.ts";
import type { OutboxStore } from "../../messaging/outbox/outbox-store.ts";
import type { Tracing } from "./create-tracing.ts";

/**
 * Returns a copy of `event` whose headers also carry `ctx`'s trace context and baggage (default the
 * active context); headers already there are kept unless a propagator writes the same name. Call it
 * on events before `outbox.enqueue`, or wrap the store with {@link traceOutboxStore}.
 *
 * @example
 * await outbox.enqueue(tx, [withTraceHeaders(tracing, createEvent("order.placed", data, { source }))]);
 */
export function withTraceHeaders<T>(
  tracing: Tracing,
  event: EventEnvelope<T>,
  ctx: Context = context.active(),
): EventEnvelope<T> {
  const headers = { ...event.headers };
  tracing.propagator.inject(ctx, headers, defaultTextMapSetter);
  return { ...event, headers };
}

/**
 * Wraps `store` so every `enqueue` stamps the active trace context into each envelope
 * ({@link withTraceHeaders}); everything else delegates to `store` unchanged. Hand the wrapped store
 * to business code; the relay may use either.
 *
 * @example
 * const outbox = traceOutboxStore(new SqliteOutboxStore({ path }), tracing);
 * await outbox.transaction(async (tx) => { await save(tx, order); await outbox.enqueue(tx, [event]); });
 */
export function traceOutboxStore(store: OutboxStore, tracing: Tracing): OutboxStore {
  return {
    kind: store.kind,
    maxAttempts: store.maxAttempts,
    deadLetters: store.deadLetters,
    transaction: (work) => store.transaction(work),
    enqueue: (tx, messages) =>
      store.enqueue(
        tx,
        messages.map((event) => withTraceHeaders(tracing, event)),
      ),
    claim: (batchSize, leaseMs, workerId) => store.claim(batchSize, leaseMs, workerId),
    markPublished: (ids) => store.markPublished(ids),
    release: (ids) => store.release(ids),
    recordFailure: (id, error, retryDelayMs) => store.recordFailure(id, error, retryDelayMs),
    backlog: () => store.backlog(),
    onCommit: (listener) => store.onCommit(listener),
    close: () => store.close(),
  };
}
