/**
 * The in-memory audit log, for tests and `npm run dev`.
 * @module
 */
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../../runtime/clock.ts";
import { type AuditEntry, type AuditLog, type AuditRecord, toAuditRecord } from "./audit-log.ts";

/** Options for {@link MemoryAuditLog}: injectable clock and id generator (defaults: system clock, UUIDs). */
export interface MemoryAuditLogOptions {
  clock?: Clock;
  ids?: IdGenerator;
}

/**
 * Keeps records in an array; {@link MemoryAuditLog.records} reads them back.
 * @example
 * const audit = new MemoryAuditLog({ clock: new ManualClock(0), ids: sequentialIds("a") });
 */
export class MemoryAuditLog implements AuditLog {
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #records: AuditRecord[] = [];

  constructor(opts: MemoryAuditLogOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = toAuditRecord(entry, this.#clock, this.#ids);
    this.#records.push(record);
    return record;
  }

  /** Every record so far, oldest first (copies). */
  records(): AuditRecord[] {
    return this.#records.map((record) => ({ ...record, fields: [...record.fields] }));
  }

  async close(): Promise<void> {}
}
