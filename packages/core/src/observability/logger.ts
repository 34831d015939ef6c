/**
 * Structured JSON logging for every AllFrame service, on pino.
 * @module
 */
import pino from "pino";
import { AllFrameError } from "../errors/allframe-error.ts";
import type { AuditLog } from "../security/audit/audit-log.ts";
import { createRedactor } from "../security/redaction/redactor.ts";

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
  /** Fields merged into every line written (pino `mixin`), e.g. the active trace and span ids. */
  mixin?: () => Record<string, unknown>;
  /**
   * Field names whose values are secrets, written as `"[REDACTED]"` at any depth; default
   * `DEFAULT_SECRET_KEYS` (password, secret, token, authorization, cookie, api key, ...). Replaces the default.
   */
  secretKeys?: readonly string[];
  /** Personal-data field names (`[compliance].pii_fields`), written as `"[REDACTED]"` at any depth. */
  piiFields?: readonly string[];
  /**
   * The audit log (`[compliance].audit_logging = true`): each line or child binding that had PII
   * fields hidden appends `{ actor: "service:<service>", action: "pii.redacted", resource: "log",
   * fields }`. A failed append is logged at `error`, without the PII.
   */
  audit?: AuditLog;
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
 * (ISO-8601), `service`, `msg`, plus any bound fields. Errors (under `err` or any key) carry their
 * stack.
 *
 * Redaction (seed 001, "Security: safe logging"): secret and PII fields become `"[REDACTED]"` at any
 * depth and in any case style, secrets inside strings, messages and error messages/stacks are masked
 * (`postgres://app:***@db`, `Bearer ***`), and `Sensitive` values render `"[REDACTED]"`. The walk runs
 * only for lines at an enabled level, is bounded, and allocates nothing for a line with nothing to hide.
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
  const redactor = createRedactor({ secretKeys: opts.secretKeys, piiFields: opts.piiFields });
  const audit = opts.audit;
  const redact = (object: Record<string, unknown>): Record<string, unknown> => {
    if (audit === undefined) return redactor.redact(object) as Record<string, unknown>;
    const found = new Set<string>();
    const redacted = redactor.redact(object, found) as Record<string, unknown>;
    if (found.size > 0) {
      audit
        .append({
          actor: `service:${opts.service}`,
          action: "pii.redacted",
          resource: "log",
          fields: [...found],
        })
        .catch((error: unknown) => logger.error({ err: error }, "audit log append failed"));
    }
    return redacted;
  };
  const options: pino.LoggerOptions = {
    level,
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: redact },
    // `log` above has already turned errors into redacted plain objects; pino's default `err`
    // serializer would treat those as errors again and rename their type to "Object".
    serializers: {
      msg: (msg: unknown) => (typeof msg === "string" ? redactor.redactText(msg) : msg),
      err: (value: unknown) => value,
    },
    ...(opts.mixin === undefined ? {} : { mixin: opts.mixin }),
  };
  const logger = opts.destination === undefined ? pino(options) : pino(options, opts.destination);
  redactBindings(logger, redact);
  return logger;
}

/**
 * pino applies `formatters.bindings` to the root's base fields only (children reset it), so bindings
 * are redacted by wrapping `child` and `setBindings` on the root; children inherit the wrappers
 * through their prototype chain.
 */
function redactBindings(
  root: Logger,
  redact: (bindings: Record<string, unknown>) => Record<string, unknown>,
): void {
  const child = root.child;
  const setBindings = root.setBindings;
  root.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redact(bindings), childOptions);
  } as Logger["child"];
  root.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, redact(bindings));
  };
}
