import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import type { ResolvedArchitecture } from "../../config/resolve.ts";
import { loadInline } from "../../config/test-support.ts";
import { generateWorkspace } from "../../ignite/generate.ts";
import type { FileTree } from "../../tree/file-tree.ts";
import { PACT_VERSION } from "./write-contracts.ts";

const REFERENCE = new URL("../../../../../examples/architecture.toml", import.meta.url);
const ROOT_PACKAGE = new URL("../../../../../package.json", import.meta.url);

function load(text: string): ResolvedArchitecture {
  const loaded = loadInline(text);
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics, null, 2));
  return loaded.architecture;
}

async function reference(): Promise<ResolvedArchitecture> {
  const loaded = loadInline(await readFile(REFERENCE, "utf8"));
  assert.ok(loaded.ok);
  return loaded.architecture;
}

/** A shop with a BFF over a stateless service, a gateway and an undefined service, plus `testing`. */
function shop(testing = ""): ResolvedArchitecture {
  return load(`
    [architecture]
    name = "shop"
    ${testing}
    [[services]]
    name = "catalog"
    type = "stateless"
    [services.domain]
    entities = ["Product"]
    [[services]]
    name = "payments"
    type = "gateway"
    [services.integrations]
    providers = ["stripe"]
    [[services]]
    name = "storefront"
    type = "bff"
    [services.bff]
    aggregates = ["catalog", "payments", "ghost", "catalog"]
  `);
}

function contractFiles(tree: FileTree): string[] {
  return tree
    .files()
    .map((f) => f.path)
    .filter((p) => p.startsWith("contracts/"))
    .sort();
}

function rootPackage(tree: FileTree): { scripts: { test: string }; devDependencies: Record<string, string> } {
  return JSON.parse(tree.read("package.json") ?? "{}");
}

describe("writeContracts on the reference architecture", () => {
  it("writes one Pact test per BFF → defined aggregate, skipping product-service, and the broker README", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    assert.deepEqual(contractFiles(tree), [
      "contracts/README.md",
      "contracts/web-bff--order-service.pact.test.ts",
      "contracts/web-bff--user-service.pact.test.ts",
    ]);
    assert.match(tree.read("contracts/README.md") ?? "", /PACT_BROKER_BASE_URL[\s\S]*PACT_BROKER_TOKEN/);
    assert.match(tree.read("contracts/README.md") ?? "", /pactflow\.io/);
  });

  it("records what web-bff's client really calls on user-service, verified with a state that creates a User", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const test = tree.read("contracts/web-bff--user-service.pact.test.ts") ?? "";
    assert.match(test, /new PactV4\(\{ consumer: "web-bff", provider: "user-service"/);
    assert.match(
      test,
      /import \{ ServiceClient \} from "\.\.\/services\/web-bff\/src\/clients\/service-client\.ts"/,
    );
    assert.ok(tree.exists("services/web-bff/src/clients/service-client.ts"));
    assert.match(
      test,
      /import \{ createService as createProvider \} from "\.\.\/services\/user-service\/src\/service\.ts"/,
    );
    // The BFF's own client, built as its service.ts builds it, pointed at the mock server.
    assert.match(test, /new ServiceClient\("user-service", url, 2000\)/);
    const bff = tree.read("services/web-bff/src/service.ts") ?? "";
    assert.match(
      bff,
      /new UserServiceClient\("user-service", config\.USER_SERVICE_URL, clientTimeoutMs, fetch\)/,
    );
    assert.match(test, /\.withRequest\("GET", "\/health"\)/);
    assert.match(test, /await clientAt\(mock\.url\)\.health\(\), \{ status: "ok", version: "1\.0\.0" \}/);
    assert.match(test, /fromProviderState\(`\/users\/\$\{ID_EXPRESSION\}`, `\/users\/\$\{EXAMPLE_ID\}`\)/);
    assert.match(test, /clientAt\(mock\.url\)\.get<\{ id: string \}>\(`\/users\/\$\{EXAMPLE_ID\}`\)/);
    assert.match(test, /eachLike\(\{ id: uuid\(EXAMPLE_ID\) \}\)/);
    assert.match(test, /const CREATED = "an item created by POST \/users exists"/);
    assert.match(
      test,
      /provider\.request<\{ id: string \}>\("\/users", \{ method: "POST", body: \{.+\} \}\)/,
    );
    // user-service also serves gRPC: on any free port, as in its own tests.
    assert.match(
      test,
      /\{ LOG_LEVEL: "silent", GRPC_PORT: "0", DATABASE_URL: "memory:", IDEMPOTENCY_STORE_URL: "memory:" \}/,
    );
    assert.match(test, /pactUrls: \[PACT_FILE\]/);
    assert.match(test, /PACT_DO_NOT_TRACK = "true"/);
  });

  it("reads order-service's sagas", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const test = tree.read("contracts/web-bff--order-service.pact.test.ts") ?? "";
    assert.match(test, /const CREATED = "an item created by POST \/sagas exists"/);
    assert.match(test, /\.withRequest\("GET", "\/sagas"\)/);
    assert.match(test, /new ServiceClient\("order-service", url, 2000\)/);
  });

  it("makes the root install Pact, run and type-check contracts/, and ignore the pact files", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const pkg = rootPackage(tree);
    assert.equal(pkg.devDependencies["@pact-foundation/pact"], PACT_VERSION);
    assert.match(
      pkg.scripts.test,
      /^node --test .* "services\/\*\/src\/\*\*\/\*\.test\.ts" "contracts\/\*\*\/\*\.test\.ts"$/,
    );
    const tsconfig = JSON.parse(tree.read("tsconfig.json") ?? "{}") as { include: string[] };
    assert.deepEqual(tsconfig.include, [
      "services/*/src/**/*.ts",
      "services/*/migrations/**/*.ts",
      "contracts/**/*.ts",
    ]);
    assert.match(tree.read(".gitignore") ?? "", /^contracts\/pacts\/$/m);
    const biome = JSON.parse(tree.read("biome.json") ?? "{}") as { files: { includes: string[] } };
    assert.ok(biome.files.includes.includes("!contracts/pacts"));
  });
});

describe("writeContracts by architecture", () => {
  it("pins the Pact range AllFrame itself is tested with", async () => {
    const root = JSON.parse(await readFile(ROOT_PACKAGE, "utf8")) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(PACT_VERSION, root.devDependencies["@pact-foundation/pact"]);
  });

  it("tests contracts when [testing] is absent, without a README when no broker is named", () => {
    const { tree } = generateWorkspace(shop(), "/out");
    assert.deepEqual(contractFiles(tree), [
      "contracts/storefront--catalog.pact.test.ts",
      "contracts/storefront--payments.pact.test.ts",
    ]);
  });

  it("covers only /health for a provider without a create-then-read resource, importing only the matcher it uses", () => {
    const { tree } = generateWorkspace(shop(), "/out");
    const test = tree.read("contracts/storefront--payments.pact.test.ts") ?? "";
    assert.match(test, /\.withRequest\("GET", "\/health"\)/);
    assert.match(test, /const \{ like \} = MatchersV3;/);
    assert.doesNotMatch(test, /fromProviderState|CREATED|EXAMPLE_ID/);
    assert.match(test, /stateHandlers: \{\}/);
    const catalog = tree.read("contracts/storefront--catalog.pact.test.ts") ?? "";
    assert.match(catalog, /"an item created by POST \/products exists"/);
  });

  it("reads an event-sourced aggregate by id but lists nothing, since it serves no list", () => {
    const { tree } = generateWorkspace(
      load(`
        [architecture]
        name = "stock"
        [[services]]
        name = "inventory"
        type = "event-sourced"
        [[services]]
        name = "web"
        type = "bff"
        [services.bff]
        aggregates = ["inventory"]
      `),
      "/out",
    );
    const test = tree.read("contracts/web--inventory.pact.test.ts") ?? "";
    assert.match(test, /const \{ fromProviderState, like \} = MatchersV3;/);
    assert.match(test, /const CREATED = "an item created by POST \/[a-z-]+ exists"/);
    assert.doesNotMatch(test, /eachLike/);
  });

  it("explains basic auth for a self-hosted pact-broker", () => {
    const { tree } = generateWorkspace(shop('[testing]\ncontract_broker = "pact-broker"'), "/out");
    const readme = tree.read("contracts/README.md") ?? "";
    assert.match(readme, /PACT_BROKER_USERNAME[\s\S]*PACT_BROKER_PASSWORD/);
    assert.match(readme, /pactBrokerUsername: process\.env\.PACT_BROKER_USERNAME/);
  });

  it("writes nothing and leaves the root untouched when contract_testing = false", () => {
    const { tree } = generateWorkspace(
      shop('[testing]\ncontract_testing = false\ncontract_broker = "pactflow"'),
      "/out",
    );
    assert.deepEqual(contractFiles(tree), []);
    const pkg = rootPackage(tree);
    assert.match(pkg.scripts.test, /^node --test .* "services\/\*\/src\/\*\*\/\*\.test\.ts"$/);
    assert.equal(pkg.devDependencies["@pact-foundation/pact"], undefined);
    assert.doesNotMatch(tree.read(".gitignore") ?? "", /contracts/);
    assert.doesNotMatch(tree.read("tsconfig.json") ?? "", /contracts/);
    assert.doesNotMatch(tree.read("biome.json") ?? "", /contracts/);
  });

  it("writes nothing when no BFF aggregates a defined service", () => {
    const { tree } = generateWorkspace(
      load(`
        [architecture]
        name = "solo"
        [testing]
        contract_testing = true
        contract_broker = "pactflow"
        [[services]]
        name = "catalog"
        type = "stateless"
      `),
      "/out",
    );
    assert.deepEqual(contractFiles(tree), []);
    assert.equal(rootPackage(tree).devDependencies["@pact-foundation/pact"], undefined);
  });
});
