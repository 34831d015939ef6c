import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createEvent } from "../messaging/event-envelope.ts";
import { createMemoryLogDestination } from "../observability/memory-log-destination.ts";
import { createTracing } from "../observability/tracing/create-tracing.ts";
import { loadEmittedProto, responseOf, testClient } from "../router/grpc/grpc-client.fixture.ts";
import { userHandlers } from "../router/users.fixture.ts";
import { type ServedProtocols, serveProtocols } from "./serve-protocols.ts";
import { createServiceRuntime, type ServiceRuntime } from "./service-runtime.ts";

const PROFILE = {
  observability: { propagation: ["traceparent", "b3"], sampling: { rate: 1 } },
  compliance: { pii_fields: ["email"] },
  resilience: { default: { circuit_breaker: { failure_threshold: 2, timeout_ms: 30_000 } } },
} as const;

describe("createServiceRuntime + serveProtocols: one set of handlers over REST, GraphQL and gRPC", () => {
  const logs = createMemoryLogDestination();
  const tracing = createTracing({
    serviceName: "users",
    samplingRatio: 1,
    exporter: "memory",
    propagators: ["tracecontext", "b3", "baggage"],
  });
  let runtime: ServiceRuntime;
  let served: ServedProtocols;
  let url: string;

  before(async () => {
    runtime = createServiceRuntime({
      name: "users",
      port: 0,
      env: { LOG_LEVEL: "debug" },
      profile: PROFILE,
      tracing,
      logDestination: logs,
    });
    runtime.host.app.get("/legacy/:id", (c) => c.json({ id: c.req.param("id") }));
    served = serveProtocols(runtime.host, userHandlers(), {
      protocols: ["rest", "graphql", "grpc"],
      federation: true,
      tracing,
      grpc: { port: 0, package: "allframe.users.v1" },
    });
    ({ url } = await runtime.host.start());
  });

  after(async () => {
    await runtime.host.stop();
    await tracing.shutdown();
  });

  it("creates over REST, reads over GraphQL and gRPC: the same user", async () => {
    const created = await fetch(`${url}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
    });
    assert.equal(created.status, 201);
    const user = (await created.json()) as { id: string };

    const graphql = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ user(id: "${user.id}") { id name email } }` }),
    });
    assert.deepEqual(await graphql.json(), {
      data: { user: { id: user.id, name: "Ada", email: "ada@example.com" } },
    });

    assert.ok(served.grpc !== undefined);
    const pkg = await loadEmittedProto(served.grpc.proto);
    const client = testClient(pkg, "allframe.users.v1.UserService", served.grpc.address);
    try {
      const traceId = "0af7651916cd43dd8448eb211c80319c";
      const traceparent = `00-${traceId}-b7ad6b7169203331-01`;
      const reply = responseOf(await client.unary("GetUser", { id: user.id }, { traceparent }));
      assert.equal(reply.name, "Ada");
      await tracing.forceFlush();
      const span = tracing.memoryExporter
        ?.getFinishedSpans()
        .find((s) => s.name.endsWith("UserService/GetUser"));
      assert.equal(span?.spanContext().traceId, traceId, "the gRPC call continues the caller's trace");
    } finally {
      client.client.close();
    }
  });

  it("serves the federation subgraph SDL, the OpenAPI document and the gRPC explorer page", async () => {
    assert.match(served.graphqlSdl ?? "", /@key\(fields: "id"\)/);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok("/users/{id}" in openapi.paths);
    const explorer = await fetch(`${url}/grpc`);
    assert.equal(explorer.status, 200);
    assert.match(await explorer.text(), /allframe\.users\.v1/);
  });

  it("meters every request by route pattern, router and Hono routes alike, at /metrics", async () => {
    await fetch(`${url}/users/nobody`);
    await fetch(`${url}/legacy/42`);
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      text,
      /http_server_requests_total\{[^}]*route="\/users\/:id"[^}]*status_code="404"[^}]*\} 1/,
    );
    assert.match(
      text,
      /http_server_requests_total\{[^}]*route="\/legacy\/:id"[^}]*status_code="200"[^}]*\} 1/,
    );
  });

  it("traces each request as a SERVER span named by its route, continuing the caller's B3 trace", async () => {
    const traceId = "463ac35c9f6413ad48485a3953bb6124";
    await fetch(`${url}/users/nobody`, { headers: { b3: `${traceId}-0020000000000001-1` } });
    await tracing.forceFlush();
    const span = tracing.memoryExporter
      ?.getFinishedSpans()
      .find((s) => s.spanContext().traceId === traceId && s.name === "GET /users/:id");
    assert.ok(span, "a span named GET /users/:id in the caller's trace");
    assert.equal(span.attributes["http.response.status_code"], 404);
  });

  it("redacts the architecture's PII fields in logs and traces bus publishes", async () => {
    runtime.logger.info({ user: { email: "grace@example.com" } }, "registered");
    await runtime.bus.publish(createEvent("UserCreated", { id: "u9" }, { source: "users" }));
    const text = JSON.stringify(logs.entries());
    assert.ok(!text.includes("grace@example.com"), "the email never reaches the log");
    await tracing.forceFlush();
    assert.ok(tracing.memoryExporter?.getFinishedSpans().some((s) => s.name.includes("UserCreated")));
  });

  it("holds the architecture's resilience policies by name", () => {
    assert.ok(runtime.resilience.circuitBreaker("default") !== undefined);
  });
});

describe("createServiceRuntime with tracing off (OTEL_SDK_DISABLED=true)", () => {
  it("starts no tracing, still meters requests and still serves", async () => {
    const runtime = createServiceRuntime({
      name: "quiet",
      port: 0,
      env: { LOG_LEVEL: "silent", OTEL_SDK_DISABLED: "true" },
    });
    assert.equal(runtime.tracing, undefined);
    const { url } = await runtime.host.start();
    try {
      assert.equal((await fetch(`${url}/health`)).status, 200);
      assert.match(
        await (await fetch(`${url}/metrics`)).text(),
        /http_server_requests_total\{[^}]*route="\/health"/,
      );
    } finally {
      await runtime.host.stop();
    }
  });
});
