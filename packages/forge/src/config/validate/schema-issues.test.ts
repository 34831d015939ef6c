import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

describe("schema validation", () => {
  it("reports an unknown service type with a suggestion and the valid types", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "statless"
`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "unknown-service-type");
    assert.equal(d.severity, "error");
    assert.equal(d.message, 'unknown service type "statless"');
    assert.match(
      d.hint,
      /^did you mean "stateless"\? Valid types: stateless, event-sourced, saga-orchestrator/,
    );
    assert.deepEqual(d.path, ["services", 0, "type"]);
    assert.equal(d.service, "users");
    assertAt(d, 6, 8);
  });

  it("gives no suggestion for a type that is nothing like a valid one", () => {
    const result = loadInline(`${HEADER}\n[[services]]\nname = "users"\ntype = "lambda"\n`);
    assert.match(onlyDiagnostic(result, "unknown-service-type").hint, /^Valid types: /);
  });

  it("reports a wrong value type with what was written", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
port = "8080"
`);
    const d = onlyDiagnostic(result, "schema");
    assert.equal(d.message, 'expected a number, got "8080"');
    assertAt(d, 7, 8);
  });

  it("reports a missing required key at its table", () => {
    const result = loadInline(`${HEADER}
[[services]]
type = "stateless"
`);
    const d = onlyDiagnostic(result, "schema");
    assert.equal(d.message, 'required key "name" is missing');
    assertAt(d, 4, 1);
  });

  it("reports a non-positive job timeout as non-positive-timeout", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "reports"
type = "scheduled"
[services.jobs]
nightly = { cron = "0 2 * * *", timeout_minutes = 0 }
`);
    const d = onlyDiagnostic(result, "non-positive-timeout");
    assert.equal(d.severity, "error");
    assert.equal(d.message, "timeout_minutes must be greater than 0, got 0");
    assertAt(d, 8, 51);
  });

  it("reports an out-of-range number with the bound", () => {
    const result = loadInline(`${HEADER}
[resilience]
retry = { multiplier = 0.5 }

[[services]]
name = "users"
type = "stateless"
`);
    const d = onlyDiagnostic(result, "schema");
    assert.equal(d.message, "must be >= 1, got 0.5");
    assertAt(d, 5, 24);
  });
});
