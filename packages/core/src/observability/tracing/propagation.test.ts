import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { createEvent, type EventEnvelope } from "../../messaging/event-envelope.ts";
import { InProcessEventBus } from "../../messaging/in-process-event-bus.ts";
import { createLogger } from "../logger.ts";
import { currentBaggage, withBaggage } from "./baggage.ts";
import { createTracing, type Tracing } from "./create-tracing.ts";
import { withTraceHeaders } from "./outbox-tracing.ts";
import { extractContext, injectHeaders } from "./propagation.ts";
import { withServerSpan } from "./server-span.ts";
import { traceEventBus } from "./trace-event-bus.ts";
import type { TracingConfig } from "./tracing-config.ts";

const silent = createLogger({ service: "test", level: "silent" });

function memoryTracing(overrides: Partial<TracingConfig> = {}): Tracing {
  return createTracing({
    serviceName: "svc",
    samplingRatio: 1,
    exporter: "memory",
    propagators: ["tracecontext", "baggage"],
    ...overrides,
  });
}

/** Publishes `event` on a traced in-process bus and resolves with what the subscriber saw. */
async function deliver(tracing: Tracing, event: EventEnvelope) {
  const bus = traceEventBus(new InProcessEventBus({ logger: silent }), tracing);
  const seen = Promise.withResolvers<{
    event: EventEnvelope;
    traceId: string | undefined;
    baggage: object;
  }>();
  bus.subscribe(event.type, async (delivered) => {
    const traceId = trace.getSpan(context.active())?.spanContext().traceId;
    seen.resolve({ event: delivered, traceId, baggage: currentBaggage() });
  });
  await bus.publish(event);
  const result = await seen.promise;
  await bus.close();
  return result;
}

describe("B3 propagation", () => {
  for (const [format, headerNames] of [
    ["b3", ["b3"]],
    ["b3multi", ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"]],
  ] as const) {
    it(`${format}: what one service injects, another extracts`, async () => {
      const sender = memoryTracing({ propagators: [format] });
      const receiver = memoryTracing({ propagators: [format] });
      const span = sender.tracer.startSpan("call", { kind: SpanKind.CLIENT });
      const headers = injectHeaders(sender, {}, trace.setSpan(ROOT_CONTEXT, span));
      span.end();
      assert.deepEqual(Object.keys(headers).sort(), [...headerNames].sort());
      assert.equal(headers.traceparent, undefined, "only the configured format is written");
      const extracted = trace.getSpanContext(extractContext(receiver, headers, ROOT_CONTEXT));
      assert.equal(extracted?.traceId, span.spanContext().traceId);
      assert.equal(extracted?.spanId, span.spanContext().spanId);
      assert.equal(extracted?.traceFlags, TraceFlags.SAMPLED);
      assert.equal(extracted?.isRemote, true);
    });
  }

  it("a B3 caller's server span continues its trace", async () => {
    const tracing = memoryTracing({ propagators: ["tracecontext", "b3"] });
    const traceId = "463ac35c9f6413ad48485a3953bb6124";
    const headers = { b3: `${traceId}-0020000000000001-1` };
    await withServerSpan(tracing, { protocol: "http", name: "GET /x", headers }, async () => {});
    const [server] = tracing.memoryExporter?.getFinishedSpans() ?? [];
    assert.equal(server?.spanContext().traceId, traceId);
    assert.equal(server?.parentSpanContext?.spanId, "0020000000000001");
  });
});

describe("baggage through envelope headers", () => {
  it("tenant, user and correlation ids reach the consumer's context", async () => {
    const tracing = memoryTracing();
    const event = createEvent("order.placed", {}, { source: "orders", headers: { "schema-version": "2" } });
    const { event: delivered, baggage } = await withBaggage(
      { tenant_id: "acme", user_id: "u 7", correlation_id: "req-1" },
      () => deliver(tracing, event),
    );
    assert.deepEqual(baggage, { tenant_id: "acme", user_id: "u 7", correlation_id: "req-1" });
    assert.match(delivered.headers.baggage ?? "", /tenant_id=acme/);
    assert.equal(delivered.headers["schema-version"], "2", "existing headers are kept");
    assert.deepEqual(event.headers, { "schema-version": "2" }, "the publisher's envelope is not modified");
  });

  it("withBaggage adds to the baggage already active and replaces the same key", () => {
    const fields = withBaggage({ tenant_id: "a", user_id: "u" }, () =>
      withBaggage({ tenant_id: "b" }, () => currentBaggage()),
    );
    assert.deepEqual(fields, { tenant_id: "b", user_id: "u" });
    assert.deepEqual(currentBaggage(), {});
  });

  it("withTraceHeaders stamps the active context; a later publish elsewhere continues it", async () => {
    const tracing = memoryTracing();
    const span = tracing.tracer.startSpan("request", { kind: SpanKind.SERVER });
    const stamped = context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      withBaggage({ tenant_id: "acme" }, () =>
        withTraceHeaders(tracing, createEvent("a.b", 1, { source: "s" })),
      ),
    );
    span.end();
    const { traceId, baggage } = await deliver(tracing, stamped);
    assert.equal(traceId, span.spanContext().traceId);
    assert.deepEqual(baggage, { tenant_id: "acme" });
  });
});

describe("sampling", () => {
  it("ratio 0: nothing is exported, yet the trace id propagates to the consumer", async () => {
    const tracing = memoryTracing({ samplingRatio: 0 });
    const { outgoing, traceId } = await withServerSpan(
      tracing,
      { protocol: "http", name: "POST /orders", headers: {} },
      async (span) => ({ outgoing: injectHeaders(tracing), traceId: span.spanContext().traceId }),
    );
    assert.match(outgoing.traceparent ?? "", new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    const delivered = await context.with(extractContext(tracing, outgoing, ROOT_CONTEXT), () =>
      deliver(tracing, createEvent("order.placed", {}, { source: "orders" })),
    );
    assert.equal(delivered.traceId, traceId);
    assert.deepEqual(tracing.memoryExporter?.getFinishedSpans(), []);
  });

  it("ratio 0 still follows a caller that sampled (parent-based)", async () => {
    const tracing = memoryTracing({ samplingRatio: 0 });
    const headers = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    await withServerSpan(tracing, { protocol: "http", name: "GET /x", headers }, async () => {});
    assert.equal(tracing.memoryExporter?.getFinishedSpans().length, 1);
  });

  it("ratio 1: every span of the flow is exported", async () => {
    const tracing = memoryTracing({ samplingRatio: 1 });
    await withServerSpan(tracing, { protocol: "http", name: "POST /orders", headers: {} }, () =>
      deliver(tracing, createEvent("order.placed", {}, { source: "orders" })),
    );
    const kinds = (tracing.memoryExporter?.getFinishedSpans() ?? [])
      .map((span) => SpanKind[span.kind])
      .sort();
    assert.deepEqual(kinds, ["CONSUMER", "PRODUCER", "SERVER"]);
  });
});
