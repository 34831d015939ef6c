import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { loadArchitectureText } from "../config/load.ts";
import type { ResolvedArchitecture } from "../config/resolve.ts";
import { generateWorkspace } from "./generate.ts";

const REFERENCE = new URL("../../../../examples/architecture.toml", import.meta.url);

async function reference(): Promise<ResolvedArchitecture> {
  const text = await readFile(REFERENCE, "utf8");
  const loaded = loadArchitectureText(text, { file: "architecture.toml", env: {} });
  assert.ok(loaded.ok);
  return loaded.architecture;
}

const SERVICE_FILES = [
  "package.json",
  "src/config.ts",
  "src/service.ts",
  "src/main.ts",
  "src/service.test.ts",
  "Dockerfile",
  "README.md",
];

describe("generateWorkspace on the reference architecture (in-memory tree)", () => {
  it("writes every service with the shared scaffold and the workspace root", async () => {
    const { tree, services } = generateWorkspace(await reference(), "/out");
    assert.equal(services.length, 11);
    for (const { service } of services) {
      for (const file of SERVICE_FILES)
        assert.ok(tree.exists(`services/${service.name}/${file}`), `${service.name}/${file}`);
    }
    for (const file of ["package.json", "tsconfig.json", "biome.json", "README.md", ".gitignore"])
      assert.ok(tree.exists(file));
  });

  it("lays out Clean Architecture folders per archetype", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const paths = tree.files().map((f) => f.path);
    const has = (prefix: string): boolean => paths.some((p) => p.startsWith(prefix));
    assert.ok(has("services/user-service/src/domain/entities/user.ts"));
    assert.ok(has("services/user-service/src/application/profile-service.ts"));
    assert.ok(has("services/user-service/src/presentation/handlers/session-handlers.ts"));
    assert.ok(has("services/user-service/src/profile.ts"));
    assert.ok(has("services/inventory-service/src/domain/aggregates/"));
    for (const p of ["inventory-level", "stock-history", "low-stock-alert"]) {
      assert.ok(has(`services/inventory-service/src/application/projections/${p}.ts`), p);
    }
    assert.ok(has("services/order-service/src/domain/sagas/create-order-saga.ts"));
    assert.ok(has("services/notification-service/src/application/event-handlers/order-created.ts"));
    for (const job of [
      "daily-sales-report",
      "weekly-inventory",
      "monthly-reconciliation",
      "report-generator",
    ]) {
      assert.ok(has(`services/report-generator/src/jobs/${job}.ts`), job);
    }
    assert.ok(has("services/legacy-erp-adapter/translations/legacy-erp.toml"));
  });

  it("pairs each saga step with its compensation", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const saga = tree.read("services/order-service/src/domain/sagas/create-order-saga.ts") ?? "";
    for (const [step, comp] of [
      ["ValidateInventory", "ReleaseInventory"],
      ["ReservePayment", "RefundPayment"],
      ["CreateShipment", "CancelShipment"],
    ]) {
      assert.match(saga, new RegExp(`name: "${step}",[\\s\\S]*?compensation: \\{\\s*name: "${comp}"`));
    }
    assert.match(saga, /timeoutMs: 300000/);
  });

  it("gives the dev manifest one entry per service with unique ports", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const pkg = JSON.parse(tree.read("package.json") ?? "{}") as {
      workspaces: string[];
      allframe: { services: Array<{ name: string; port: number; module: string }> };
    };
    assert.deepEqual(pkg.workspaces, ["services/*"]);
    const ports = pkg.allframe.services.map((s) => s.port);
    assert.equal(new Set(ports).size, 11);
    assert.equal(pkg.allframe.services.find((s) => s.name === "user-service")?.port, 8080);
    for (const s of pkg.allframe.services) assert.ok(tree.exists(s.module), s.module);
  });

  it("links @allframe/core with a relative file: spec from each service", async () => {
    const { tree } = generateWorkspace(await reference(), "/work/out/shop");
    const pkg = JSON.parse(tree.read("services/user-service/package.json") ?? "{}") as {
      dependencies: Record<string, string>;
    };
    assert.match(pkg.dependencies["@allframe/core"] ?? "", /^file:(\.\.\/)+.*packages\/core$/);
  });

  it("composes the real engines the architecture names", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const compose = parseYaml(tree.read("infrastructure/docker/docker-compose.yml") ?? "") as {
      services: Record<string, { image?: string; environment?: Record<string, string>; depends_on?: object }>;
    };
    assert.match(compose.services.postgres?.image ?? "", /^postgres:/);
    assert.match(compose.services.kafka?.image ?? "", /kafka/);
    assert.match(compose.services.redis?.image ?? "", /^redis:/);
    assert.equal(compose.services["user-service"]?.environment?.EVENT_BUS_URL, "kafka://kafka:9092");
    assert.match(compose.services["user-service"]?.environment?.DATABASE_URL ?? "", /^postgres:\/\//);
    assert.equal(compose.services["user-service"]?.environment?.IDEMPOTENCY_STORE_URL, "redis://redis:6379");
    assert.equal(Object.keys(compose.services).length, 11 + 3);
  });

  it("documents the service graph as Mermaid with aggregation and event edges", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    const doc = tree.read("docs/architecture.md") ?? "";
    assert.match(doc, /```mermaid\nflowchart LR/);
    assert.match(doc, /web_bff -->\|aggregates\| user_service/);
    assert.match(doc, /order_service -.->\|OrderCreated\| notification_service/);
    assert.match(doc, /unpublished_ChatMessage -.-> realtime_gateway/);
    assert.match(doc, /\| ChatMessage \| _none_ \| realtime-gateway \|/);
    assert.match(doc, /product-service/);
  });

  it("marks every generated file but JSON with a header naming the source config", async () => {
    const { tree } = generateWorkspace(await reference(), "/out");
    for (const file of tree.files()) {
      if (file.path.endsWith(".json")) continue;
      assert.match(file.content, /Generated by AllFrame from architecture\.toml/, file.path);
    }
  });

  it("keeps the user-service module stable (snapshot)", async (t) => {
    const { tree } = generateWorkspace(await reference(), "/out");
    t.assert.snapshot(tree.read("services/user-service/src/service.ts"));
  });
});
