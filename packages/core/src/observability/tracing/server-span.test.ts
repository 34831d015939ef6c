import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, it } from "node:test";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { createTracing, type Tracing } from "./create-tracing.ts";
import { withServerSpan } from "./server-span.ts";
import { traceHttp } from "./trace-http.ts";
import { tracedFetch } from "./traced-fetch.ts";

function memoryTracing(samplingRatio = 1): Tracing {
  return createTracing({
    serviceName: "svc",
    samplingRatio,
    exporter: "memory",
    propagators: ["tracecontext"],
  });
}

function lastSpan(tracing: Tracing): ReadableSpan {
  const spans = tracing.memoryExporter?.getFinishedSpans() ?? [];
  const span = spans.at(-1);
  assert.ok(span, "a span was exported");
  return span;
}

describe("withServerSpan", () => {
  it("runs fn inside an active SERVER span and returns its result", async () => {
    const tracing = memoryTracing();
    const result = await withServerSpan(
      tracing,
      {
        protocol: "graphql",
        name: "placeOrder",
        headers: {},
        attributes: { "graphql.operation.name": "placeOrder" },
      },
      async (span) => {
        assert.equal(trace.getSpan(context.active()), span);
        return 42;
      },
    );
    assert.equal(result, 42);
    const span = lastSpan(tracing);
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.name, "placeOrder");
    assert.equal(span.attributes["graphql.operation.name"], "placeOrder");
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  it("a 4xx-class AllFrameError is typed on the span but is not a server error", async () => {
    const tracing = memoryTracing();
    const error = new AllFrameError("not-found", "order o-9 does not exist");
    await assert.rejects(
      withServerSpan(tracing, { protocol: "http", name: "GET /orders/:id", headers: {} }, async () => {
        throw error;
      }),
      (thrown) => thrown === error,
    );
    const span = lastSpan(tracing);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes["error.type"], "not-found");
    assert.equal(span.attributes["http.response.status_code"], 404);
    assert.equal(span.events.length, 0);
  });

  it("5xx-class codes and unknown throwables set status ERROR with an exception event", async () => {
    const tracing = memoryTracing();
    for (const error of [new AllFrameError("unavailable", "db down"), new TypeError("boom")]) {
      await assert.rejects(
        withServerSpan(tracing, { protocol: "grpc", name: "shop.Orders/Get", headers: {} }, async () => {
          throw error;
        }),
      );
    }
    const [unavailable, unknown] = tracing.memoryExporter?.getFinishedSpans() ?? [];
    assert.equal(unavailable?.status.code, SpanStatusCode.ERROR);
    assert.equal(unavailable?.status.message, "db down");
    assert.equal(unavailable?.attributes["rpc.system"], "grpc");
    assert.equal(unavailable?.attributes["rpc.grpc.status_code"], 14);
    assert.equal(unavailable?.attributes["error.type"], "unavailable");
    assert.equal(unavailable?.events[0]?.name, "exception");
    assert.equal(unknown?.attributes["error.type"], "TypeError");
    assert.equal(unknown?.attributes["rpc.grpc.status_code"], 13);
  });

  it("builds no attributes for an unsampled call", async () => {
    const tracing = memoryTracing(0);
    let built = 0;
    const attributes = () => {
      built++;
      return { "http.route": "/x" };
    };
    const recording = await withServerSpan(
      tracing,
      { protocol: "http", name: "GET /x", headers: {}, attributes },
      async (span) => span.isRecording(),
    );
    assert.equal(recording, false);
    assert.equal(built, 0);
  });
});

/** A minimal request/response pair for a Node handler. */
function exchange(method: string, url: string) {
  const req = { method, url, headers: {} } as unknown as IncomingMessage;
  const res = { statusCode: 200 } as ServerResponse;
  return { req, res };
}

describe("traceHttp", () => {
  it("names the span by route, records the path without query and a 5xx as ERROR", async () => {
    const tracing = memoryTracing();
    const handler = traceHttp(
      tracing,
      async (_req, res, params: { id: string }) => {
        res.statusCode = params.id === "bad" ? 503 : 200;
      },
      { route: "/orders/:id" },
    );
    const { req, res } = exchange("get", "/orders/bad?verbose=1");
    await handler(req, res, { id: "bad" });
    const span = lastSpan(tracing);
    assert.equal(span.name, "GET /orders/:id");
    assert.deepEqual(span.attributes, {
      "http.request.method": "GET",
      "http.route": "/orders/:id",
      "url.path": "/orders/bad",
      "http.response.status_code": 503,
      "error.type": "503",
    });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  it("labels an unknown method _OTHER", async () => {
    const tracing = memoryTracing();
    const { req, res } = exchange("BREW", "/pot");
    await traceHttp(tracing, async () => {}, { route: "/pot" })(req, res);
    assert.equal(lastSpan(tracing).name, "_OTHER /pot");
  });
});

describe("tracedFetch", () => {
  it("injects the CLIENT span's context and keeps the caller's headers", async () => {
    const tracing = memoryTracing();
    let sent: Headers | undefined;
    const http = tracedFetch(tracing, async (_input, init) => {
      sent = new Headers(init?.headers);
      return new Response("missing", { status: 404 });
    });
    const response = await http("http://user:secret@inventory.local:8080/stock/sku-1", {
      headers: { accept: "application/json" },
    });
    assert.equal(response.status, 404);
    const span = lastSpan(tracing);
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(sent?.get("accept"), "application/json");
    assert.equal(
      sent?.get("traceparent"),
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
    assert.equal(span.attributes["url.full"], "http://inventory.local:8080/stock/sku-1");
    assert.equal(span.attributes["server.port"], 8080);
    assert.equal(span.attributes["http.response.status_code"], 404);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  it("records a network failure and rethrows it", async () => {
    const tracing = memoryTracing();
    const failure = new TypeError("fetch failed");
    const http = tracedFetch(tracing, async () => {
      throw failure;
    });
    await assert.rejects(
      http(new Request("https://example.test/", { method: "POST" })),
      (e) => e === failure,
    );
    const span = lastSpan(tracing);
    assert.equal(span.name, "POST");
    assert.equal(span.attributes["server.port"], 443);
    assert.equal(span.attributes["error.type"], "TypeError");
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });
});
