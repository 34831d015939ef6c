/**
 * End to end: ignite the reference architecture (formatted, as users get it), then run its generated
 * Pact tests against the generated services. The workspace borrows this checkout's node_modules (which
 * has `@pact-foundation/pact` and links `@allframe/core`), so no install is needed; the CLI's
 * `ignite --verify` e2e covers the real `npm install` path.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  lint,
  REPO_ROOT,
  runGeneratedTests,
  typecheck,
  useBorrowedWorkspace,
} from "../../verify/borrowed-workspace.fixture.ts";
import { runInWorkspace } from "../../verify/workspace-process.ts";

const USER_TEST = "contracts/web-bff--user-service.pact.test.ts";
const ORDER_TEST = "contracts/web-bff--order-service.pact.test.ts";

interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: Array<{ description: string; providerStates?: Array<{ name: string }> }>;
}

describe("generated Pact tests on the reference workspace", () => {
  const workspace = useBorrowedWorkspace(
    { path: join(REPO_ROOT, "examples/architecture.toml") },
    { name: "contracts", env: { AWS_ACCOUNT_ID: "123456789012", GCP_PROJECT_ID: "shop" } },
  );

  it("records both pacts and verifies them against the real user-service and order-service", async () => {
    const output = await runGeneratedTests(workspace.dir, [USER_TEST, ORDER_TEST]);
    assert.match(output, /^ℹ pass 8$/m, output);
    for (const provider of ["user-service", "order-service"]) {
      const pact = JSON.parse(await workspace.read(`contracts/pacts/web-bff-${provider}.json`)) as PactFile;
      assert.equal(pact.consumer.name, "web-bff");
      assert.equal(pact.provider.name, provider);
      assert.equal(pact.interactions.length, 3);
      assert.ok(
        pact.interactions.some((i) => i.providerStates?.[0]?.name.startsWith("an item created by POST")),
      );
    }
  });

  it("passes the workspace's own lint and type-check", async () => {
    const biome = await lint(workspace.dir, ["contracts"]);
    assert.equal(biome.code, 0, biome.output);
    // Only the contract tests and what they import: other services need their own dependencies installed.
    await writeFile(
      join(workspace.dir, "tsconfig.contracts.json"),
      JSON.stringify({ extends: "./tsconfig.json", include: ["contracts/**/*.ts"] }),
    );
    const tsc = await typecheck(workspace.dir, "tsconfig.contracts.json");
    assert.doesNotMatch(tsc.output, /^error TS/m, "tsc could not run on the workspace");
    const contractErrors = tsc.output.split("\n").filter((line) => line.startsWith("contracts/"));
    assert.deepEqual(contractErrors, [], tsc.output);
  });

  it("fails verification when the provider answers the injected id with 404: it really reads the provider", async () => {
    // The provider state now claims an id that does not exist; the verifier injects it into the path.
    const file = join(workspace.dir, USER_TEST);
    const source = await readFile(file, "utf8");
    const handlerReturn = "return { id: created.body.id };";
    assert.ok(source.includes(handlerReturn), "the generated state handler changed; update this test's edit");
    await writeFile(
      file,
      source.replace(handlerReturn, 'return { id: "00000000-0000-4000-8000-00000000dead" };'),
    );
    try {
      const { code, output } = await runInWorkspace(workspace.dir, process.execPath, ["--test", USER_TEST]);
      assert.notEqual(code, 0, output);
      assert.match(output, /a request for one item of \/users/);
      assert.match(output, /expected 200 but was 404/);
      assert.match(output, /User 00000000-0000-4000-8000-00000000dead does not exist/);
    } finally {
      await writeFile(file, source);
    }
  });
});
