import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { runIdempotencyStoreContract } from "./idempotency-store.contract.ts";
import { PostgresIdempotencyStore } from "./postgres-idempotency-store.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

runIdempotencyStoreContract(
  "postgres",
  async (clock) => new PostgresIdempotencyStore({ url: await server.createDatabase("idem"), clock }),
);

describe("PostgresIdempotencyStore", () => {
  it("lets separate pools (two service instances) race for a key: exactly one starts", async () => {
    const url = await server.createDatabase("idem");
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const stores = [
      new PostgresIdempotencyStore({ url, clock }),
      new PostgresIdempotencyStore({ url: `${url}?application_name=second`, clock }),
    ];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]?.begin("hot", `fp-${i}`, 30_000)),
    );
    assert.equal(results.filter((r) => r?.state === "started").length, 1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("reports an unreachable server as unavailable without echoing the password", async () => {
    const store = new PostgresIdempotencyStore({ url: "postgres://u:hunter2@127.0.0.1:1/none" });
    await assert.rejects(
      store.begin("k", "fp", 1000),
      (e) =>
        hasErrorCode(e, "unavailable") && /begin failed/.test(e.message) && !e.message.includes("hunter2"),
    );
    await store.close();
  });
});
