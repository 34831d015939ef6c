import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

const saga = (body: string) => `${HEADER}
[[services]]
name = "orders"
type = "saga-orchestrator"
[services.saga]
${body}
`;

describe("sagas", () => {
  it("names the step that lacks a compensation", () => {
    const result = loadInline(
      saga('steps = ["Reserve", "Charge", "Ship"]\ncompensation = ["Release", "Refund"]'),
    );
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "saga-mismatch");
    assert.equal(d.severity, "error");
    assert.equal(d.message, '3 steps but 2 compensations: step 3 "Ship" has no compensation');
    assert.match(d.hint, /compensation\[2\] undoes "Ship"/);
    assertAt(d, 9, 16);
  });

  it("treats a missing compensation list as empty", () => {
    const result = loadInline(saga('steps = ["Reserve"]'));
    const d = onlyDiagnostic(result, "saga-mismatch");
    assert.equal(d.message, '1 steps but 0 compensations: step 1 "Reserve" has no compensation');
    assertAt(d, 8, 9);
  });

  it("names a compensation without a step", () => {
    const result = loadInline(saga('steps = ["Reserve"]\ncompensation = ["Release", "Refund"]'));
    const d = onlyDiagnostic(result, "saga-mismatch");
    assert.match(d.message, /compensation "Refund" has no step to undo/);
    assertAt(d, 9, 28);
  });

  it("rejects a timeout of 0 seconds or less", () => {
    const result = loadInline(saga('steps = ["Reserve"]\ncompensation = ["Release"]\ntimeout_seconds = 0'));
    const d = onlyDiagnostic(result, "non-positive-timeout");
    assert.equal(d.severity, "error");
    assert.equal(d.message, "timeout_seconds must be greater than 0, got 0");
    assertAt(d, 10, 19);
  });

  it("points at a participant that is not a service, or cannot handle saga commands", () => {
    const steps = 'steps = ["Reserve"]\ncompensation = ["Release"]\n';
    const unknown = loadInline(saga(`${steps}participants = { Reserve = "payments" }`));
    const d = onlyDiagnostic(unknown, "saga-unknown-participant");
    assert.equal(d.severity, "error");
    assert.equal(d.message, '"payments" is not a service of this architecture');
    assertAt(d, 10, 28);
    const self = loadInline(saga(`${steps}participants = { Reserve = "orders", Ship = "orders" }`));
    const extra = onlyDiagnostic(self, "saga-unknown-participant");
    assert.equal(extra.severity, "warning");
    assert.match(extra.message, /"Ship" is neither a step nor a compensation/);
    const wrongType = loadInline(
      `${saga(`${steps}participants = { Reserve = "users" }`)}\n[[services]]\nname = "users"\ntype = "stateless"\n`,
    );
    assert.match(
      onlyDiagnostic(wrongType, "saga-unknown-participant").message,
      /"users" is a stateless service, which cannot handle saga commands/,
    );
  });
});
