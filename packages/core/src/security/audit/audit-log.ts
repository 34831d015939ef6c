/**
 * The audit log port: an append-only trail of who touched which personal data, kept apart from the
 * application log and never holding the data itself (`[compliance].audit_logging`; GDPR Art. 30
 * records of processing, HIPAA §164.312(b) audit controls).
 * @module
 */
import { AllFrameError, type ErrorIssue } from "../../errors/allframe-error.ts";
import type { Clock, IdGenerator } from "../../runtime/clock.ts";

/** What a caller states about one act of processing. Field *names* only — never their values. */
export interface AuditEntry {
  /** Who: a user id (`user:42`, a JWT `sub`), a service (`service:orders`) or a job name. */
  actor: string;
  /** What was done, e.g. `read`, `update`, `export`, `erase`, `pii.redacted`. */
  action: string;
  /** Which record or place, e.g. `customer/c-17`, `log`. */
  resource: string;
  /** The personal-data field names involved, e.g. `["email", "phone"]`. Names only (letters, digits, `_ . -`). */
  fields: readonly string[];
  /** Why, when known, e.g. `order fulfilment` (GDPR purpose limitation). */
  purpose?: string;
}

/** A stored audit record: the entry plus its id and time. */
export interface AuditRecord extends AuditEntry {
  /** Unique id from the log's id generator. */
  id: string;
  /** When it was appended, ISO-8601 UTC. */
  time: string;
}

/** The port. Implementations only ever append; there is no update or delete. */
export interface AuditLog {
  /**
   * Stores one record; resolves with it once it is written.
   * @throws AllFrameError `validation` when `actor`, `action` or `resource` is empty, or a field name is
   *   not a plain name (which is how a value passed by mistake, like `a@b.c`, is refused).
   */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Flushes and releases the underlying stream, if any. */
  close(): Promise<void>;
}

const FIELD_NAME = /^[A-Za-z_][\w.-]{0,127}$/;

/**
 * Validates `entry` and stamps it with an id and the clock's time; every {@link AuditLog} uses it so
 * all implementations store the same shape.
 * @throws AllFrameError `validation` as described on {@link AuditLog.append}.
 */
export function toAuditRecord(entry: AuditEntry, clock: Clock, ids: IdGenerator): AuditRecord {
  const issues: ErrorIssue[] = [];
  for (const key of ["actor", "action", "resource"] as const) {
    if (typeof entry[key] !== "string" || entry[key].trim() === "") {
      issues.push({ path: [key], message: "must be a non-empty string" });
    }
  }
  entry.fields.forEach((field, index) => {
    if (!FIELD_NAME.test(field)) {
      issues.push({ path: ["fields", index], message: "must be a field name (letters, digits, _ . -)" });
    }
  });
  if (issues.length > 0) {
    throw new AllFrameError(
      "validation",
      `audit entry rejected: ${issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}; pass field names, never values`,
      { issues },
    );
  }
  const record: AuditRecord = {
    id: ids(),
    time: clock.now().toISOString(),
    actor: entry.actor,
    action: entry.action,
    resource: entry.resource,
    fields: [...entry.fields],
  };
  if (entry.purpose !== undefined) record.purpose = entry.purpose;
  return record;
}
