import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../logger.ts";
import { createMemoryLogDestination } from "../memory-log-destination.ts";
import { createTracing } from "./create-tracing.ts";
import { traceLogMixin } from "./log-mixin.ts";
import { withServerSpan } from "./server-span.ts";

describe("traceLogMixin", () => {
  for (const samplingRatio of [1, 0]) {
    it(`puts the active span's ids on log lines (sampling ${samplingRatio})`, async () => {
      const tracing = createTracing({ serviceName: "svc", samplingRatio, exporter: "memory" });
      const logs = createMemoryLogDestination();
      const logger = createLogger({ service: "svc", destination: logs, mixin: traceLogMixin });
      const ids = await withServerSpan(
        tracing,
        { protocol: "http", name: "GET /", headers: {} },
        async (span) => {
          logger.info("inside");
          return span.spanContext();
        },
      );
      logger.info("outside");
      const [inside, outside] = logs.entries();
      assert.equal(inside?.trace_id, ids.traceId);
      assert.equal(inside?.span_id, ids.spanId);
      assert.match(String(inside?.trace_id), /^[0-9a-f]{32}$/);
      assert.equal(outside?.msg, "outside");
      assert.equal("trace_id" in (outside ?? {}), false);
      assert.deepEqual(traceLogMixin(), {});
    });
  }
});
