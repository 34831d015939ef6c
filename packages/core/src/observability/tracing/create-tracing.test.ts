import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { propagation, trace } from "@opentelemetry/api";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createTracing } from "./create-tracing.ts";
import {
  DEFAULT_OTLP_TRACES_ENDPOINT,
  type TracingDefaults,
  tracingConfigFromEnv,
} from "./tracing-config.ts";

describe("createTracing", () => {
  it("rejects an invalid configuration, naming each field", () => {
    assert.throws(
      () =>
        createTracing({
          serviceName: " ",
          samplingRatio: 1.5,
          exporter: "memory",
          propagators: ["jaeger" as "b3"],
        }),
      (error) =>
        hasErrorCode(error, "configuration") &&
        ["serviceName", "samplingRatio", "propagators"].every((field) =>
          error.issues.some((issue) => issue.path[0] === field),
        ),
    );
  });

  it("OTLP: shutdown() flushes the batched spans to the collector", async () => {
    const bodies: Array<{ url: string | undefined; body: string }> = [];
    const collector = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        bodies.push({ url: req.url, body });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    collector.listen(0, "127.0.0.1");
    await once(collector, "listening");
    const port = (collector.address() as AddressInfo).port;
    const tracing = createTracing({
      serviceName: "orders",
      samplingRatio: 1,
      exporter: "otlp",
      otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`,
      propagators: ["tracecontext"],
    });
    tracing.tracer.startSpan("flushed-on-shutdown").end();
    assert.equal(bodies.length, 0, "batched, not sent at once");
    await tracing.shutdown();
    await tracing.shutdown();
    collector.close();
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0]?.url, "/v1/traces");
    assert.match(bodies[0]?.body ?? "", /flushed-on-shutdown/);
    assert.match(bodies[0]?.body ?? "", /"orders"/);
  });

  it("registers globals only when asked, and only once per process", async () => {
    const first = createTracing({
      serviceName: "a",
      samplingRatio: 1,
      exporter: "none",
      propagators: ["b3"],
      registerGlobal: true,
    });
    try {
      assert.deepEqual(propagation.fields(), ["b3"]);
      assert.equal(trace.getTracer("x").startSpan("s").isRecording(), true);
      assert.throws(
        () => createTracing({ serviceName: "b", samplingRatio: 1, exporter: "none", registerGlobal: true }),
        (error) => hasErrorCode(error, "configuration") && /already registered/.test(error.message),
      );
    } finally {
      trace.disable();
      propagation.disable();
      await first.shutdown();
    }
  });
});

describe("tracingConfigFromEnv", () => {
  const defaults: TracingDefaults = {
    serviceName: "orders",
    samplingRatio: 0.1,
    propagators: ["tracecontext", "b3"],
  };

  it("keeps the architecture.toml defaults when no OTEL_* variable is set", () => {
    assert.deepEqual(tracingConfigFromEnv({}, defaults), {
      serviceName: "orders",
      samplingRatio: 0.1,
      parentBased: true,
      exporter: "otlp",
      propagators: ["tracecontext", "b3"],
    });
  });

  it("reads the standard variables over the defaults", () => {
    const config = tracingConfigFromEnv(
      {
        OTEL_SERVICE_NAME: "orders-eu",
        OTEL_TRACES_SAMPLER: "traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.25",
        OTEL_PROPAGATORS: "tracecontext, baggage,B3MULTI",
        OTEL_TRACES_EXPORTER: "console",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      },
      { serviceName: "orders" },
    );
    assert.deepEqual(config, {
      serviceName: "orders-eu",
      samplingRatio: 0.25,
      parentBased: false,
      exporter: "console",
      propagators: ["tracecontext", "baggage", "b3multi"],
      otlpEndpoint: "http://collector:4318/v1/traces",
    });
    assert.equal(createTracing({ ...config, exporter: "none" }).config.otlpEndpoint, config.otlpEndpoint);
  });

  it("maps the always_* samplers, `none` propagators, OTEL_SDK_DISABLED and the traces endpoint", () => {
    const config = tracingConfigFromEnv(
      {
        OTEL_TRACES_SAMPLER: "parentbased_always_off",
        OTEL_PROPAGATORS: "none",
        OTEL_SDK_DISABLED: "true",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
      },
      defaults,
    );
    assert.equal(config.samplingRatio, 0);
    assert.equal(config.parentBased, true);
    assert.deepEqual(config.propagators, []);
    assert.equal(config.exporter, "none");
    assert.equal(config.otlpEndpoint, "http://traces:4318/custom");
    assert.equal(tracingConfigFromEnv({ OTEL_TRACES_SAMPLER: "always_on" }, defaults).samplingRatio, 1);
    assert.equal(
      createTracing({ ...tracingConfigFromEnv({}, { serviceName: "x" }), exporter: "none" }).config
        .otlpEndpoint,
      DEFAULT_OTLP_TRACES_ENDPOINT,
    );
  });

  it("names every bad variable", () => {
    assert.throws(
      () =>
        tracingConfigFromEnv(
          { OTEL_TRACES_SAMPLER_ARG: "2", OTEL_PROPAGATORS: "jaeger", OTEL_TRACES_EXPORTER: "zipkin" },
          defaults,
        ),
      (error) =>
        hasErrorCode(error, "configuration") &&
        ["OTEL_TRACES_SAMPLER_ARG", "OTEL_PROPAGATORS", "OTEL_TRACES_EXPORTER"].every((name) =>
          error.message.includes(name),
        ),
    );
  });
});
