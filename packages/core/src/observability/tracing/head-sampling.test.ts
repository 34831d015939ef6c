import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  context,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { AlwaysOffSampler, SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { createTracing } from "./create-tracing.ts";
import { HEAD_SAMPLED, HeadSampler, startServerSpan } from "./head-sampling.ts";

const memoryTracing = (samplingRatio: number, parentBased = true) =>
  createTracing({ serviceName: "head", samplingRatio, exporter: "memory", parentBased });

const remoteParent = (traceFlags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags,
    isRemote: true,
    traceState: createTraceState("vendor=a"),
  });

describe("startServerSpan", () => {
  it("records a new trace when the draw falls under the ratio, drawing once (the SDK does not re-sample)", (t) => {
    // The SDK's own ratio sampler at 0.25 would drop most trace ids; the head decision must stand.
    t.mock.method(Math, "random", () => 0.2);
    const tracing = memoryTracing(0.25);
    const span = startServerSpan(tracing, "GET", ROOT_CONTEXT);
    assert.equal(span.isRecording(), true);
    span.end();
    assert.equal(tracing.memoryExporter?.getFinishedSpans().length, 1);
    assert.equal(tracing.memoryExporter?.getFinishedSpans()[0]?.kind, SpanKind.SERVER);
  });

  it("leaves a new trace unrecorded when the draw is at or over the ratio, yet gives it valid unsampled ids", (t) => {
    t.mock.method(Math, "random", () => 0.25);
    const tracing = memoryTracing(0.25);
    const span = startServerSpan(tracing, "GET", ROOT_CONTEXT);
    assert.equal(span.isRecording(), false);
    const ids = span.spanContext();
    assert.ok(isSpanContextValid(ids));
    assert.match(ids.traceId, /^[0-9a-f]{32}$/);
    assert.match(ids.spanId, /^[0-9a-f]{16}$/);
    assert.equal(ids.traceFlags, TraceFlags.NONE);
    assert.equal(span.spanContext(), ids, "ids are drawn once and kept");
    span.setAttribute("k", 1).setStatus({ code: 2 }).updateName("x").end();
    assert.equal(tracing.memoryExporter?.getFinishedSpans().length, 0);
  });

  it("never draws an all-zero (invalid) id", (t) => {
    t.mock.method(Math, "random", () => 0);
    const span = startServerSpan(memoryTracing(0), "GET", ROOT_CONTEXT);
    assert.ok(isSpanContextValid(span.spanContext()));
  });

  it("spans started inside an unsampled request follow its decision and its trace id", () => {
    const tracing = memoryTracing(0);
    const span = startServerSpan(tracing, "GET", ROOT_CONTEXT);
    const child = context.with(trace.setSpan(ROOT_CONTEXT, span), () => tracing.tracer.startSpan("db"));
    assert.equal(child.isRecording(), false);
    assert.equal(child.spanContext().traceId, span.spanContext().traceId);
  });

  it("follows a caller's sampled flag: child of the remote span, recorded even at ratio 0", () => {
    const tracing = memoryTracing(0);
    const span = startServerSpan(tracing, "GET", remoteParent(TraceFlags.SAMPLED));
    assert.equal(span.isRecording(), true);
    span.end();
    const [finished] = tracing.memoryExporter?.getFinishedSpans() ?? [];
    assert.equal(finished?.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(finished?.parentSpanContext?.spanId, "b7ad6b7169203331");
  });

  it("follows a caller's unsampled flag at ratio 1: same trace and trace state, new span id, not recorded", () => {
    const span = startServerSpan(memoryTracing(1), "GET", remoteParent(TraceFlags.NONE));
    assert.equal(span.isRecording(), false);
    const ids = span.spanContext();
    assert.equal(ids.traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.notEqual(ids.spanId, "b7ad6b7169203331");
    assert.equal(ids.traceFlags, TraceFlags.NONE);
    assert.equal(ids.traceState?.get("vendor"), "a");
  });

  it("without parentBased, leaves every decision to the SDK's ratio sampler (by trace id)", () => {
    const span = startServerSpan(memoryTracing(1, false), "GET", remoteParent(TraceFlags.NONE));
    assert.equal(span.isRecording(), true, "ratio 1 samples even under an unsampled caller");
  });
});

describe("HeadSampler", () => {
  it("records a span whose parent context carries the head decision, and otherwise asks the inner sampler", () => {
    const sampler = new HeadSampler(new AlwaysOffSampler());
    const ask = (ctx: typeof ROOT_CONTEXT) =>
      sampler.shouldSample(ctx, "0af7651916cd43dd8448eb211c80319c", "GET", SpanKind.SERVER, {}, []).decision;
    assert.equal(ask(ROOT_CONTEXT.setValue(HEAD_SAMPLED, true)), SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(ask(ROOT_CONTEXT), SamplingDecision.NOT_RECORD);
    assert.equal(sampler.toString(), "HeadSampler{AlwaysOffSampler}");
  });
});
