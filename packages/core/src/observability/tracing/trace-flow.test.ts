import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Consumer } from "../../messaging/consumer/consumer.ts";
import { createEvent, type EventEnvelope } from "../../messaging/event-envelope.ts";
import { InProcessEventBus } from "../../messaging/in-process-event-bus.ts";
import { OutboxRelay } from "../../messaging/outbox/outbox-relay.ts";
import { SqliteOutboxStore } from "../../messaging/outbox/sqlite-outbox-store.ts";
import { createLogger } from "../logger.ts";
import { createMemoryLogDestination } from "../memory-log-destination.ts";
import { currentBaggage, withBaggage } from "./baggage.ts";
import { createTracing } from "./create-tracing.ts";
import { traceLogMixin } from "./log-mixin.ts";
import { traceOutboxStore } from "./outbox-tracing.ts";
import { traceEventBus } from "./trace-event-bus.ts";
import { traceHttp } from "./trace-http.ts";
import { tracedFetch } from "./traced-fetch.ts";

const silent = createLogger({ service: "test", level: "silent" });

function only(spans: ReadableSpan[], kind: SpanKind): ReadableSpan {
  const found = spans.filter((span) => span.kind === kind);
  assert.equal(found.length, 1, `one ${SpanKind[kind]} span, got ${found.length}`);
  return found[0] as ReadableSpan;
}

describe("one trace across HTTP → outbox → relay → bus → consumer", () => {
  const tracing = createTracing({
    serviceName: "orders",
    samplingRatio: 1,
    exporter: "memory",
    propagators: ["tracecontext", "baggage"],
  });
  const logs = createMemoryLogDestination();
  const logger = createLogger({ service: "billing", destination: logs, mixin: traceLogMixin });
  const store = new SqliteOutboxStore({ path: ":memory:" });
  const outbox = traceOutboxStore(store, tracing);
  const bus = traceEventBus(new InProcessEventBus({ logger: silent }), tracing);
  const relay = new OutboxRelay({ store, bus, logger: silent, workerId: "relay-1" });
  const received = Promise.withResolvers<{ event: EventEnvelope; baggage: Record<string, string> }>();
  const consumer = new Consumer(
    bus,
    { name: "billing", events: ["order.placed"], logger: silent },
    async (event) => {
      logger.info({ eventId: event.id }, "charging");
      received.resolve({ event, baggage: currentBaggage() });
    },
  );
  const server = createServer(
    traceHttp(
      tracing,
      async (_req, res) => {
        const event = createEvent("order.placed", { orderId: "o-1" }, { source: "orders", key: "o-1" });
        await outbox.transaction((tx) => outbox.enqueue(tx, [event]));
        res.writeHead(202).end();
      },
      { route: "/orders" },
    ),
  );
  let url = "";

  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await consumer.start();
  });

  after(async () => {
    server.close();
    await consumer.stop();
    await bus.close();
    await store.close();
    await tracing.shutdown();
  });

  it("links client, server, producer and consumer spans in one parent chain", async () => {
    const http = tracedFetch(tracing);
    const response = await withBaggage({ tenant_id: "t-1", correlation_id: "c-1" }, () =>
      http(`${url}/orders?source=test`, { method: "POST" }),
    );
    assert.equal(response.status, 202);
    // The relay runs outside the request's context, as it would in its own loop or process.
    assert.equal(await relay.runOnce(), 1);
    const { event, baggage } = await received.promise;
    await bus.close(); // waits for the delivery, so the consumer span has ended

    const spans = tracing.memoryExporter?.getFinishedSpans() ?? [];
    const client = only(spans, SpanKind.CLIENT);
    const serverSpan = only(spans, SpanKind.SERVER);
    const producer = only(spans, SpanKind.PRODUCER);
    const consumerSpan = only(spans, SpanKind.CONSUMER);
    const traceId = client.spanContext().traceId;
    for (const span of [serverSpan, producer, consumerSpan])
      assert.equal(span.spanContext().traceId, traceId);
    assert.equal(serverSpan.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(producer.parentSpanContext?.spanId, serverSpan.spanContext().spanId);
    assert.equal(consumerSpan.parentSpanContext?.spanId, producer.spanContext().spanId);

    assert.equal(serverSpan.name, "POST /orders");
    assert.equal(serverSpan.attributes["http.route"], "/orders");
    assert.equal(serverSpan.attributes["url.path"], "/orders");
    assert.equal(serverSpan.attributes["http.response.status_code"], 202);
    assert.equal(producer.name, "publish order.placed");
    assert.equal(producer.attributes["messaging.message.id"], event.id);
    assert.equal(consumerSpan.name, "process order.placed");
    assert.equal(consumerSpan.attributes["messaging.consumer.group.name"], "billing");
    assert.equal(consumerSpan.attributes["messaging.system"], "in-process");

    // The delivered envelope carries the producer span's context and the caller's baggage.
    assert.match(
      event.headers.traceparent ?? "",
      new RegExp(`^00-${traceId}-${producer.spanContext().spanId}-01$`),
    );
    assert.deepEqual(baggage, { tenant_id: "t-1", correlation_id: "c-1" });
    const line = logs.entries().find((entry) => entry.msg === "charging");
    assert.equal(line?.trace_id, traceId);
    assert.equal(line?.span_id, consumerSpan.spanContext().spanId);
  });
});
