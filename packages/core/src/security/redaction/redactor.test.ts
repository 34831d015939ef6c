import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { sensitive } from "../sensitive/sensitive.ts";
import { createRedactor, redactError } from "./redactor.ts";

describe("createRedactor().redact", () => {
  const redactor = createRedactor({ piiFields: ["email", "ssn"] });

  it("hides secret and PII fields at any depth and reports the PII fields found", () => {
    const found = new Set<string>();
    const input = {
      order: { id: "o-1", customer: { customerEmail: "a@b.example", SSN: "123-45-6789", name: "Ann" } },
      db: { config: { connection: { Password: "p" } } },
      headers: [{ authorization: "Bearer x" }, { "x-request-id": "r-1" }],
    };
    assert.deepEqual(redactor.redact(input, found), {
      order: { id: "o-1", customer: { customerEmail: "[REDACTED]", SSN: "[REDACTED]", name: "Ann" } },
      db: { config: { connection: { Password: "[REDACTED]" } } },
      headers: [{ authorization: "[REDACTED]" }, { "x-request-id": "r-1" }],
    });
    assert.deepEqual([...found].sort(), ["email", "ssn"]);
    assert.equal(input.db.config.connection.Password, "p", "the input is not mutated");
  });

  it("returns the same object when there is nothing to hide", () => {
    const input = { orderId: "o-1", items: [{ sku: "a", qty: 2 }], at: new Date(0) };
    assert.equal(redactor.redact(input), input);
  });

  it("masks secrets in strings and URLs, and serializes errors redacted", () => {
    const error = Object.assign(new Error("dial postgres://app:pw1@db/x failed"), {
      config: { password: "pw2" },
    });
    const out = redactor.redact({ note: "use token=abc", url: new URL("https://u:pw3@h/"), error }) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(out.note, "use token=***");
    assert.equal(out.url, "https://u:***@h/");
    assert.equal(out.error?.type, "Error");
    assert.equal(out.error?.message, "dial postgres://app:***@db/x failed");
    assert.match(String(out.error?.stack), /app:\*\*\*@db/);
    assert.deepEqual(out.error?.config, { password: "[REDACTED]" });
    assert.doesNotMatch(JSON.stringify(out), /pw1|pw2|pw3/);
  });

  it("leaves Sensitive to its toJSON, and bounds cycles and depth", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { password: "deep-secret" };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const out = redactor.redact({ pw: sensitive("s"), cyclic, deep });
    assert.equal(JSON.stringify((out as { pw: unknown }).pw), '"[REDACTED]"');
    assert.equal((out as { cyclic: { self: unknown } }).cyclic.self, "[Circular]");
    assert.match(JSON.stringify(out), /\[Truncated\]/);
    assert.doesNotMatch(JSON.stringify(out), /deep-secret/);
  });
});

describe("redactError", () => {
  it("keeps the class, code and guards while hiding secrets in message, stack, fields and cause", () => {
    const cause = new Error("auth failed for amqp://guest:pw-cause@rabbit");
    const error = new AllFrameError("unavailable", "cannot reach redis://:pw-main@cache:6379", {
      cause,
      details: { apiKey: "k-123", host: "cache" },
    });
    const safe = redactError(error);
    assert.ok(safe instanceof AllFrameError);
    assert.ok(hasErrorCode(safe, "unavailable"));
    assert.equal(safe.message, "cannot reach redis://:***@cache:6379");
    assert.match(String(safe.stack), /redis:\/\/:\*\*\*@cache/);
    assert.deepEqual(safe.details, { apiKey: "[REDACTED]", host: "cache" });
    assert.equal((safe.cause as Error).message, "auth failed for amqp://guest:***@rabbit");
    assert.deepEqual(safe.toJSON(), { code: "unavailable", message: "cannot reach redis://:***@cache:6379" });
    assert.equal(error.message, "cannot reach redis://:pw-main@cache:6379", "the original is untouched");
  });

  it("turns a non-Error into an Error with a redacted message", () => {
    const safe = redactError("failed: password=hunter2");
    assert.ok(safe instanceof Error);
    assert.equal(safe.message, "failed: password=***");
  });
});
