import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

describe("service names", () => {
  it("reports a duplicate at the second occurrence, naming the first's line", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"

[[services]]
name = "users"
type = "event-sourced"
`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "duplicate-service");
    assert.equal(d.severity, "error");
    assert.equal(d.message, 'service name "users" is already used by services[0] (line 5)');
    assertAt(d, 9, 8);
  });

  it("rejects a name that is not a DNS label, explaining the path traversal risk", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "../User_Service"
type = "stateless"
`);
    const d = onlyDiagnostic(result, "invalid-service-name");
    assert.equal(d.severity, "error");
    assert.equal(d.message, 'service name "../User_Service" is not a DNS label');
    assert.match(d.hint, /path traversal/);
    assert.match(d.hint, /e\.g\. "user-service"/);
    assertAt(d, 5, 8);
  });

  it("rejects an architecture name that is not a DNS label", () => {
    const result = loadInline(`[architecture]
name = "My Shop"

[[services]]
name = "users"
type = "stateless"
`);
    const d = onlyDiagnostic(result, "invalid-architecture-name");
    assert.equal(d.severity, "error");
    assert.match(d.hint, /e\.g\. "my-shop"/);
    assertAt(d, 2, 8);
  });

  it("accepts DNS labels up to 63 characters", () => {
    const long = `a${"b".repeat(62)}`;
    const ok = loadInline(`${HEADER}\n[[services]]\nname = "${long}"\ntype = "stateless"\n`);
    assert.ok(ok.ok);
    const tooLong = loadInline(`${HEADER}\n[[services]]\nname = "${long}c"\ntype = "stateless"\n`);
    assert.equal(onlyDiagnostic(tooLong, "invalid-service-name").severity, "error");
  });
});
