/**
 * A service's Prometheus metrics (architecture.toml `[observability] metrics = "prometheus"`) on
 * `prom-client`, in a registry of its own (never prom-client's global default, so tests and
 * co-hosted services do not see each other's series). Names and units follow Prometheus practice
 * (`_total`, `_seconds`) and the OpenTelemetry HTTP metric conventions (`http.server.request.duration`
 * and its bucket boundaries).
 * @module
 */
import { performance } from "node:perf_hooks";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventEnvelope } from "../../messaging/event-envelope.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { httpMethodLabel } from "../http-method.ts";

/** Options of {@link ServiceMetrics}. */
export interface ServiceMetricsOptions {
  /** Service name, added to every series as the `service` label. */
  readonly service: string;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag, GC); default false. */
  readonly defaultMetrics?: boolean;
  /** Wall clock for consumer lag (`now - envelope.time`); default the system clock. */
  readonly clock?: Clock;
  /** Monotonic milliseconds for durations; default `performance.now`. */
  readonly monotonicMs?: () => number;
}

/** A circuit breaker's state; exported as 0 (closed), 1 (half-open), 2 (open). */
export type BreakerState = "closed" | "half-open" | "open";
/** One HTTP route's series, bound to its labels once. */
interface HttpSeries {
  readonly requests: { inc(): void };
  readonly errors: { inc(): void } | undefined;
  readonly duration: { observe(value: number): void };
}

/** The gauge value of each {@link BreakerState}. */
export const BREAKER_STATE_VALUES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  "half-open": 1,
  open: 2,
};

/** One finished HTTP request, as {@link ServiceMetrics.observeHttp} records it. */
export interface HttpSample {
  /** Request method; unknown methods are recorded as `_OTHER`. */
  readonly method: string | undefined;
  /** The route pattern (`/orders/:id`), never the raw path. */
  readonly route: string;
  readonly statusCode: number;
  readonly seconds: number;
}

/** Anything with an outbox backlog: an `OutboxStore`. */
export interface BacklogSource {
  backlog(): Promise<number>;
}

/** Anything with a consumer's load (`Consumer`). */
export interface ConsumerLoadSource {
  readonly name: string;
  stats(): { readonly inFlight: number; readonly queued: number };
}

/** OpenTelemetry's recommended `http.server.request.duration` boundaries, in seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** From "just published" to "an hour behind", in seconds. */
const LAG_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

/**
 * The metrics every AllFrame service exports. Series (all with `service`):
 * - `http_server_requests_total`, `http_server_request_errors_total` (5xx) and
 *   `http_server_request_duration_seconds` (histogram), by `method`, `route`, `status_code`;
 * - `messaging_events_published_total` by `event_type`; `messaging_events_consumed_total` and
 *   `messaging_consumer_lag_seconds` (histogram, `now - envelope.time` when handling starts) by
 *   `event_type`, `consumer_group`; `messaging_events_failed_total` by `event_type`,
 *   `consumer_group`, `operation` (`publish` | `process`);
 * - `messaging_consumer_in_flight`, `messaging_consumer_queued` by `consumer` ({@link observeConsumer});
 * - `outbox_backlog_messages` by `outbox` ({@link observeOutbox}; read at scrape time);
 * - `circuit_breaker_state` by `breaker` ({@link recordBreakerState}).
 *
 * @throws AllFrameError `configuration` (constructor) for an empty service name.
 * @example
 * const metrics = new ServiceMetrics({ service: "orders" });
 * metrics.observeOutbox("orders", outboxStore);
 * createServer(metricsHandler(metrics)).listen(9464);
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly clock: Clock;
  readonly monotonicMs: () => number;
  readonly httpRequests: Counter<"method" | "route" | "status_code">;
  readonly httpErrors: Counter<"method" | "route" | "status_code">;
  readonly httpDuration: Histogram<"method" | "route" | "status_code">;
  readonly eventsPublished: Counter<"event_type">;
  readonly eventsConsumed: Counter<"event_type" | "consumer_group">;
  readonly eventsFailed: Counter<"event_type" | "consumer_group" | "operation">;
  readonly consumerLag: Histogram<"event_type" | "consumer_group">;
  readonly #breakers: Gauge<"breaker">;
  /** Label-bound series per `method route status`: prom-client hashes a label object on every call otherwise. */
  readonly #httpSeries = new Map<string, HttpSeries>();
  readonly #outboxes = new Map<string, BacklogSource>();
  readonly #consumers = new Map<string, ConsumerLoadSource>();

  constructor(opts: ServiceMetricsOptions) {
    if (opts.service.trim() === "")
      throw new AllFrameError("configuration", "ServiceMetrics needs a service name (the `service` label)");
    this.clock = opts.clock ?? systemClock;
    this.monotonicMs = opts.monotonicMs ?? (() => performance.now());
    this.registry.setDefaultLabels({ service: opts.service });
    const registers = [this.registry];
    const http = ["method", "route", "status_code"] as const;
    this.httpRequests = new Counter({
      name: "http_server_requests_total",
      help: "HTTP requests served",
      labelNames: http,
      registers,
    });
    this.httpErrors = new Counter({
      name: "http_server_request_errors_total",
      help: "HTTP requests answered with a 5xx status",
      labelNames: http,
      registers,
    });
    this.httpDuration = new Histogram({
      name: "http_server_request_duration_seconds",
      help: "HTTP request duration in seconds",
      labelNames: http,
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.eventsPublished = new Counter({
      name: "messaging_events_published_total",
      help: "Events accepted by the bus",
      labelNames: ["event_type"],
      registers,
    });
    this.eventsConsumed = new Counter({
      name: "messaging_events_consumed_total",
      help: "Event deliveries handled successfully",
      labelNames: ["event_type", "consumer_group"],
      registers,
    });
    this.eventsFailed = new Counter({
      name: "messaging_events_failed_total",
      help: "Failed publishes and failed deliveries",
      labelNames: ["event_type", "consumer_group", "operation"],
      registers,
    });
    this.consumerLag = new Histogram({
      name: "messaging_consumer_lag_seconds",
      help: "Seconds from an event's time to the start of its handling",
      labelNames: ["event_type", "consumer_group"],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#breakers = new Gauge({
      name: "circuit_breaker_state",
      help: "Circuit breaker state: 0 closed, 1 half-open, 2 open",
      labelNames: ["breaker"],
      registers,
    });
    const outboxes = this.#outboxes;
    const backlog: Gauge<"outbox"> = new Gauge({
      name: "outbox_backlog_messages",
      help: "Messages waiting in the outbox (NaN when the store could not be read)",
      labelNames: ["outbox"],
      registers,
      async collect() {
        await Promise.all(
          [...outboxes].map(async ([outbox, source]) => {
            // A failing store must not fail the whole scrape; NaN shows the gap.
            backlog.set({ outbox }, await source.backlog().catch(() => Number.NaN));
          }),
        );
      },
    });
    const consumers = this.#consumers;
    const load = (name: string, help: string, pick: "inFlight" | "queued") => {
      const gauge: Gauge<"consumer"> = new Gauge({
        name,
        help,
        labelNames: ["consumer"],
        registers,
        collect() {
          for (const [consumer, source] of consumers) gauge.set({ consumer }, source.stats()[pick]);
        },
      });
    };
    load("messaging_consumer_in_flight", "Events a consumer is handling now", "inFlight");
    load("messaging_consumer_queued", "Events waiting for a consumer's concurrency slot", "queued");
    if (opts.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one finished HTTP request (count, 5xx count, duration). */
  observeHttp(sample: HttpSample): void {
    const method = httpMethodLabel(sample.method);
    const key = `${method} ${sample.route} ${sample.statusCode}`;
    let series = this.#httpSeries.get(key);
    if (series === undefined) {
      const labels = { method, route: sample.route, status_code: sample.statusCode };
      series = {
        requests: this.httpRequests.labels(labels),
        errors: sample.statusCode >= 500 ? this.httpErrors.labels(labels) : undefined,
        duration: this.httpDuration.labels(labels),
      };
      this.#httpSeries.set(key, series);
    }
    series.requests.inc();
    series.errors?.inc();
    series.duration.observe(sample.seconds);
  }

  /**
   * Records how far behind `event` is when its handling starts: `clock.now() - event.time`, in seconds,
   * at least 0 (clock skew). Events whose `time` does not parse are skipped.
   */
  observeConsumerLag(event: EventEnvelope, group: string | undefined): void {
    const sent = Date.parse(event.time);
    if (Number.isNaN(sent)) return;
    const seconds = Math.max(0, (this.clock.now().getTime() - sent) / 1000);
    this.consumerLag.observe({ event_type: event.type, consumer_group: group ?? "" }, seconds);
  }

  /** Exports `source.backlog()` as `outbox_backlog_messages{outbox=name}` at each scrape. */
  observeOutbox(name: string, source: BacklogSource): void {
    this.#outboxes.set(name, source);
  }

  /** Exports a consumer's in-flight and queued counts (from `stats()`) at each scrape. */
  observeConsumer(source: ConsumerLoadSource): void {
    this.#consumers.set(source.name, source);
  }

  /** Sets `circuit_breaker_state{breaker=name}`; call it from the breaker's state-change hook. */
  recordBreakerState(name: string, state: BreakerState): void {
    this.#breakers.set({ breaker: name }, BREAKER_STATE_VALUES[state]);
  }

  /** Every series in the Prometheus text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
