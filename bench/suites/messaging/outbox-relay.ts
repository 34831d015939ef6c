/**
 * The outbox workload: business transactions on PostgreSQL each insert an order row and enqueue its
 * events in the same transaction; `OutboxRelay` workers claim, publish to NATS JetStream and mark; a
 * JetStream subscriber (its own connection) receives every event. Measures events/s from the first
 * transaction (prefilled: from the relays' start) to the last delivery, and per event the time from
 * a stamp taken inside the transaction just before enqueue + COMMIT to its arrival at the subscriber
 * (so the latency includes the commit's own fsync: an upper bound on commit-to-delivery).
 * @module
 */
import pg from "pg";
import { createEvent } from "../../../packages/core/src/messaging/event-envelope.ts";
import { NatsJetStreamEventBus } from "../../../packages/core/src/messaging/nats/nats-jetstream-event-bus.ts";
import { OutboxRelay } from "../../../packages/core/src/messaging/outbox/outbox-relay.ts";
import { PostgresOutboxStore } from "../../../packages/core/src/messaging/outbox/postgres-outbox-store.ts";
import { benchLogger, nowMs, percentile, within } from "./measure.ts";

/** One outbox run's shape. */
export interface OutboxWorkload {
  /** Events enqueued in all. */
  readonly events: number;
  /** Events per business transaction (all of one order, so one key). */
  readonly eventsPerTx: number;
  /** Concurrent business transactions. */
  readonly producers: number;
  /** `OutboxRelay` instances draining the one outbox. */
  readonly relays: number;
  readonly batchSize: number;
  /** Each relay's `maxBatchesInFlight`. */
  readonly batchesInFlight: number;
  /** Offered load in events/s; undefined = as fast as the producers go (throughput run). */
  readonly ratePerSecond?: number;
  /**
   * Commit every transaction before the relays start, and time from their start: the relays' own
   * drain rate, without producers competing for the same cores (the latencies then include the wait).
   */
  readonly prefill?: boolean;
  /** The run fails after this long. */
  readonly budgetMs: number;
}

/** What one run measured. */
export interface OutboxResult {
  /** Distinct events delivered per second, first transaction to last delivery. */
  readonly perSecond: number;
  /** Business commits per second while enqueueing. */
  readonly commitsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Deliveries beyond the first of an event (at-least-once). */
  readonly duplicates: number;
  readonly ms: number;
}

const TYPE = "bench.order_placed";

/** Runs one workload on a fresh database of `pgUrl` and a fresh stream on `natsUrl`. */
export async function runOutbox(
  pgUrl: string,
  natsUrl: string,
  namespace: string,
  w: OutboxWorkload,
): Promise<OutboxResult> {
  const logger = benchLogger("bench-outbox");
  const pool = new pg.Pool({ connectionString: pgUrl, max: w.producers + 2 * w.relays + 2 });
  pool.on("error", () => undefined);
  await pool.query("CREATE TABLE IF NOT EXISTS bench_orders (id text PRIMARY KEY, total integer NOT NULL)");
  const store = new PostgresOutboxStore({ pool });
  await store.backlog(); // runs the migrations before the clock starts
  const publisher = new NatsJetStreamEventBus({ url: natsUrl, namespace, logger });
  const subscriber = new NatsJetStreamEventBus({ url: natsUrl, namespace, logger });
  const relays = Array.from(
    { length: w.relays },
    (_, i) =>
      new OutboxRelay({
        store,
        bus: publisher,
        workerId: `bench-${i}`,
        batchSize: w.batchSize,
        maxBatchesInFlight: w.batchesInFlight,
        logger,
      }),
  );
  const total = Math.floor(w.events / w.eventsPerTx) * w.eventsPerTx;
  const latency = new Float64Array(total);
  const seen = new Uint8Array(total);
  let delivered = 0;
  let duplicates = 0;
  let lastDelivery = 0;
  let allDelivered!: () => void;
  const done = new Promise<void>((resolve) => {
    allDelivered = resolve;
  });
  try {
    await Promise.all([publisher.ready(), subscriber.ready()]);
    const sub = subscriber.subscribe(
      TYPE,
      async (event) => {
        const { n, stampedAt } = event.data as { n: number; stampedAt: number };
        if (seen[n] === 1) {
          duplicates++;
          return;
        }
        const at = nowMs();
        seen[n] = 1;
        latency[n] = at - stampedAt;
        lastDelivery = at;
        if (++delivered === total) allDelivered();
      },
      { prefetch: 512 },
    );
    await sub.ready;
    if (w.prefill !== true) for (const relay of relays) relay.start();

    const txs = total / w.eventsPerTx;
    const interval = w.ratePerSecond === undefined ? 0 : (w.eventsPerTx * 1000) / w.ratePerSecond;
    let next = 0;
    const start = nowMs();
    const produce = async (): Promise<void> => {
      for (let tx = next++; tx < txs; tx = next++) {
        const due = start + tx * interval;
        const wait = due - nowMs();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const orderId = `order-${tx}`;
        await store.transaction(async (t) => {
          await t.query("INSERT INTO bench_orders (id, total) VALUES ($1, $2)", [orderId, tx % 1000]);
          const stampedAt = nowMs();
          const events = Array.from({ length: w.eventsPerTx }, (_, j) =>
            createEvent(
              TYPE,
              { n: tx * w.eventsPerTx + j, orderId, stampedAt },
              { source: "bench", key: orderId },
            ),
          );
          await store.enqueue(t, events);
        });
      }
    };
    let commitMs = 0;
    const producing = Promise.all(Array.from({ length: w.producers }, produce)).then(() => {
      commitMs = nowMs() - start;
    });
    let relaysFrom = start;
    if (w.prefill === true) {
      await within(w.budgetMs, `outbox prefill (${total} events)`, producing);
      relaysFrom = nowMs();
      for (const relay of relays) relay.start();
    }
    await within(w.budgetMs, `outbox run (${total} events)`, Promise.all([producing, done]));
    const ms = lastDelivery - relaysFrom;
    const latencies = Array.from(latency);
    return {
      perSecond: (total * 1000) / ms,
      commitsPerSecond: (txs * 1000) / commitMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      duplicates,
      ms,
    };
  } finally {
    await Promise.all(relays.map((relay) => relay.stop()));
    await Promise.all([subscriber.close(), publisher.close()]);
    await store.close();
    await pool.end();
  }
}
