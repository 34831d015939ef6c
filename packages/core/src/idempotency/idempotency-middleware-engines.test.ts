/**
 * The issue's reliability test on every store, real servers included: 50 parallel requests with one
 * idempotency key → exactly one execution. No gate holds the handler here, so late requests may see
 * the stored response (replay) instead of the lock (409).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import type { ServiceHost } from "../runtime/service-host.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { startIdempotentApp } from "./idempotency-middleware.fixture.ts";
import type { IdempotencyStore } from "./idempotency-store.ts";
import { openIdempotencyStore } from "./open-idempotency-store.ts";

const hosts: ServiceHost[] = [];
const stores: IdempotencyStore[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop("test done")));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const dir = mkdtempSync(join(tmpdir(), "allframe-idem-engines-"));
let postgres: PostgresServer;
let redis: RedisServer;
before(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
});
after(async () => {
  await Promise.all([postgres.stop(), redis.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const engines: Record<string, () => Promise<string>> = {
  memory: async () => "memory:",
  sqlite: async () => `sqlite:${join(dir, `${randomUUID()}.db`)}`,
  postgres: () => postgres.createDatabase("idem"),
  redis: async () => redis.url,
};

describe("50 parallel requests with one idempotency key → exactly one execution", () => {
  for (const [engine, url] of Object.entries(engines)) {
    it(`on ${engine}`, async () => {
      const store = openIdempotencyStore(await url(), { keyPrefix: `test:${randomUUID()}` });
      stores.push(store);
      assert.equal(store.kind, engine);
      const app = await startIdempotentApp({ store }, hosts);
      app.beforeOrderReply.hook = () => new Promise((resolve) => setImmediate(resolve));
      const body = { sku: "sku-1", quantity: 1 };
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => app.post("/orders", body, { "Idempotency-Key": "one-key" })),
      );
      assert.equal(app.runs.get("orders"), 1);
      const executed = replies.filter(
        (r) => r.status === 201 && r.headers.get("idempotent-replayed") === null,
      );
      assert.equal(executed.length, 1);
      for (const reply of replies) {
        if (reply === executed[0]) continue;
        const replayed = reply.status === 201 && reply.headers.get("idempotent-replayed") === "true";
        assert.ok(reply.status === 409 || replayed, `unexpected ${reply.status} ${reply.text}`);
        if (replayed) assert.equal(reply.text, executed[0]?.text);
      }
    });
  }
});
