/**
 * The generated workspace's `test` and `coverage` scripts: node:test with its built-in coverage
 * (V8's, no extra dependency), counting only the services' own sources, so a workspace whose tests
 * leave too much of its code unrun fails its own `npm test` (issue 7, "Generated-code quality").
 * @module
 */

/**
 * The least share of the services' source lines, in percent, that the workspace's tests must run:
 * `npm test` fails below it (node's `--test-coverage-lines`, checked on the "all files" total).
 */
export const COVERAGE_THRESHOLD_LINES = 80;

/**
 * Where the `coverage` script writes the LCOV report (for editors and CI coverage services); at the
 * root because node:test does not create missing folders for a reporter's destination.
 */
export const LCOV_FILE = "lcov.info";

/**
 * Which files count: the services' sources, not their tests, the contract tests, node_modules or
 * `@allframe/core`. Files no test loads (e.g. `main.ts`) are not counted: node:test reports only
 * the files V8 saw run.
 */
const COVERAGE_FLAGS = [
  "--experimental-test-coverage",
  '--test-coverage-include="services/*/src/**"',
  '--test-coverage-exclude="**/*.test.ts"',
];

/** The root package.json's scripts that run `testGlobs` (quoted for node:test to expand, not the shell). */
export function testScripts(testGlobs: readonly string[]): { test: string; coverage: string } {
  const files = testGlobs.map((g) => `"${g}"`).join(" ");
  return {
    test: ["node --test", ...COVERAGE_FLAGS, `--test-coverage-lines=${COVERAGE_THRESHOLD_LINES}`, files].join(
      " ",
    ),
    coverage: [
      "node --test",
      ...COVERAGE_FLAGS,
      "--test-reporter=spec --test-reporter-destination=stdout",
      `--test-reporter=lcov --test-reporter-destination=${LCOV_FILE}`,
      files,
    ].join(" "),
  };
}
