import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { runIdempotencyStoreContract } from "./idempotency-store.contract.ts";
import { SqliteIdempotencyStore } from "./sqlite-idempotency-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-idem-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
runIdempotencyStoreContract(
  "sqlite file",
  (clock) => new SqliteIdempotencyStore({ path: join(dir, `contract-${++n}.db`), clock }),
);
runIdempotencyStoreContract(
  "sqlite :memory:",
  (clock) => new SqliteIdempotencyStore({ path: ":memory:", clock }),
);

describe("SqliteIdempotencyStore", () => {
  it("keeps completed keys across close and reopen", async () => {
    const clock = new ManualClock(1_000);
    const path = join(dir, "nested", "keys.db");
    const first = new SqliteIdempotencyStore({ path, clock });
    const begun = await first.begin("k", "fp", 1000);
    assert.equal(begun.state, "started");
    if (begun.state === "started") {
      await first.complete("k", begun.lockToken, { status: 201, headers: {}, bodyBase64: "eA==" }, 60_000);
    }
    await first.close();
    const second = new SqliteIdempotencyStore({ path, clock });
    assert.equal((await second.begin("k", "fp", 1000)).state, "completed");
    await second.close();
  });

  it("lets two connections to one file race for a key: exactly one starts", async () => {
    const clock = new ManualClock(1_000);
    const path = join(dir, "shared.db");
    const stores = [new SqliteIdempotencyStore({ path, clock }), new SqliteIdempotencyStore({ path, clock })];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]?.begin("hot", "fp", 1000)),
    );
    assert.equal(results.filter((r) => r?.state === "started").length, 1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("refuses table names that are not plain identifiers, and unopenable files", () => {
    for (const table of ['x"; DROP TABLE y; --', "Keys", "sqlite_x", ""]) {
      assert.throws(
        () => new SqliteIdempotencyStore({ path: ":memory:", table }),
        (e) => hasErrorCode(e, "configuration"),
        table,
      );
    }
    assert.throws(
      () => new SqliteIdempotencyStore({ path: dir }),
      (e) => hasErrorCode(e, "configuration") && e.message.includes("cannot open SQLite database"),
    );
  });
});
