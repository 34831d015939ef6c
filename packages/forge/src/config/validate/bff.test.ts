import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

const services = `
[[services]]
name = "order-service"
type = "stateless"
`;

describe("BFF references", () => {
  it("warns (not errors) about an undefined aggregated service, suggesting a defined one", () => {
    const result = loadInline(`${HEADER}${services}
[[services]]
name = "web-bff"
type = "bff"
[services.bff]
aggregates = ["order-service", "order-servce"]
`);
    assert.ok(result.ok, "an undefined aggregate must not block generation");
    const d = onlyDiagnostic(result, "bff-unknown-service");
    assert.equal(d.severity, "warning");
    assert.equal(d.message, 'aggregated service "order-servce" is not defined in this architecture');
    assert.match(
      d.hint,
      /^did you mean "order-service"\? the BFF will report "order-servce" as a degraded dependency/,
    );
    assert.deepEqual(d.path, ["services", 1, "bff", "aggregates", 1]);
    assertAt(d, 12, 32);
    assert.deepEqual(result.architecture.graph.edges, [
      { from: "web-bff", to: "order-service", kind: "aggregates" },
    ]);
  });

  it("rejects a BFF that aggregates itself", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "web-bff"
type = "bff"
[services.bff]
aggregates = ["web-bff"]
`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "bff-self-reference");
    assert.equal(d.severity, "error");
    assert.match(d.message, /aggregates itself/);
    assertAt(d, 8, 15);
  });
});
