/**
 * Structured JSON logging for every AllFrame service, on pino.
 * @module
 */
import pino from "pino";
import { AllFrameError } from "../errors/allframe-error.ts";

/** The logger every AllFrame module accepts: a pino logger (`info(obj, msg)`, `child(bindings)`, ...). */
export type Logger = pino.Logger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written as the `service` field of every line. */
  service: string;
  /**
   * Minimum level: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`.
   * Default: env `LOG_LEVEL`, else `"info"`.
   */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream that collects lines. */
  destination?: pino.DestinationStream;
  /** Environment to read `LOG_LEVEL` from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The levels {@link createLogger} accepts. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Creates a JSON logger: one line per entry with `level` (as a label, e.g. `"info"`), `time`
 * (ISO-8601), `service`, `msg`, plus any bound fields. Errors logged under `err` carry their stack.
 *
 * @throws AllFrameError `configuration` when the level (from `opts.level` or `LOG_LEVEL`) is not one
 *   of {@link LOG_LEVELS}.
 * @example
 * const logger = createLogger({ service: "orders" });
 * logger.info({ orderId }, "order placed");
 */
export function createLogger(opts: LoggerOptions): Logger {
  const env = opts.env ?? process.env;
  const fromEnv = env.LOG_LEVEL?.trim().toLowerCase();
  const level = opts.level ?? (fromEnv === undefined || fromEnv === "" ? "info" : fromEnv);
  if (!isLogLevel(level)) {
    const source = opts.level === undefined ? "LOG_LEVEL" : "logger level";
    throw new AllFrameError(
      "configuration",
      `${source} "${level}" is not a log level; set it to one of ${LOG_LEVELS.join(", ")}`,
      { issues: [{ path: [source], message: `expected one of ${LOG_LEVELS.join(", ")}` }] },
    );
  }
  const options: pino.LoggerOptions = {
    level,
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}
