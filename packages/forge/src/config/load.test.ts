import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { stringify } from "yaml";
import { DIAGNOSTIC_CODES, formatDiagnostics } from "./diagnostic.ts";
import { type LoadResult, loadArchitectureFile, loadArchitectureText } from "./load.ts";
import type { ResolvedArchitecture } from "./resolve.ts";

const REFERENCE = fileURLToPath(new URL("../../../../examples/architecture.toml", import.meta.url));
const referenceText = await readFile(REFERENCE, "utf8");

function loaded(result: LoadResult): ResolvedArchitecture {
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  return result.architecture;
}

describe("the reference example", () => {
  const result = loadArchitectureText(referenceText, { file: "examples/architecture.toml", env: {} });
  const arch = loaded(result);
  const service = (name: string) => arch.services.find((s) => s.name === name) ?? assert.fail(name);

  it("loads with warnings only", () => {
    assert.ok(result.diagnostics.every((d) => d.severity === "warning"));
    const codes = new Set(result.diagnostics.map((d) => d.code));
    assert.deepEqual([...codes].sort(), [
      "bff-unknown-service",
      "deploy-time-input",
      "event-without-publisher",
    ]);
  });

  it("warns that web-bff aggregates the undefined product-service", () => {
    const [d, ...rest] = result.diagnostics.filter((x) => x.code === "bff-unknown-service");
    assert.equal(rest.length, 0);
    assert.match(d?.message ?? "", /"product-service" is not defined/);
    assert.equal(d?.service, "web-bff");
    assert.equal(d?.location?.line, 125);
  });

  it("warns about every consumed event nobody publishes", () => {
    const events = result.diagnostics
      .filter((d) => d.code === "event-without-publisher")
      .map((d) => /"(\w+)"/.exec(d.message)?.[1]);
    // OrderCreated, OrderStatusChanged, PaymentSucceeded and ShipmentDispatched come from the saga,
    // InventoryUpdated from inventory-service's aggregate (config/implied-publications.ts).
    assert.deepEqual(events, ["ChatMessage", "ProductUpdated", "ProductDeleted"]);
  });

  it("keeps unset cloud variables as deploy-time inputs", () => {
    const lines = result.diagnostics
      .filter((d) => d.code === "deploy-time-input")
      .map((d) => d.location?.line);
    assert.deepEqual(lines, [76, 78]);
    assert.deepEqual(arch.deployInputs, [
      { path: "cloud.aws.account_id", variable: "AWS_ACCOUNT_ID" },
      { path: "cloud.gcp.project_id", variable: "GCP_PROJECT_ID" },
    ]);
  });

  it("substitutes the cloud variables when they are set", () => {
    const env = { AWS_ACCOUNT_ID: "123456789012", GCP_PROJECT_ID: "shop-prod" };
    const withEnv = loaded(loadArchitectureText(referenceText, { file: "architecture.toml", env }));
    assert.deepEqual(withEnv.deployInputs, []);
    assert.equal(withEnv.architecture.cloud?.aws?.account_id, "123456789012");
    assert.equal(withEnv.architecture.cloud?.gcp?.project_id, "shop-prod");
  });

  it("resolves 11 services with unique HTTP ports", () => {
    assert.equal(arch.services.length, 11);
    assert.equal(new Set(arch.services.map((s) => s.httpPort)).size, 11);
    assert.equal(service("user-service").httpPort, 8080);
    assert.equal(service("user-service").grpcPort, 9090);
    assert.equal(service("order-service").grpcPort, 9091);
  });

  it("resolves resilience from the defaults and the overrides", () => {
    const defaults = {
      circuit_breaker: { failure_threshold: 5, success_threshold: 3, timeout_ms: 30000 },
      retry: {
        max_attempts: 3,
        initial_interval_ms: 100,
        max_interval_ms: 10000,
        multiplier: 2,
        idempotent_only: false,
      },
      bulkhead: { max_concurrent: 100, max_queue: 50 },
      rate_limit: { rps: 1000, burst: 100, per: "global" },
    };
    assert.deepEqual(service("notification-service").resilience, defaults);
    const payment = service("payment-gateway").resilience;
    assert.equal(payment.circuit_breaker.failure_threshold, 5);
    assert.equal(payment.circuit_breaker.timeout_ms, 30000);
    assert.equal(payment.retry.idempotent_only, true);
    assert.deepEqual(service("legacy-erp-adapter").resilience.circuit_breaker, {
      failure_threshold: 3,
      success_threshold: 3,
      timeout_ms: 60000,
    });
    assert.deepEqual(service("web-bff").resilience.rate_limit, { rps: 100, burst: 20, per: "user" });
  });

  it("catalogs OrderCreated as published by the saga's order-service, consumed by notification-service", () => {
    const entry = arch.events.find((e) => e.name === "OrderCreated");
    assert.deepEqual(entry, {
      name: "OrderCreated",
      publishers: ["order-service"],
      consumers: ["notification-service"],
    });
    const names = arch.events.map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
  });

  it("resolves the same services from the YAML form", () => {
    const value = getStaticTOMLValue(parseTOML(referenceText));
    const yaml = loaded(loadArchitectureText(stringify(value), { file: "architecture.yaml", env: {} }));
    assert.equal(yaml.source.format, "yaml");
    assert.deepEqual(yaml.services, arch.services);
    assert.deepEqual(yaml.events, arch.events);
    assert.deepEqual(yaml.deployInputs, arch.deployInputs);
  });
});

describe("loadArchitectureFile", () => {
  it("loads the reference from disk", async () => {
    const result = await loadArchitectureFile(REFERENCE, { env: {} });
    assert.equal(loaded(result).source.file, REFERENCE);
  });

  it("turns a missing file into a read-error diagnostic", async () => {
    const result = await loadArchitectureFile("/nonexistent/architecture.toml");
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics[0]?.code, "read-error");
    assert.match(
      result.diagnostics[0]?.message ?? "",
      /cannot read "\/nonexistent\/architecture.toml": no such file/,
    );
  });

  it("turns a directory into a read-error diagnostic", async () => {
    const result = await loadArchitectureFile(fileURLToPath(new URL(".", import.meta.url)));
    assert.equal(result.diagnostics[0]?.code, "read-error");
  });
});

describe("loadArchitectureText", () => {
  it("sorts diagnostics by location and fails exactly when there is an error", () => {
    const result = loadArchitectureText(
      '[architecture]\nname = "shop"\n\n[[services]]\nname = "a"\ntype = "bff"\nbff = { aggregates = ["x"] }\ncolour = 1\n',
      { file: "a.toml", env: {} },
    );
    assert.ok(result.ok);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location?.line]),
      [
        ["bff-unknown-service", 7],
        ["unknown-key", 8],
      ],
    );
  });

  it("never throws, whatever the shape of the input", () => {
    const inputs = [
      "",
      "services = 3",
      'services = [1, "x", []]',
      "[[services]]\n[services.bff]\naggregates = 3",
      '[architecture]\nname = "a"\n[[services]]\nname = "b"\ntype = "gateway"\n[services.integrations]\nproviders = [{ x = 1 }]',
      "architecture = 1979-05-27T07:32:00Z",
      '[architecture]\nname = "a"\n[[services]]\nname = "b"\ntype = "scheduled"\njobs = { a = 1, b = { cron = 2 } }',
    ];
    for (const text of inputs) {
      const result = loadArchitectureText(text, { file: "x.toml", env: {} });
      assert.equal(result.ok, false, text);
      assert.ok(result.diagnostics.length > 0, text);
      assert.ok(
        result.diagnostics.every((d) => DIAGNOSTIC_CODES.includes(d.code) && d.code !== "internal-error"),
        text,
      );
    }
    for (const text of ["- 1\n- 2", "null", "a: *nope", "[", "'unterminated"]) {
      const result = loadArchitectureText(text, { file: "x.yaml", env: {} });
      assert.equal(result.ok, false, text);
      assert.ok(
        result.diagnostics.every((d) => d.code !== "internal-error"),
        text,
      );
    }
  });
});
