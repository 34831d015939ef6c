/** @module observability: structured logging (later: tracing and metrics). */
export { createLogger, LOG_LEVELS, type Logger, type LoggerOptions, type LogLevel } from "./logger.ts";
export { createMemoryLogDestination, type MemoryLogDestination } from "./memory-log-destination.ts";
