import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock, sequentialIds } from "../../runtime/clock.ts";
import { MemoryAuditLog } from "./memory-audit-log.ts";
import { createPiiAuditor } from "./pii-auditor.ts";

describe("createPiiAuditor", () => {
  const setup = () => {
    const audit = new MemoryAuditLog({ clock: new ManualClock(0), ids: sequentialIds("a") });
    return { audit, pii: createPiiAuditor({ audit, piiFields: ["email", "phone", "address", "ssn"] }) };
  };

  it("records which PII fields the data held, at any depth, without their values", async () => {
    const { audit, pii } = setup();
    const customer = {
      id: "c-17",
      contact: { email: "ann@example.com", mobilePhone: "+4912345" },
      shipping: [{ addressLine1: "1 Main St" }],
      ssnToken: "tok",
    };
    const record = await pii.recordAccess({
      actor: "user:42",
      action: "read",
      resource: "customer/c-17",
      data: customer,
      purpose: "support ticket 881",
    });
    assert.deepEqual(record?.fields, ["email", "phone", "address", "ssn"]);
    assert.equal(record?.purpose, "support ticket 881");
    assert.equal(audit.records().length, 1);
    assert.doesNotMatch(JSON.stringify(audit.records()), /ann@example|4912345|Main St|tok"/);
  });

  it("appends nothing when the data holds no PII field", async () => {
    const { audit, pii } = setup();
    const record = await pii.recordAccess({
      actor: "user:42",
      action: "read",
      resource: "order/o-1",
      data: { total: 5 },
    });
    assert.equal(record, undefined);
    assert.deepEqual(audit.records(), []);
  });
});
