/**
 * The audit log as JSON lines on a stream or an append-only file: one record per line, the format
 * log shippers (Fluent Bit, Vector, CloudWatch agent) and `jq` read directly.
 * @module
 */
import { createWriteStream } from "node:fs";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../../runtime/clock.ts";
import { type AuditEntry, type AuditLog, type AuditRecord, toAuditRecord } from "./audit-log.ts";

/** Options for {@link JsonLinesAuditLog}. */
export interface JsonLinesAuditLogOptions {
  /** Where lines go. */
  stream: NodeJS.WritableStream;
  /** True when `close()` should end the stream (files this module opened); default false. */
  ownsStream?: boolean;
  clock?: Clock;
  ids?: IdGenerator;
}

/**
 * Writes each record as one JSON line; `append` resolves when the stream has taken the line (for a
 * file: handed to the OS, not fsynced). Lines keep the order of `append` calls.
 * @throws from `append`: AllFrameError `unavailable` when the stream fails or is closed.
 */
export class JsonLinesAuditLog implements AuditLog {
  readonly #stream: NodeJS.WritableStream;
  readonly #ownsStream: boolean;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;

  constructor(opts: JsonLinesAuditLogOptions) {
    this.#stream = opts.stream;
    this.#ownsStream = opts.ownsStream ?? false;
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    // A stream this log opened has no other listener; without one, a failed open or write would be an
    // unhandled 'error' event and end the process. The failure still reaches append's callback.
    if (this.#ownsStream) this.#stream.on("error", () => {});
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = toAuditRecord(entry, this.#clock, this.#ids);
    return new Promise((resolve, reject) => {
      this.#stream.write(`${JSON.stringify(record)}\n`, (error) => {
        if (error === null || error === undefined) resolve(record);
        else
          reject(
            new AllFrameError("unavailable", `audit log write failed: ${error.message}`, { cause: error }),
          );
      });
    });
  }

  close(): Promise<void> {
    if (!this.#ownsStream) return Promise.resolve();
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}

/**
 * Opens (creating if needed, mode 0600) `path` for appending and returns a {@link JsonLinesAuditLog}
 * that closes it on `close()`.
 */
export function openAuditLogFile(
  path: string,
  opts: Omit<JsonLinesAuditLogOptions, "stream" | "ownsStream"> = {},
) {
  const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
  return new JsonLinesAuditLog({ ...opts, stream, ownsStream: true });
}

/**
 * The audit log a generated service opens when `[compliance].audit_logging = true`: `AUDIT_LOG_FILE`
 * names a file to append to, or `-` for stdout (for platforms that ship stdout, with the application
 * log; audit lines are the ones with `actor` and `action`).
 * @throws AllFrameError `configuration` when `AUDIT_LOG_FILE` is unset: where audit records go must be a
 *   decision, not a default.
 */
export function openAuditLog(env: Record<string, string | undefined> = process.env): JsonLinesAuditLog {
  const target = env.AUDIT_LOG_FILE?.trim();
  if (target === undefined || target === "") {
    throw new AllFrameError(
      "configuration",
      "audit logging is on ([compliance].audit_logging) but AUDIT_LOG_FILE is not set; set it to a file path, or to - for stdout",
      { issues: [{ path: ["AUDIT_LOG_FILE"], message: "required when audit logging is on" }] },
    );
  }
  return target === "-" ? new JsonLinesAuditLog({ stream: process.stdout }) : openAuditLogFile(target);
}
