import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { openIdempotencyStore } from "./open-idempotency-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-idem-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("openIdempotencyStore", () => {
  it("picks the store by scheme", async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, "memory"],
      ["", "memory"],
      ["memory:", "memory"],
      [`sqlite:${join(dir, "a", "keys.db")}`, "sqlite"],
      [`file://${join(dir, "b.db")}`, "sqlite"],
      ["sqlite::memory:", "sqlite"],
      ["postgres://u@127.0.0.1:1/db", "postgres"],
      ["postgresql://u@127.0.0.1:1/db", "postgres"],
      ["redis://127.0.0.1:1", "redis"],
      ["rediss://127.0.0.1:1", "redis"],
    ];
    for (const [url, kind] of cases) {
      const store = openIdempotencyStore(url);
      assert.equal(store.kind, kind, String(url));
      await store.close();
    }
  });

  it("reports other schemes and empty SQLite paths as configuration errors naming the variable, not the URL", () => {
    assert.throws(
      () => openIdempotencyStore("mongodb://user:hunter2@db"),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /IDEMPOTENCY_STORE_URL has scheme "mongodb:"/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
    assert.throws(
      () => openIdempotencyStore("localhost:6379x", { envVar: "PAYMENTS_IDEMPOTENCY_URL" }),
      (e) => hasErrorCode(e, "configuration") && e.message.startsWith("PAYMENTS_IDEMPOTENCY_URL"),
    );
    assert.throws(
      () => openIdempotencyStore("sqlite:"),
      (e) => hasErrorCode(e, "configuration") && /names no SQLite file/.test(e.message),
    );
  });
});
