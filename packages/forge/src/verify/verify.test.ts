import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { failureTail, lineCoverage, testCounts } from "./verify.ts";

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

/** node:test's coverage report as `--experimental-test-coverage` prints it (Node 24), for `prefix` "ℹ" (spec) or "#" (TAP). */
function coverageReport(
  prefix: string,
  header = "file        | line % | branch % | funcs % | uncovered lines",
): string {
  return [
    "start of coverage report",
    "------------------------------------------------------------",
    header,
    "------------------------------------------------------------",
    "services    |        |          |         | ",
    " a          |        |          |         | ",
    "  src       |        |          |         | ",
    "   m.ts     |  55.56 |    66.67 |  100.00 | 5-8",
    "   n.ts     | 100.00 |   100.00 |  100.00 | ",
    "------------------------------------------------------------",
    "all files   |  87.50 |    66.67 |  100.00 | ",
    "------------------------------------------------------------",
    "end of coverage report",
  ]
    .map((line) => `${prefix} ${line}`)
    .join("\n");
}

describe("lineCoverage", () => {
  it("reads the all-files line percentage from the spec and the TAP report", () => {
    assert.equal(lineCoverage(`✔ f (1.1ms)\nℹ tests 1\n${coverageReport("ℹ")}\n`), 87.5);
    assert.equal(lineCoverage(`ok 1 - f\n# tests 1\n${coverageReport("#")}`), 87.5);
  });

  it("finds the line column by its header, not its position", () => {
    const reordered = coverageReport("ℹ", "file        | branch % | line % | funcs % | uncovered lines");
    assert.equal(lineCoverage(reordered), 66.67);
  });

  it("finds nothing when coverage was off or the table has no line column", () => {
    assert.equal(lineCoverage("ℹ tests 3\nℹ pass 3\nℹ fail 0\n"), undefined);
    assert.equal(lineCoverage(coverageReport("ℹ", "file | branch % | funcs % | uncovered lines")), undefined);
  });
});

describe("failureTail", () => {
  it("puts a missed coverage threshold first when the table would push it out of the last 40 lines", () => {
    const miss = "ℹ Error: 55.56% line coverage does not meet threshold of 80%.";
    const rows = Array.from({ length: 60 }, (_, i) => `ℹ  file-${i}.ts | 50.00 | 100.00 | 100.00 | 3`);
    const tail = failureTail(["ℹ fail 0", miss, ...rows, "ℹ end of coverage report"].join("\n")).split("\n");
    assert.equal(tail.length, 41);
    assert.deepEqual([tail[0], tail.at(-1)], [miss, "ℹ end of coverage report"]);
  });

  it("keeps the last 40 lines as they are otherwise", () => {
    const output = `${Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n")}\n`;
    const tail = failureTail(output).split("\n");
    assert.deepEqual([tail.length, tail[0], tail.at(-1)], [40, "line 10", "line 49"]);
    const short = "ℹ Error: 10.00% line coverage does not meet threshold of 80%.\nℹ end of coverage report";
    assert.equal(failureTail(short), short, "not repeated when already in the tail");
  });
});
