/**
 * One service's tracing: an OpenTelemetry tracer provider with a `ParentBased(TraceIdRatioBased)`
 * sampler, an exporter (OTLP/HTTP, console, memory or none) and a composite propagator (W3C Trace
 * Context, W3C Baggage, B3). Seed 001: "OpenTelemetry — distributed tracing support";
 * architecture.toml `[observability]` `propagation` and `sampling`.
 * @module
 */
import { context, propagation, type TextMapPropagator, type Tracer, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { HeadSampler } from "./head-sampling.ts";
import {
  parseTracingConfig,
  type ResolvedTracingConfig,
  type TracePropagator,
  type TracingConfig,
} from "./tracing-config.ts";

/** A service's tracing; every AllFrame tracing helper takes it as its first argument. */
export interface Tracing {
  readonly config: ResolvedTracingConfig;
  /** The tracer spans are started with (instrumentation scope `@allframe/core`). */
  readonly tracer: Tracer;
  readonly provider: BasicTracerProvider;
  /** Injects and extracts every configured format (in `config.propagators` order). */
  readonly propagator: TextMapPropagator;
  /** The exporter holding finished spans when `config.exporter` is `"memory"`; otherwise undefined. */
  readonly memoryExporter: InMemorySpanExporter | undefined;
  /** Exports spans still buffered (OTLP batches). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops exporting; spans started afterwards are dropped. Idempotent. */
  shutdown(): Promise<void>;
}

let contextManagerInstalled = false;

/**
 * Installs an `AsyncLocalStorageContextManager` as OpenTelemetry's context manager, once per process:
 * without one, `context.with` does nothing and no span would be "active". If another manager is
 * already installed (e.g. by the OpenTelemetry Node SDK), that one is kept.
 */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
  contextManagerInstalled = true;
}

function buildPropagator(names: readonly TracePropagator[]): TextMapPropagator {
  const byName: Record<TracePropagator, () => TextMapPropagator> = {
    tracecontext: () => new W3CTraceContextPropagator(),
    baggage: () => new W3CBaggagePropagator(),
    b3: () => new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
    b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  };
  return new CompositePropagator({ propagators: [...new Set(names)].map((name) => byName[name]()) });
}

function buildSampler(config: ResolvedTracingConfig): Sampler {
  const root = new TraceIdRatioBasedSampler(config.samplingRatio);
  return new HeadSampler(config.parentBased ? new ParentBasedSampler({ root }) : root);
}

function buildProcessors(
  config: ResolvedTracingConfig,
  memory: InMemorySpanExporter | undefined,
): SpanProcessor[] {
  switch (config.exporter) {
    case "otlp":
      return [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpEndpoint }))];
    case "console":
      return [new SimpleSpanProcessor(new ConsoleSpanExporter())];
    case "memory":
      return memory === undefined ? [] : [new SimpleSpanProcessor(memory)];
    case "none":
      return [];
  }
}

/**
 * Creates a service's tracing. The tracer provider and propagator are instances, not globals (unless
 * `registerGlobal`), so tests and multi-service processes can hold several side by side. The one
 * process-wide piece is the async context manager (installed on first call, never removed), which
 * OpenTelemetry's `context` API needs to know the active span across `await`s.
 *
 * Spans: `"otlp"` exports in batches (call `shutdown()` on exit to flush); `"memory"` and `"console"`
 * export each span when it ends. Unsampled spans are non-recording: cheap, never exported, but their
 * trace id and sampled flag still propagate.
 *
 * @throws AllFrameError `configuration` for an invalid config (see {@link parseTracingConfig}), or when
 *   `registerGlobal` is set and a global tracer provider or propagator is already registered.
 * @example
 * const tracing = createTracing({ serviceName: "orders", samplingRatio: 0.1, exporter: "otlp",
 *   propagators: ["tracecontext", "b3", "baggage"] });
 * host.onShutdown("tracing", () => tracing.shutdown()); // "close" phase: after the drain
 */
export function createTracing(input: TracingConfig): Tracing {
  const config = parseTracingConfig(input);
  installContextManager();
  const memoryExporter = config.exporter === "memory" ? new InMemorySpanExporter() : undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: buildSampler(config),
    spanProcessors: buildProcessors(config, memoryExporter),
  });
  const propagator = buildPropagator(config.propagators);
  if (config.registerGlobal) {
    const taken = (what: string) =>
      new AllFrameError(
        "configuration",
        `tracing for "${config.serviceName}": a global OpenTelemetry ${what} is already registered; set registerGlobal on one tracing per process`,
      );
    if (!trace.setGlobalTracerProvider(provider)) throw taken("tracer provider");
    if (!propagation.setGlobalPropagator(propagator)) {
      trace.disable();
      throw taken("propagator");
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    config,
    tracer: provider.getTracer("@allframe/core"),
    provider,
    propagator,
    memoryExporter,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
}
