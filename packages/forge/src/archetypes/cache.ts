/**
 * `cache`: a key/value cache with `cache.ttl_seconds` expiry, invalidated by the `cache.invalidation`
 * events (an event's `data.id` or key names the entry; without one, the whole cache is cleared)
 * (seed 000 "Service Types": cache — performance, read models).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { eventsModule } from "./shared.ts";

export const cacheArchetype: Archetype = {
  type: "cache",
  summary: "serves cached entries with a TTL and drops them when invalidation events arrive.",
  plan({ service, files }) {
    const ttlSeconds = service.cache?.ttl_seconds ?? 300;
    const invalidation = service.cache?.invalidation ?? [];
    eventsModule(files, service);
    files.write(
      "src/application/invalidation.ts",
      code`
        import type { EventBus, EventEnvelope, Subscription, TtlCache } from "@allframe/core";
        import { CONSUMED_EVENTS } from "../domain/events/events.ts";

        /** The cache key an invalidation event names: \`data.id\`, else the event key; none clears all. */
        export function keyOf(event: EventEnvelope): string | undefined {
          const id = (event.data as { id?: unknown } | null)?.id;
          return typeof id === "string" ? id : event.key;
        }

        /** Subscribes to every invalidation event and drops the entries they name. */
        export function subscribeInvalidation(bus: EventBus, cache: TtlCache<unknown>, group: string): Subscription[] {
          return CONSUMED_EVENTS.map((type) =>
            bus.subscribe(type, async (event) => {
              const key = keyOf(event);
              if (key === undefined) cache.clear();
              else cache.delete(key);
            }, { group }),
          );
        }
      `,
    );
    files.write(
      "src/presentation/rest/cache-routes.ts",
      code`
        import { AllFrameError, type Hono, readJson, type TtlCache, z } from "@allframe/core";

        /** Read, write and delete entries; counters. */
        export function registerCacheRoutes(app: Hono, cache: TtlCache<unknown>): void {
          app.get("/cache/:key", (c) => {
            const value = cache.get(c.req.param("key"));
            if (value === undefined) throw new AllFrameError("not-found", \`no entry \${c.req.param("key")}\`);
            return c.json({ key: c.req.param("key"), value });
          });
          app.put("/cache/:key", async (c) => {
            cache.set(c.req.param("key"), await readJson(c, z.unknown()));
            return c.body(null, 204);
          });
          app.delete("/cache/:key", (c) => c.body(null, cache.delete(c.req.param("key")) ? 204 : 404));
          app.get("/stats", (c) => c.json(cache.stats()));
        }
      `,
    );
    const first = invalidation[0];
    return {
      imports: [
        'import { TtlCache } from "@allframe/core";',
        'import { subscribeInvalidation } from "./application/invalidation.ts";',
        'import { registerCacheRoutes } from "./presentation/rest/cache-routes.ts";',
      ],
      body: code`
        const cache = new TtlCache<unknown>({ ttlMs: config.CACHE_TTL_SECONDS * 1000, maxEntries: config.CACHE_MAX_ENTRIES });
        registerCacheRoutes(host.app, cache);
        const invalidations = subscribeInvalidation(bus, cache, SERVICE_NAME);
        host.onShutdown("invalidation", async () => {
          await Promise.all(invalidations.map((s) => s.unsubscribe()));
        }, "drain");
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
          description: "Entries kept before the least recently used are evicted.",
        },
      ],
      routes: [
        { method: "GET", path: "/cache/:key", summary: "Read an entry (404 on a miss)" },
        { method: "PUT", path: "/cache/:key", summary: "Write an entry (JSON body)" },
        { method: "DELETE", path: "/cache/:key", summary: "Drop an entry" },
        { method: "GET", path: "/stats", summary: "Hits, misses, size" },
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
      `,
      engines: { redis: true },
    };
  },
};
