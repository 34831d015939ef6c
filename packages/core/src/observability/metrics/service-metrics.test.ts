import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { register as globalRegistry } from "prom-client";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createEvent } from "../../messaging/event-envelope.ts";
import { InProcessEventBus } from "../../messaging/in-process-event-bus.ts";
import { SqliteOutboxStore } from "../../messaging/outbox/sqlite-outbox-store.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { createLogger } from "../logger.ts";
import { meterEventBus } from "./meter-event-bus.ts";
import { meterHttp } from "./meter-http.ts";
import { metricsHandler } from "./metrics-handler.ts";
import { ServiceMetrics } from "./service-metrics.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format into samples (comments skipped). */
function parse(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[key as string] = value as string;
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample named `name` whose labels include `labels`. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v),
  );
  assert.equal(found.length, 1, `one ${name} ${JSON.stringify(labels)}, got ${found.length}`);
  return (found[0] as Sample).value;
}

describe("ServiceMetrics over HTTP", () => {
  let elapsedMs = 0;
  const metrics = new ServiceMetrics({ service: "orders", monotonicMs: () => elapsedMs });
  const getOrder = meterHttp(
    metrics,
    async (_req, res, id: string) => {
      elapsedMs += 30;
      res.writeHead(id === "bad" ? 500 : 200).end();
    },
    { route: "/orders/:id" },
  );
  const scrape = metricsHandler(metrics);
  const server = createServer((req, res) => {
    if (req.url === "/metrics") return void scrape(req, res);
    void getOrder(req, res, /^\/orders\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "");
  });
  let base = "";

  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("counts requests, 5xx errors and durations per method, route pattern and status", async () => {
    for (const id of ["o-1", "o-2", "bad"]) assert.ok((await fetch(`${base}/orders/${id}`)).status > 0);
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const samples = parse(await response.text());
    const ok = { method: "GET", route: "/orders/:id", status_code: "200", service: "orders" };
    const failed = { ...ok, status_code: "500" };
    assert.equal(value(samples, "http_server_requests_total", ok), 2);
    assert.equal(value(samples, "http_server_requests_total", failed), 1);
    assert.equal(value(samples, "http_server_request_errors_total", failed), 1);
    assert.equal(samples.filter((s) => s.name === "http_server_request_errors_total").length, 1);
    assert.equal(value(samples, "http_server_request_duration_seconds_count", ok), 2);
    assert.ok(Math.abs(value(samples, "http_server_request_duration_seconds_sum", ok) - 0.06) < 1e-9);
    assert.equal(value(samples, "http_server_request_duration_seconds_bucket", { ...ok, le: "0.025" }), 0);
    assert.equal(value(samples, "http_server_request_duration_seconds_bucket", { ...ok, le: "0.05" }), 2);
    assert.ok(!samples.some((s) => s.labels.route?.includes("o-1")), "raw paths never become labels");
  });

  it("answers 405 to anything but GET and HEAD", async () => {
    const response = await fetch(`${base}/metrics`, { method: "POST" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "GET, HEAD");
  });
});

describe("ServiceMetrics for messaging, outbox, consumers and breakers", () => {
  const silent = createLogger({ service: "test", level: "silent" });

  it("counts published, consumed and failed events and the consumer lag", async () => {
    const clock = new ManualClock(Date.parse("2025-01-01T00:00:10Z"));
    const metrics = new ServiceMetrics({ service: "orders", clock });
    const bus = meterEventBus(new InProcessEventBus({ logger: silent }), metrics);
    bus.subscribe(
      "order.placed",
      async (event) => {
        if ((event.data as { fail: boolean }).fail) throw new Error("declined");
      },
      { group: "billing" },
    );
    const fourSecondsAgo = new ManualClock(Date.parse("2025-01-01T00:00:06Z"));
    for (const fail of [false, true])
      await bus.publish(createEvent("order.placed", { fail }, { source: "orders", clock: fourSecondsAgo }));
    await bus.close();
    await assert.rejects(bus.publish(createEvent("order.placed", {}, { source: "orders" })));
    const samples = parse(await metrics.metrics());
    const billing = { event_type: "order.placed", consumer_group: "billing" };
    assert.equal(value(samples, "messaging_events_published_total", { event_type: "order.placed" }), 2);
    assert.equal(value(samples, "messaging_events_consumed_total", billing), 1);
    assert.equal(value(samples, "messaging_events_failed_total", { ...billing, operation: "process" }), 1);
    assert.equal(value(samples, "messaging_events_failed_total", { operation: "publish" }), 1);
    assert.equal(value(samples, "messaging_consumer_lag_seconds_count", billing), 2);
    assert.equal(value(samples, "messaging_consumer_lag_seconds_sum", billing), 8);
    assert.equal(value(samples, "messaging_consumer_lag_seconds_bucket", { ...billing, le: "1" }), 0);
    assert.equal(value(samples, "messaging_consumer_lag_seconds_bucket", { ...billing, le: "5" }), 2);
  });

  it("reads the outbox backlog and consumer load at scrape time; records breaker states", async () => {
    const metrics = new ServiceMetrics({ service: "orders" });
    const store = new SqliteOutboxStore({ path: ":memory:" });
    const events = ["a", "b"].map((key) => createEvent("order.placed", {}, { source: "orders", key }));
    await store.transaction((tx) => store.enqueue(tx, events));
    metrics.observeOutbox("orders", store);
    metrics.observeOutbox("broken", { backlog: () => Promise.reject(new Error("db down")) });
    metrics.observeConsumer({ name: "billing", stats: () => ({ inFlight: 3, queued: 1 }) });
    metrics.recordBreakerState("payments", "open");
    metrics.recordBreakerState("payments", "half-open");
    metrics.recordBreakerState("inventory", "closed");
    let samples = parse(await metrics.metrics());
    assert.equal(value(samples, "outbox_backlog_messages", { outbox: "orders", service: "orders" }), 2);
    assert.ok(Number.isNaN(value(samples, "outbox_backlog_messages", { outbox: "broken" })));
    assert.equal(value(samples, "messaging_consumer_in_flight", { consumer: "billing" }), 3);
    assert.equal(value(samples, "messaging_consumer_queued", { consumer: "billing" }), 1);
    assert.equal(value(samples, "circuit_breaker_state", { breaker: "payments" }), 1);
    assert.equal(value(samples, "circuit_breaker_state", { breaker: "inventory" }), 0);

    const [claimed] = await store.claim(1, 1000, "relay");
    await store.markPublished([claimed?.id ?? ""]);
    samples = parse(await metrics.metrics());
    assert.equal(value(samples, "outbox_backlog_messages", { outbox: "orders" }), 1);
    await store.close();
  });

  it("keeps each service's series in its own registry, never the global one", async () => {
    const orders = new ServiceMetrics({ service: "orders" });
    const other = new ServiceMetrics({ service: "other", defaultMetrics: true });
    orders.recordBreakerState("payments", "open");
    const otherSamples = parse(await other.metrics());
    assert.ok(!otherSamples.some((s) => s.name === "circuit_breaker_state"));
    assert.ok(otherSamples.some((s) => s.name === "process_cpu_user_seconds_total"));
    assert.ok(otherSamples.every((s) => s.labels.service === "other"));
    assert.equal(globalRegistry.getSingleMetric("circuit_breaker_state"), undefined);
    assert.throws(
      () => new ServiceMetrics({ service: " " }),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});
