/**
 * End to end for the generated stream-processor (issue 7): window state survives a restart. Ignites a
 * one-service architecture, checks the wiring, runs the service's generated tests (which restart it on
 * a SQLite file mid-window), the type-check and the lint in the workspace, then restarts the generated
 * service mid-window on a real PostgreSQL (`startPostgres`) and checks the window result.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { startPostgres } from "../../../core/src/testing/postgres-server.ts";
import type { CreateServiceFn } from "../../../core/src/testing/service-harness.ts";
import { startService } from "../../../core/src/testing/service-harness.ts";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";

const ARCHITECTURE = `
[architecture]
name = "stream-shop"
version = "0.1.0"

[[services]]
name = "analytics-processor"
type = "stream-processor"
responsibility = "Order counts per minute"
[services.stream]
input_topics = ["orders", "inventory"]
output_topics = ["analytics-results"]
windowing = { type = "tumbling", duration_seconds = 60 }
late_arrival_tolerance_seconds = 30
`;

describe("generated stream-processor: durable window state", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "stream" });
  const read = (path: string) => workspace.read(`services/analytics-processor/${path}`);

  it("keeps the windows in DATABASE_URL's store and does not flush them at shutdown", async () => {
    const service = await read("src/service.ts");
    assert.match(service, /const windowStore = openWindowStore\(config\.DATABASE_URL\);/);
    assert.match(service, /host\.onShutdown\("window-state", \(\) => windowStore\.close\(\)\);/);
    assert.match(service, /await StreamProcessor\.open\(bus, SERVICE_NAME, windowStore\)/);
    assert.doesNotMatch(service, /flush\(\)/);
    const processor = await read("src/application/processor.ts");
    assert.match(processor, /collection: "analytics_processor_windows"/);
    assert.match(processor, /idOf: \(event\) => event\.id,/);
    assert.match(processor, /ids = \(\) => windowResultId\(/);
    const config = await read("src/config.ts");
    assert.match(
      config,
      /DATABASE_URL: z\.string\(\)\.default\("sqlite:\.data\/analytics-processor\.sqlite"\)/,
    );
  });

  it("passes its generated tests (including a restart on a SQLite file), the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, [
      "services/analytics-processor/src/service.test.ts",
    ]);
    assert.match(tests, /keeps an open window across a restart on a SQLite file/);
    assert.match(tests, /^ℹ pass 6$/m, tests);
    await assertTypecheckAndLint(workspace.dir);
  });

  it("closes a window with every event after a restart mid-window on PostgreSQL, publishing it once", async () => {
    const server = await startPostgres();
    try {
      const module = (await import(
        pathToFileURL(join(workspace.dir, "services/analytics-processor/src/service.ts")).href
      )) as { createService: CreateServiceFn };
      const env = { LOG_LEVEL: "silent", DATABASE_URL: await server.createDatabase("stream") };
      const at = (seconds: number) => new Date(Date.UTC(2032, 0, 1, 0, 0, seconds)).toISOString();
      const post = (svc: { request: typeof first.request }, time: string, id?: string) =>
        svc.request<{ outcome: string }>("/topics/orders/events", {
          method: "POST",
          body: { type: "OrderCreated", time, ...(id === undefined ? {} : { id }) },
        });
      const first = await startService(module.createService, { env });
      assert.equal((await post(first, at(1), "e-1")).body.outcome, "accepted");
      assert.equal((await post(first, at(2))).body.outcome, "accepted");
      await first.stop();
      const second = await startService(module.createService, { env });
      try {
        assert.equal(
          (await post(second, at(1), "e-1")).body.outcome,
          "duplicate",
          "redelivery after restart",
        );
        await post(second, at(59));
        await post(second, at(121));
        const results = await second.waitFor(() => {
          const found = second.published.filter(
            (e) => e.type === "AnalyticsResultsWindow" && e.key === "orders",
          );
          return found.length > 0 ? found : undefined;
        });
        assert.equal(results.length, 1);
        assert.equal((results[0]?.data as { count: number } | undefined)?.count, 3);
      } finally {
        await second.stop();
      }
    } finally {
      await server.stop();
    }
  });
});
