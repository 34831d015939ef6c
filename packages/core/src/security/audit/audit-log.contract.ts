/**
 * The contract every {@link AuditLog} passes (house style rule 4): each case gets a fresh log on a
 * {@link ManualClock} with sequential ids, and a way to read back what it stored.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type IdGenerator, ManualClock, sequentialIds } from "../../runtime/clock.ts";
import type { AuditLog, AuditRecord } from "./audit-log.ts";

/** A fresh, empty log and a reader of the records it has stored, oldest first. */
export interface AuditLogUnderTest {
  log: AuditLog;
  stored(): Promise<AuditRecord[]>;
}

/** Makes an {@link AuditLogUnderTest} whose records take their time from `clock` and ids from `ids`. */
export type AuditLogFactory = (clock: ManualClock, ids: IdGenerator) => Promise<AuditLogUnderTest>;

const START = Date.UTC(2026, 0, 1);

/** Registers the audit log contract as a `describe` block. */
export function runAuditLogContract(name: string, factory: AuditLogFactory): void {
  const withLog = (fn: (subject: AuditLogUnderTest, clock: ManualClock) => Promise<void>) => async () => {
    const clock = new ManualClock(START);
    const subject = await factory(clock, sequentialIds("audit"));
    try {
      await fn(subject, clock);
    } finally {
      await subject.log.close();
    }
  };

  describe(`audit log contract: ${name}`, () => {
    it(
      "stores records in append order, stamped with an id and the clock's time",
      withLog(async ({ log, stored }, clock) => {
        const first = await log.append({
          actor: "user:1",
          action: "read",
          resource: "customer/c-1",
          fields: ["email"],
        });
        clock.advance(1_500);
        await log.append({
          actor: "user:2",
          action: "erase",
          resource: "customer/c-1",
          fields: ["email", "phone"],
          purpose: "GDPR Art. 17 request",
        });
        assert.deepEqual(first, {
          id: "audit-1",
          time: "2026-01-01T00:00:00.000Z",
          actor: "user:1",
          action: "read",
          resource: "customer/c-1",
          fields: ["email"],
        });
        assert.deepEqual(await stored(), [
          first,
          {
            id: "audit-2",
            time: "2026-01-01T00:00:01.500Z",
            actor: "user:2",
            action: "erase",
            resource: "customer/c-1",
            fields: ["email", "phone"],
            purpose: "GDPR Art. 17 request",
          },
        ]);
      }),
    );

    it(
      "refuses empty actors and values passed as field names, storing nothing",
      withLog(async ({ log, stored }) => {
        await assert.rejects(
          log.append({ actor: " ", action: "read", resource: "customer/c-1", fields: ["email"] }),
          (e) => hasErrorCode(e, "validation") && /actor must be a non-empty string/.test(e.message),
        );
        await assert.rejects(
          log.append({
            actor: "user:1",
            action: "read",
            resource: "customer/c-1",
            fields: ["ann@example.com"],
          }),
          (e) => hasErrorCode(e, "validation") && e.issues[0]?.path.join(".") === "fields.0",
        );
        assert.deepEqual(await stored(), []);
      }),
    );
  });
}
