import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testCounts } from "./verify.ts";

describe("testCounts", () => {
  it("reads node:test's spec and TAP summaries", () => {
    assert.deepEqual(testCounts("ℹ tests 36\nℹ suites 11\nℹ pass 36\nℹ fail 0\n"), { tests: 36, pass: 36 });
    assert.deepEqual(testCounts("# tests 4\n# pass 3\n# fail 1\n"), { tests: 4, pass: 3 });
  });

  it("finds nothing when no test ran (e.g. a nested node --test that skipped every file)", () => {
    assert.equal(
      testCounts("Warning: node:test run() is being called recursively within a test file."),
      undefined,
    );
  });
});
