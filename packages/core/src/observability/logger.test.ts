import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import type { AuditLog } from "../security/audit/audit-log.ts";
import { MemoryAuditLog } from "../security/audit/memory-audit-log.ts";
import { sensitive } from "../security/sensitive/sensitive.ts";
import { createLogger } from "./logger.ts";
import { createMemoryLogDestination } from "./memory-log-destination.ts";

describe("createLogger", () => {
  it("writes JSON lines with the service, a level label and an ISO time", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "orders", level: "info", destination: dest });
    logger.info({ orderId: "o-1" }, "order placed");
    const [entry] = dest.entries();
    assert.equal(entry?.service, "orders");
    assert.equal(entry?.level, "info");
    assert.equal(entry?.msg, "order placed");
    assert.equal(entry?.orderId, "o-1");
    assert.match(String(entry?.time), /^\d{4}-\d{2}-\d{2}T/);
  });

  it("takes the level from LOG_LEVEL when none is given, and defaults to info", () => {
    const dest = createMemoryLogDestination();
    assert.equal(
      createLogger({ service: "s", destination: dest, env: { LOG_LEVEL: "debug" } }).level,
      "debug",
    );
    assert.equal(createLogger({ service: "s", destination: dest, env: {} }).level, "info");
    assert.equal(createLogger({ service: "s", level: "warn", env: { LOG_LEVEL: "debug" } }).level, "warn");
  });

  it("LOG_LEVEL=silent writes nothing", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "s", destination: dest, env: { LOG_LEVEL: "silent" } });
    logger.error("boom");
    logger.fatal("boom");
    assert.equal(dest.entries().length, 0);
  });

  it("logs errors under err with their stack", () => {
    const dest = createMemoryLogDestination();
    createLogger({ service: "s", destination: dest }).error({ err: new Error("kaput") }, "failed");
    const err = dest.entries()[0]?.err as Record<string, unknown>;
    assert.equal(err.message, "kaput");
    assert.match(String(err.stack), /kaput/);
  });

  it("rejects an unknown level with a configuration error naming LOG_LEVEL", () => {
    assert.throws(
      () => createLogger({ service: "s", env: { LOG_LEVEL: "verbose" } }),
      (e) => hasErrorCode(e, "configuration") && /LOG_LEVEL "verbose"/.test(e.message),
    );
  });

  it("merges the mixin's fields into every line", () => {
    const dest = createMemoryLogDestination();
    let n = 0;
    const logger = createLogger({ service: "s", destination: dest, mixin: () => ({ trace_id: `t-${++n}` }) });
    logger.info("one");
    logger.info("two");
    assert.deepEqual(
      dest.entries().map((e) => e.trace_id),
      ["t-1", "t-2"],
    );
  });
});

describe("createLogger redaction", () => {
  it("hides secret fields at any depth, in any case style, in child and set bindings", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "s", destination: dest });
    logger.info({ request: { headers: { Authorization: "Bearer t0k3n-value", "X-Api-Key": "k1" } } }, "in");
    logger.info({ db: { config: { dbPassword: "pw1", host: "db" } }, clientSecret: "cs1" }, "cfg");
    const child = logger.child({ apiKey: "k2", tenant: "t-1" });
    child.child({ session_token: "st1" }).info("grandchild");
    child.setBindings({ cookie: "c1" });
    child.info("after setBindings");
    const lines = dest.entries();
    assert.deepEqual(lines[0]?.request, {
      headers: { Authorization: "[REDACTED]", "X-Api-Key": "[REDACTED]" },
    });
    assert.deepEqual(lines[1]?.db, { config: { dbPassword: "[REDACTED]", host: "db" } });
    assert.equal(lines[2]?.apiKey, "[REDACTED]");
    assert.equal(lines[2]?.tenant, "t-1");
    assert.equal(lines[2]?.session_token, "[REDACTED]");
    assert.equal(lines[3]?.cookie, "[REDACTED]");
    assert.doesNotMatch(JSON.stringify(lines), /t0k3n-value|k1|k2|pw1|cs1|st1|c1"/);
  });

  it("hides configured PII fields and renders Sensitive values redacted", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "s", destination: dest, piiFields: ["email", "phone"] });
    logger.info({
      customer: { id: "c-1", email: "ann@example.com", mobilePhone: "+4912345" },
      card: sensitive("4111"),
    });
    const [line] = dest.entries();
    assert.deepEqual(line?.customer, { id: "c-1", email: "[REDACTED]", mobilePhone: "[REDACTED]" });
    assert.equal(line?.card, "[REDACTED]");
  });

  it("masks secrets in messages and in errors' messages and stacks", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "s", destination: dest });
    logger.warn(`retrying postgres://app:pw-msg@db/orders`);
    logger.error(new Error("connect ECONNREFUSED redis://:pw-err@cache:6379"));
    const [warn, error] = dest.entries();
    assert.equal(warn?.msg, "retrying postgres://app:***@db/orders");
    assert.equal(error?.msg, "connect ECONNREFUSED redis://:***@cache:6379");
    const err = error?.err as Record<string, unknown>;
    assert.equal(err.type, "Error");
    assert.equal(err.message, "connect ECONNREFUSED redis://:***@cache:6379");
    assert.match(String(err.stack), /redis:\/\/:\*\*\*@cache/);
    assert.doesNotMatch(JSON.stringify(dest.entries()), /pw-msg|pw-err/);
  });

  it("appends an audit record naming the PII fields hidden, never their values", async () => {
    const dest = createMemoryLogDestination();
    const audit = new MemoryAuditLog({
      clock: new ManualClock(Date.UTC(2026, 0, 1)),
      ids: sequentialIds("a"),
    });
    const logger = createLogger({ service: "orders", destination: dest, piiFields: ["email", "ssn"], audit });
    logger.info({ orderId: "o-1" }, "no pii");
    logger.info({ customer: { email: "ann@example.com", ssn: "123-45-6789", password: "x" } }, "pii");
    logger.child({ customerEmail: "bob@example.com" });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(audit.records(), [
      {
        id: "a-1",
        time: "2026-01-01T00:00:00.000Z",
        actor: "service:orders",
        action: "pii.redacted",
        resource: "log",
        fields: ["email", "ssn"],
      },
      {
        id: "a-2",
        time: "2026-01-01T00:00:00.000Z",
        actor: "service:orders",
        action: "pii.redacted",
        resource: "log",
        fields: ["email"],
      },
    ]);
    assert.doesNotMatch(JSON.stringify(audit.records()), /example\.com|123-45/);
  });

  it("logs a failed audit append at error without the PII", async () => {
    const dest = createMemoryLogDestination();
    const audit: AuditLog = {
      append: () => Promise.reject(new Error("disk full")),
      close: () => Promise.resolve(),
    };
    const logger = createLogger({ service: "s", destination: dest, piiFields: ["email"], audit });
    logger.info({ email: "ann@example.com" }, "signed up");
    await new Promise((resolve) => setImmediate(resolve));
    const failure = dest.entries().find((e) => e.msg === "audit log append failed");
    assert.equal((failure?.err as Record<string, unknown> | undefined)?.message, "disk full");
    assert.doesNotMatch(JSON.stringify(dest.entries()), /ann@example\.com/);
  });
});
