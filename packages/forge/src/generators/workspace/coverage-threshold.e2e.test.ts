/**
 * End to end for the generated workspace's coverage gate (issue 7, "Generated-code quality"): its
 * `npm test` measures line coverage of the services' sources and fails under
 * {@link COVERAGE_THRESHOLD_LINES}%. Ignites a one-service architecture, runs `npm test` as generated
 * (passes, and verify reads the total), then adds a module its tests barely exercise and runs it again
 * (fails, naming the threshold). The workspace borrows this checkout's node_modules, so no install.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useBorrowedWorkspace } from "../../verify/borrowed-workspace.fixture.ts";
import { lineCoverage, testCounts } from "../../verify/verify.ts";
import { runInWorkspace } from "../../verify/workspace-process.ts";
import { COVERAGE_THRESHOLD_LINES } from "./test-scripts.ts";

const ARCHITECTURE = `
[architecture]
name = "coverage-shop"
version = "0.1.0"

[[services]]
name = "product-cache"
type = "cache"
responsibility = "Cache for the product catalog"
[services.cache]
ttl_seconds = 60
invalidation = ["ProductUpdated"]
`;

/** Thirty fee rules, of which the module's test runs one: far more source lines than the service has. */
const FEES_MODULE = Array.from(
  { length: 30 },
  (_, i) => `export function fee${i}(cents: number): number {
  const rate = ${i + 1} / 100;
  return Math.round(cents * rate);
}
`,
).join("\n");
const THIN_TEST = `import assert from "node:assert/strict";
import { it } from "node:test";
import { fee0 } from "./fees.ts";

it("charges 1% under rule 0", () => {
  assert.equal(fee0(10_000), 100);
});
`;

describe("generated workspace: npm test fails under the line-coverage threshold", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "coverage" });

  it("passes as generated, and verify reads its total line coverage", async () => {
    const { code, output } = await runInWorkspace(workspace.dir, "npm", ["test"]);
    assert.equal(code, 0, output);
    assert.ok((testCounts(output)?.pass ?? 0) > 0, output);
    assert.match(output, /product-cache/);
    const total = lineCoverage(output);
    assert.ok(
      total !== undefined && total >= COVERAGE_THRESHOLD_LINES,
      `total line coverage ${total}\n${output}`,
    );
  });

  it("fails once a module its tests barely run pulls the total under the threshold", async () => {
    const domain = join(workspace.dir, "services/product-cache/src/domain");
    await writeFile(join(domain, "fees.ts"), FEES_MODULE);
    await writeFile(join(domain, "fees.test.ts"), THIN_TEST);
    const { code, output } = await runInWorkspace(workspace.dir, "npm", ["test"]);
    assert.notEqual(code, 0, output);
    assert.match(output, /^ℹ fail 0$/m, "every test passed: the coverage gate alone failed the run");
    assert.match(output, /line coverage does not meet threshold of 80%/);
    assert.match(output, /fees\.ts\s*\|\s*\d/, "the table lists the module");
    const total = lineCoverage(output);
    assert.ok(total !== undefined && total < COVERAGE_THRESHOLD_LINES, `total line coverage ${total}`);
  });
});
