/**
 * Head sampling for server spans, taken before any span is built. A service at sampling 0.1 answers
 * nine requests in ten unsampled; for those the OpenTelemetry SDK still generates two ids, sanitises
 * attributes, runs the sampler and records span metrics, which costs more than the rest of a
 * hello-world request's tracing together (issue 6 performance: traced ≥ 90% of untraced). Here the
 * decision comes first and an unsampled span is a plain non-recording span whose ids are drawn only
 * if something reads them (a log line, an outgoing call), so the sampled flag still propagates.
 *
 * The decisions equal `ParentBased(TraceIdRatioBased(ratio))`: a caller's sampled flag is followed;
 * a new trace is recorded with probability `ratio`. A new trace chosen here is handed to the SDK with
 * {@link HEAD_SAMPLED} set, which {@link HeadSampler} honours, so the SDK does not draw a second time.
 * @module
 */
import {
  type Attributes,
  type Context,
  createContextKey,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { type Sampler, SamplingDecision, type SamplingResult } from "@opentelemetry/sdk-trace-base";
import type { Tracing } from "./create-tracing.ts";

/** Context key set on the parent context of a new trace the head sampler chose to record. */
export const HEAD_SAMPLED = createContextKey("allframe.head-sampled");

const RECORD: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };

/**
 * The provider's sampler: records a span whose parent context carries {@link HEAD_SAMPLED}, and asks
 * `inner` (the configured `ParentBased(TraceIdRatioBased)`) about every other span.
 */
export class HeadSampler implements Sampler {
  readonly #inner: Sampler;

  constructor(inner: Sampler) {
    this.#inner = inner;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (context.getValue(HEAD_SAMPLED) === true) return RECORD;
    return this.#inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `HeadSampler{${this.#inner.toString()}}`;
  }
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * `bytes` random bytes (a multiple of 4) as lowercase hex; all zeros (an invalid id) becomes ...01, as
 * OpenTelemetry's own id generator does.
 */
function randomHexId(bytes: number): string {
  let id = "";
  let nonZero = 0;
  for (let i = 0; i < bytes; i += 4) {
    const word = (Math.random() * 0x1_0000_0000) >>> 0;
    nonZero |= word;
    id += `${HEX[word >>> 24]}${HEX[(word >>> 16) & 255]}${HEX[(word >>> 8) & 255]}${HEX[word & 255]}`;
  }
  return nonZero === 0 ? `${id.slice(0, -1)}1` : id;
}

/**
 * A span that is not recorded: every method is a no-op, as OpenTelemetry's `NonRecordingSpan`, but the
 * span id (and, for a new trace, the trace id) is drawn on the first `spanContext()` call.
 */
class UnsampledSpan implements Span {
  #context: SpanContext | undefined;
  readonly #parent: SpanContext | undefined;

  constructor(parent: SpanContext | undefined) {
    this.#parent = parent;
  }

  spanContext(): SpanContext {
    this.#context ??= {
      traceId: this.#parent?.traceId ?? randomHexId(16),
      spanId: randomHexId(8),
      traceFlags: TraceFlags.NONE,
      ...(this.#parent?.traceState === undefined ? {} : { traceState: this.#parent.traceState }),
    };
    return this.#context;
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(_status: SpanStatus): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return false;
  }
  recordException(): void {}
}

const SERVER = { kind: SpanKind.SERVER };

/**
 * Starts a SERVER span named `name` under `parent` (the caller's extracted trace context, or the active
 * context): an unsampled span costs one small object; a sampled one is the SDK's recording span.
 * Without `parentBased` every span goes through the SDK's own sampler.
 * @example
 * const span = startServerSpan(tracing, "GET", extractContext(tracing, req.headers));
 */
export function startServerSpan(tracing: Tracing, name: string, parent: Context): Span {
  if (!tracing.config.parentBased) return tracing.tracer.startSpan(name, SERVER, parent);
  const caller = trace.getSpanContext(parent);
  if (caller !== undefined && isSpanContextValid(caller)) {
    if ((caller.traceFlags & TraceFlags.SAMPLED) === 0) return new UnsampledSpan(caller);
    return tracing.tracer.startSpan(name, SERVER, parent);
  }
  if (!(Math.random() < tracing.config.samplingRatio)) return new UnsampledSpan(undefined);
  return tracing.tracer.startSpan(name, SERVER, parent.setValue(HEAD_SAMPLED, true));
}
