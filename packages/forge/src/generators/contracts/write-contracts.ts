/**
 * The contracts generator: writes `contracts/` into the generated workspace (one Pact test file per
 * consumer → provider pair, and a README when a broker is named) and says what the workspace root
 * needs for them (issue 5 item 4; seed 000 "contracts/ # Pact contract tests").
 * @module
 */
import type { ScaffoldedService } from "../../archetypes/scaffold.ts";
import type { ResolvedArchitecture } from "../../config/resolve.ts";
import { type ContractPair, contractBroker, contractPairs } from "./contract-pairs.ts";
import { contractsReadme } from "./contracts-readme.ts";
import { pactTestFile, pactTestPath } from "./pact-test-file.ts";

/**
 * The `@pact-foundation/pact` range the generated workspace installs: the one AllFrame's own
 * package.json pins (a test keeps the two equal), so generated tests run on the Pact AllFrame tests with.
 */
export const PACT_VERSION = "^16.5.0";

/** What the workspace root adds when there are contract tests. */
export const CONTRACTS_WORKSPACE = {
  /** `node --test` pattern of the contract tests, beside the services' own. */
  testGlob: "contracts/**/*.test.ts",
  /** tsconfig `include` entry, so `npm run typecheck` covers them. */
  tsconfigInclude: "contracts/**/*.ts",
  /** Where the tests write pact files: git-ignored and outside Biome's reach (Pact formats them). */
  pactsDir: "contracts/pacts",
  devDependencies: { "@pact-foundation/pact": PACT_VERSION },
} as const;

/**
 * Writes the contract tests of `services` through `write` (paths relative to the workspace root).
 * @returns the pairs written; empty when `[testing].contract_testing = false` or no BFF aggregates a
 *   defined service, in which case nothing was written and the root needs nothing.
 */
export function writeContracts(
  architecture: ResolvedArchitecture,
  services: readonly ScaffoldedService[],
  write: (path: string, content: string) => void,
): ContractPair[] {
  const pairs = contractPairs(architecture, services);
  for (const pair of pairs) write(pactTestPath(pair), pactTestFile(pair, architecture));
  const broker = contractBroker(architecture);
  if (pairs.length > 0 && broker !== undefined) write("contracts/README.md", contractsReadme(pairs, broker));
  return pairs;
}
