/**
 * End to end for the generated cache service (issue 7): read-through from `CACHE_SOURCE_URL`, TTL,
 * invalidation events, and Redis when `REDIS_URL` is set. Ignites a one-service architecture, checks
 * the wiring, runs the generated tests, the type-check and the lint in the workspace, then starts two
 * instances of the generated service on one real Redis (`startRedis`) and checks that they share
 * entries, that Redis holds the TTL, and that an invalidation event on one instance reaches both.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { createClient } from "redis";
import { startRedis } from "../../../core/src/testing/redis-server.ts";
import { type CreateServiceFn, startService } from "../../../core/src/testing/service-harness.ts";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";

const ARCHITECTURE = `
[architecture]
name = "cache-shop"
version = "0.1.0"

[[services]]
name = "product-cache"
type = "cache"
responsibility = "Distributed cache for the product catalog"
[services.cache]
ttl_seconds = 3600
invalidation = ["ProductUpdated", "ProductDeleted"]
`;

describe("generated cache: read-through, TTL, invalidation, Redis", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "cache" });
  const read = (path: string) => workspace.read(`services/product-cache/${path}`);

  it("opens the store from REDIS_URL and loads misses from CACHE_SOURCE_URL", async () => {
    const service = await read("src/service.ts");
    assert.match(
      service,
      /const cacheStore = openCacheStore<unknown>\(config\.REDIS_URL, \{\s*keyPrefix: SERVICE_NAME,/,
    );
    assert.match(service, /host\.onShutdown\("cache-store", \(\) => cacheStore\.close\(\)\);/);
    assert.match(service, /load: httpCacheSource\(\{ baseUrl: source, fetch \}\)/);
    assert.match(service, /ttlMs: config\.CACHE_TTL_SECONDS \* 1000,/);
    const config = await read("src/config.ts");
    assert.match(config, /CACHE_TTL_SECONDS: z\.coerce\.number\(\)\.int\(\)\.positive\(\)\.default\(3600\)/);
    assert.match(config, /REDIS_URL: z\.string\(\)\.optional\(\)/);
    assert.match(config, /CACHE_SOURCE_URL: z\.url\(\)\.optional\(\)/);
  });

  it("passes its generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, ["services/product-cache/src/service.test.ts"]);
    assert.match(tests, /reads a miss through from CACHE_SOURCE_URL once for concurrent readers/);
    assert.match(tests, /^ℹ pass 5$/m, tests);
    await assertTypecheckAndLint(workspace.dir);
  });

  it("shares entries between two instances on Redis, with Redis expiry, and invalidates them for both", async () => {
    const redis = await startRedis();
    const products: Record<string, { name: string }> = { "p-1": { name: "Widget" } };
    let loads = 0;
    const source = createServer((req, res) => {
      loads += 1;
      const product = products[decodeURIComponent(req.url?.slice(1) ?? "")];
      if (product === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(product));
    });
    await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const module = (await import(
      pathToFileURL(join(workspace.dir, "services/product-cache/src/service.ts")).href
    )) as {
      createService: CreateServiceFn;
    };
    const env = {
      LOG_LEVEL: "silent",
      REDIS_URL: redis.url,
      CACHE_SOURCE_URL: `http://127.0.0.1:${(source.address() as AddressInfo).port}`,
    };
    const a = await startService(module.createService, { env });
    const b = await startService(module.createService, { env });
    try {
      assert.deepEqual((await a.request<{ value: unknown }>("/cache/p-1")).body.value, { name: "Widget" });
      assert.deepEqual((await b.request<{ value: unknown }>("/cache/p-1")).body.value, { name: "Widget" });
      assert.equal(loads, 1, "the second instance read the first one's entry from Redis");
      assert.deepEqual((await b.request<{ store: string; hits: number }>("/stats")).body, {
        store: "redis",
        hits: 1,
        misses: 0,
        loads: 0,
        loadFailures: 0,
      });
      const ttl = await raw.pTTL("product-cache:p-1");
      assert.ok(ttl > 3_500_000 && ttl <= 3_600_000, `Redis expiry ${ttl} ms for ttl_seconds = 3600`);
      products["p-1"] = { name: "Widget v2" };
      await b.publish("ProductUpdated", { id: "p-1" });
      await a.waitFor(async () => (await raw.exists("product-cache:p-1")) === 0);
      assert.deepEqual((await a.request<{ value: unknown }>("/cache/p-1")).body.value, { name: "Widget v2" });
      assert.equal(loads, 2);
      await a.publish("ProductDeleted", {});
      await b.waitFor(async () => (await raw.exists("product-cache:p-1")) === 0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await raw.close();
      source.closeAllConnections();
      source.close();
      await redis.stop();
    }
  });
});
