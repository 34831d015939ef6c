/**
 * `cache`: a read-through cache with `cache.ttl_seconds` expiry, invalidated by the
 * `cache.invalidation` events (an event's `data.id` or key names the entry; without one, the whole
 * cache is cleared) (seed 000 "Service Types": cache — performance, read models). A miss loads the
 * entry from the source of truth, `CACHE_SOURCE_URL` (`GET <url>/<key>`), one load per key at a time;
 * entries live in Redis when `REDIS_URL` is set, so every instance shares them and one invalidation
 * reaches all; otherwise in the process.
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { eventsModule } from "./shared.ts";

export const cacheArchetype: Archetype = {
  type: "cache",
  summary:
    "serves entries read through from their source with a TTL (Redis-shared when configured), dropped by invalidation events.",
  plan({ service, files }) {
    const ttlSeconds = service.cache?.ttl_seconds ?? 300;
    const invalidation = service.cache?.invalidation ?? [];
    eventsModule(files, service);
    files.write(
      "src/application/invalidation.ts",
      code`
        import type { EventBus, EventEnvelope, LoadingCache, Subscription } from "@allframe/core";
        import { CONSUMED_EVENTS } from "../domain/events/events.ts";

        /** The cache key an invalidation event names: \`data.id\`, else the event key; none clears all. */
        export function keyOf(event: EventEnvelope): string | undefined {
          const id = (event.data as { id?: unknown } | null)?.id;
          return typeof id === "string" ? id : event.key;
        }

        /**
         * Subscribes to every invalidation event and drops the entries they name. One instance of the
         * group receives each event; with Redis the entries are shared, so that one drop is everyone's.
         */
        export function subscribeInvalidation(bus: EventBus, cache: LoadingCache<unknown>, group: string): Subscription[] {
          return CONSUMED_EVENTS.map((type) =>
            bus.subscribe(type, async (event) => {
              const key = keyOf(event);
              if (key === undefined) await cache.invalidateAll();
              else await cache.invalidate(key);
            }, { group }),
          );
        }
      `,
    );
    files.write(
      "src/presentation/rest/cache-routes.ts",
      code`
        import { AllFrameError, type Hono, type LoadingCache, readJson, z } from "@allframe/core";

        /** Read (through to the source on a miss), write and delete entries; counters. */
        export function registerCacheRoutes(app: Hono, cache: LoadingCache<unknown>): void {
          app.get("/cache/:key", async (c) => {
            const key = c.req.param("key");
            const value = await cache.get(key);
            if (value === undefined) throw new AllFrameError("not-found", \`no entry \${key} in the cache or its source\`);
            return c.json({ key, value });
          });
          app.put("/cache/:key", async (c) => {
            await cache.set(c.req.param("key"), await readJson(c, z.unknown()));
            return c.body(null, 204);
          });
          app.delete("/cache/:key", async (c) => c.body(null, (await cache.invalidate(c.req.param("key"))) ? 204 : 404));
          app.get("/stats", (c) => c.json({ store: cache.kind, ...cache.stats() }));
        }
      `,
    );
    const first = invalidation[0];
    return {
      imports: [
        'import { httpCacheSource, LoadingCache, openCacheStore } from "@allframe/core";',
        'import { subscribeInvalidation } from "./application/invalidation.ts";',
        'import { registerCacheRoutes } from "./presentation/rest/cache-routes.ts";',
      ],
      body: code`
        // Entries live in Redis when REDIS_URL is set (shared by every instance), else in this process.
        const cacheStore = openCacheStore<unknown>(config.REDIS_URL, { keyPrefix: SERVICE_NAME, maxEntries: config.CACHE_MAX_ENTRIES });
        host.onShutdown("cache-store", () => cacheStore.close());
        // A miss loads the entry from CACHE_SOURCE_URL (GET <url>/<key>); without it, entries come only from PUT.
        const source = config.CACHE_SOURCE_URL;
        const cache = new LoadingCache<unknown>({
          store: cacheStore,
          ttlMs: config.CACHE_TTL_SECONDS * 1000,
          ...(source === undefined ? {} : { load: httpCacheSource({ baseUrl: source, fetch }) }),
        });
        registerCacheRoutes(host.app, cache);
        // Started (and ready on the broker) before the host reports itself up, so no invalidation is missed.
        host.onStart("invalidation", async () => {
          const invalidations = subscribeInvalidation(bus, cache, SERVICE_NAME);
          host.onShutdown("invalidation", async () => {
            await Promise.all(invalidations.map((s) => s.unsubscribe()));
          }, "drain");
          await Promise.all(invalidations.map((s) => s.ready));
        });
      `,
      env: [
        {
          name: "CACHE_TTL_SECONDS",
          schema: `z.coerce.number().int().positive().default(${ttlSeconds})`,
          description: "Seconds an entry lives.",
        },
        {
          name: "CACHE_MAX_ENTRIES",
          schema: "z.coerce.number().int().positive().default(100000)",
          description: "In-process store only: entries kept before the least recently used are evicted.",
        },
        {
          name: "CACHE_SOURCE_URL",
          schema: "z.url().optional()",
          description:
            "Source of truth: a miss loads GET <url>/<key> (404 = no entry). Unset: entries come only from PUT.",
        },
        {
          name: "REDIS_URL",
          schema: "z.string().optional()",
          description:
            "Cache store: redis://host:6379 shares entries between instances; unset keeps them in this process.",
        },
      ],
      routes: [
        {
          method: "GET",
          path: "/cache/:key",
          summary: "Read an entry, loading a miss from the source (404 when neither has it)",
        },
        { method: "PUT", path: "/cache/:key", summary: "Write an entry (JSON body)" },
        { method: "DELETE", path: "/cache/:key", summary: "Drop an entry" },
        { method: "GET", path: "/stats", summary: "Store, hits, misses, loads, load failures" },
      ],
      testImports: [
        'import { createServer } from "node:http";',
        'import type { AddressInfo } from "node:net";',
      ],
      tests: code`
        it("stores and serves an entry", async () => {
          assert.equal((await svc.request("/cache/p-1", { method: "PUT", body: { name: "Widget" } })).status, 204);
          const { status, body } = await svc.request<{ value: unknown }>("/cache/p-1");
          assert.equal(status, 200);
          assert.deepEqual(body.value, { name: "Widget" });
        });
        ${
          first === undefined
            ? ""
            : code`
              it("drops an entry when ${first} names it", async () => {
                await svc.request("/cache/p-2", { method: "PUT", body: { name: "Gadget" } });
                await svc.publish(${str(first)}, { id: "p-2" });
                await svc.waitFor(async () => ((await svc.request("/cache/p-2")).status === 404 ? true : undefined));
              });
            `
        }
        it("reads a miss through from CACHE_SOURCE_URL once for concurrent readers, caching neither absences nor failures", async () => {
          let loads = 0;
          let release: () => void = () => undefined;
          const gate = new Promise<void>((resolve) => {
            release = resolve;
          });
          const source = createServer((req, res) => {
            loads += 1;
            void gate.then(() => {
              if (req.url === "/p-9") res.writeHead(200, { "content-type": "application/json" }).end('{"name":"Sourced"}');
              else if (req.url === "/broken") res.writeHead(500).end();
              else res.writeHead(404).end();
            });
          });
          await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
          const CACHE_SOURCE_URL = \`http://127.0.0.1:\${(source.address() as AddressInfo).port}\`;
          const reader = await startService(createService, { env: { ...TEST_ENV, CACHE_SOURCE_URL } });
          try {
            const reads = [1, 2, 3].map(() => reader.request<{ value: unknown }>("/cache/p-9"));
            await reader.waitFor(async () => (await reader.request<{ misses: number }>("/stats")).body.misses === 3);
            release();
            for (const read of await Promise.all(reads)) assert.deepEqual(read.body.value, { name: "Sourced" });
            assert.equal(loads, 1, "one load for three concurrent misses");
            assert.equal((await reader.request("/cache/p-9")).status, 200);
            assert.equal(loads, 1, "then served from the cache");
            assert.equal((await reader.request("/cache/nowhere")).status, 404);
            assert.equal((await reader.request("/cache/broken")).status, 503);
            assert.equal((await reader.request("/cache/broken")).status, 503);
            assert.equal(loads, 4, "absences and failures are loaded again");${
              first === undefined
                ? ""
                : `\n      await reader.publish(${str(first)}, { id: "p-9" });\n      await reader.waitFor(async () => (await reader.request("/cache/p-9")).status === 200 && loads === 5);`
            }
          } finally {
            await reader.stop();
            source.closeAllConnections();
            source.close();
          }
        });
      `,
      engines: { redis: true },
    };
  },
};
