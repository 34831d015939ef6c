/**
 * @module observability: structured logging; tracing (OpenTelemetry) in `tracing/` and Prometheus
 * metrics in `metrics/`, each with its own index.
 */
export { createLogger, LOG_LEVELS, type Logger, type LoggerOptions, type LogLevel } from "./logger.ts";
export { createMemoryLogDestination, type MemoryLogDestination } from "./memory-log-destination.ts";
