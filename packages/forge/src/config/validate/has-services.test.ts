import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

describe("services present", () => {
  it("an architecture without services is an error", () => {
    const result = loadInline(`${HEADER}version = "1.0.0"\n`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "no-services");
    assert.equal(d.severity, "error");
    assert.equal(d.message, "the architecture defines no services");
    assert.match(d.hint, /\[\[services\]\]/);
    assertAt(d, 1, 1);
  });

  it("an empty YAML services list is an error too", () => {
    const result = loadInline("architecture:\n  name: shop\nservices: []\n", { format: "yaml" });
    assertAt(onlyDiagnostic(result, "no-services"), 3, 11);
  });
});
