import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ResolveOptions, resolveArchitecture } from "./resolve.ts";
import { DEFAULT_RESILIENCE } from "./resolve-resilience.ts";
import { architectureSchema } from "./schema.ts";

const source: ResolveOptions = { source: { file: "arch.toml", format: "toml" } };

function resolve(raw: unknown) {
  return resolveArchitecture(architectureSchema.parse(raw), source);
}

describe("resolveArchitecture", () => {
  it("fills protocols and assigns ports in file order, skipping every explicit port", () => {
    const resolved = resolve({
      architecture: { name: "shop" },
      services: [
        { name: "a", type: "stateless" },
        { name: "b", type: "stateless", protocols: ["rest", "grpc"], port: 8081 },
        { name: "c", type: "stateless", ports: { inbound: ["grpc:9090"] } },
        { name: "d", type: "stateless", protocols: ["grpc"] },
        { name: "e", type: "stateless", ports: { inbound: ["graphql:8082"] } },
      ],
    });
    const ports = resolved.services.map((s) => [s.name, s.protocols, s.httpPort, s.grpcPort]);
    assert.deepEqual(ports, [
      ["a", ["rest"], 8080, undefined],
      ["b", ["rest", "grpc"], 8081, 9091],
      ["c", ["rest"], 8083, undefined],
      ["d", ["grpc"], 8084, 9092],
      ["e", ["rest"], 8082, undefined],
    ]);
    assert.ok(!("grpcPort" in (resolved.services[0] ?? {})), "no grpcPort key without grpc");
    assert.deepEqual(
      resolved.services.map((s) => s.index),
      [0, 1, 2, 3, 4],
    );
  });

  it("merges resilience key by key: defaults, [resilience], service tables, gateway and bff tables", () => {
    const resolved = resolve({
      architecture: { name: "shop" },
      resilience: { retry: { max_attempts: 5 }, rate_limit: { rps: 500 } },
      services: [
        { name: "plain", type: "stateless" },
        {
          name: "tuned",
          type: "stateless",
          circuit_breaker: { failure_threshold: 2 },
          bulkhead: { max_queue: 0 },
        },
        {
          name: "pay",
          type: "gateway",
          integrations: { providers: ["stripe"], retry: { idempotent_only: true } },
          retry: { max_attempts: 2, idempotent_only: false },
        },
        { name: "web", type: "bff", bff: { aggregates: ["plain"], rate_limit: { per: "user" } } },
      ],
    });
    const [plain, tuned, pay, web] = resolved.services.map((s) => s.resilience);
    assert.deepEqual(plain, {
      ...DEFAULT_RESILIENCE,
      retry: { ...DEFAULT_RESILIENCE.retry, max_attempts: 5 },
      rate_limit: { ...DEFAULT_RESILIENCE.rate_limit, rps: 500 },
    });
    assert.deepEqual(tuned?.circuit_breaker, {
      failure_threshold: 2,
      success_threshold: 3,
      timeout_ms: 30000,
    });
    assert.deepEqual(tuned?.bulkhead, { max_concurrent: 100, max_queue: 0 });
    assert.equal(pay?.retry.max_attempts, 2);
    assert.equal(pay?.retry.idempotent_only, true, "integrations.retry wins over the service's retry");
    assert.deepEqual(web?.rate_limit, { rps: 500, burst: 100, per: "user" });
    assert.notEqual(plain?.retry, tuned?.retry, "each service gets its own objects");
  });

  it("builds the event catalog and graph", () => {
    const resolved = resolve({
      architecture: { name: "shop" },
      services: [
        { name: "web", type: "bff", bff: { aggregates: ["orders", "ghost", "orders"] } },
        { name: "orders", type: "event-sourced", domain: { events: ["Placed", "Placed"] } },
        {
          name: "mail",
          type: "consumer",
          consumer: { events: ["Placed"] },
          messaging: { consumes: ["Placed"] },
        },
      ],
    });
    assert.deepEqual(resolved.graph.nodes, ["web", "orders", "mail"]);
    // Declared events first, then the aggregate's own, which the event-sourced service publishes unlisted.
    const aggregate = ["OrdersCreated", "OrdersUpdated", "OrdersArchived"];
    assert.deepEqual(resolved.services[1]?.publishes, ["Placed", ...aggregate]);
    assert.deepEqual(resolved.services[2]?.consumes, ["Placed"]);
    assert.deepEqual(resolved.events, [
      ...[...aggregate].sort().map((name) => ({ name, publishers: ["orders"], consumers: [] })),
      { name: "Placed", publishers: ["orders"], consumers: ["mail"] },
    ]);
    assert.deepEqual(resolved.graph.edges, [
      { from: "web", to: "orders", kind: "aggregates" },
      { from: "orders", to: "mail", kind: "event", event: "Placed" },
    ]);
    assert.deepEqual(resolved.deployInputs, []);
    assert.deepEqual(resolved.source, { file: "arch.toml", format: "toml" });
  });
});
