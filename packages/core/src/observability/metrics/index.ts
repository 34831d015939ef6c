/**
 * @module observability/metrics: Prometheus metrics for AllFrame services — a registry per service,
 * HTTP and event bus decorators, outbox backlog, consumer load, circuit breaker state, and the scrape
 * handler.
 */

export { meterEventBus } from "./meter-event-bus.ts";
export { type MeterHttpOptions, meterHttp } from "./meter-http.ts";
export { metricsHandler } from "./metrics-handler.ts";
export {
  type BacklogSource,
  BREAKER_STATE_VALUES,
  type BreakerState,
  type ConsumerLoadSource,
  type HttpSample,
  ServiceMetrics,
  type ServiceMetricsOptions,
} from "./service-metrics.ts";
