/**
 * `messaging` (issue 4, "Performance"): the transactional outbox from PostgreSQL (fsync and
 * synchronous_commit on) to NATS JetStream on loopback, end to end: once flat out (events/s), once
 * with the outbox filled first (the relays' own drain rate, events/s: the figure for the issue's
 * 10,000 events/s and its anchors, since flat out the writers alone commit about that much on this
 * machine's two cores) and once at a fixed offered
 * load (commit-to-delivery p50/p99); the in-process bus (messages/s, one publisher, one
 * subscriber); and what `idempotencyMiddleware` adds to a Hono request. Anchors from the issue:
 * open-outbox 14,500 events/s (12 workers, M1), nestarc ~2,600 events/s per poller.
 * Every workload is bounded in count and time; the suite takes about a minute on 2 cores.
 * @module
 */
import { startNats } from "../../packages/core/src/testing/nats-server.ts";
import { startPostgres } from "../../packages/core/src/testing/postgres-server.ts";
import { type BenchSuite, figureSheet, say } from "../suite.ts";
import { runIdempotency } from "./messaging/idempotency.ts";
import { runInProcessBus } from "./messaging/in-process-bus.ts";
import { type OutboxWorkload, runOutbox } from "./messaging/outbox-relay.ts";

const OUTBOX: OutboxWorkload = {
  events: 30_000,
  eventsPerTx: 10,
  producers: 8,
  relays: 2,
  batchSize: 500,
  batchesInFlight: 4,
  budgetMs: 45_000,
};
/** The latency run's offered load, events/s: well inside what one relay process sustains here. */
const PACED_RATE = 2_000;
const OUTBOX_TARGET = 10_000;
const BUS_TARGET = 1_000_000;

export const messagingSuite: BenchSuite = {
  async run() {
    const { sheet, put } = figureSheet();

    const postgres = await startPostgres({ durable: true });
    const nats = await startNats();
    try {
      say(
        `outbox: ${OUTBOX.events} events, ${OUTBOX.eventsPerTx} per transaction, ${OUTBOX.producers} writers, ${OUTBOX.relays} relays, batch ${OUTBOX.batchSize}, ${OUTBOX.batchesInFlight} batches in flight each`,
      );
      const flat = await runOutbox(await postgres.createDatabase("outbox"), nats.url, "BENCH_FLAT", OUTBOX);
      say(
        `  flat out: ${flat.perSecond.toFixed(0)} events/s, ${flat.commitsPerSecond.toFixed(0)} commits/s, p50 ${flat.p50Ms.toFixed(1)} ms, p99 ${flat.p99Ms.toFixed(1)} ms, ${flat.duplicates} duplicates`,
      );
      const drain = await runOutbox(await postgres.createDatabase("outbox"), nats.url, "BENCH_DRAIN", {
        ...OUTBOX,
        prefill: true,
      });
      // The prefill commits with no relay running: what the writers alone commit on this machine, the
      // ceiling of the flat-out run, where writers, relays, PostgreSQL and NATS share the cores.
      const writersAlone = drain.commitsPerSecond * OUTBOX.eventsPerTx;
      say(
        `  relays alone, outbox prefilled: ${drain.perSecond.toFixed(0)} events/s; writers alone: ${writersAlone.toFixed(0)} events/s`,
      );
      const paced = await runOutbox(await postgres.createDatabase("outbox"), nats.url, "BENCH_PACED", {
        ...OUTBOX,
        events: PACED_RATE * 6,
        ratePerSecond: PACED_RATE,
      });
      say(
        `  at ${PACED_RATE} events/s: p50 ${paced.p50Ms.toFixed(1)} ms, p99 ${paced.p99Ms.toFixed(1)} ms, max ${paced.maxMs.toFixed(1)} ms`,
      );
      // The relays' own rate is the drain's: flat out, writers, relays, PostgreSQL and NATS share two
      // cores, and the writers alone commit about as much as the target (outbox_writers_alone_*).
      put("outbox_relay_drain_events_per_s", drain.perSecond, "events/s");
      put("outbox_relay_drain_vs_10k_target", drain.perSecond / OUTBOX_TARGET, "ratio");
      put("outbox_relay_drain_vs_open_outbox_14500", drain.perSecond / 14_500, "ratio");
      put("outbox_relay_drain_vs_nestarc_2600_per_poller", drain.perSecond / OUTBOX.relays / 2_600, "ratio");
      put("outbox_events_per_s", flat.perSecond, "events/s");
      put("outbox_commits_per_s", flat.commitsPerSecond, "transactions/s");
      put("outbox_writers_alone_events_per_s", writersAlone, "events/s");
      put("outbox_flat_out_p50_ms", flat.p50Ms, "ms");
      put("outbox_flat_out_p99_ms", flat.p99Ms, "ms");
      put("outbox_paced_rate", PACED_RATE, "events/s");
      put("outbox_commit_to_delivery_p50_ms", paced.p50Ms, "ms");
      put("outbox_commit_to_delivery_p99_ms", paced.p99Ms, "ms");
      put("outbox_relays", OUTBOX.relays, "workers");
      put("outbox_batches_in_flight", OUTBOX.batchesInFlight, "batches");
      put("outbox_events_per_tx", OUTBOX.eventsPerTx, "events");
      put("outbox_duplicates", flat.duplicates + drain.duplicates + paced.duplicates, "deliveries");
    } finally {
      await nats.stop();
      await postgres.stop();
    }

    say("in-process bus: 3 rounds of 200,000 messages, one publisher, one subscriber");
    const bus = await runInProcessBus(200_000, 3);
    say(`  ${bus.toFixed(0)} messages/s`);
    put("in_process_bus_msgs_per_s", bus, "messages/s");
    put("in_process_bus_vs_1m_target", bus / BUS_TARGET, "ratio");

    say("idempotency middleware: 5,000 requests per route after 1,000 warm-up, keep-alive loopback");
    const idem = await runIdempotency(5_000, 1_000, 30_000);
    say(
      `  plain p50 ${idem.plainP50Ms.toFixed(3)} ms, with middleware p50 ${idem.idempotentP50Ms.toFixed(3)} ms (${idem.requests} each)`,
    );
    put("idempotency_added_p50_ms", idem.addedP50Ms, "ms");
    put("idempotency_added_p99_ms", idem.addedP99Ms, "ms");
    put("idempotency_plain_p50_ms", idem.plainP50Ms, "ms");
    put("idempotency_with_middleware_p50_ms", idem.idempotentP50Ms, "ms");
    return sheet;
  },
};
