import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { openEventStoreBackend } from "./open-event-store-backend.ts";

describe("openEventStoreBackend", () => {
  test("no URL, an empty one or memory: gives the memory backend", async () => {
    for (const url of [undefined, "", "  ", "memory:", "MEMORY:"]) {
      const backend = await openEventStoreBackend(url);
      assert.equal(backend.kind, "memory");
      await backend.close();
    }
  });

  test("sqlite: and file: URLs give a SQLite file, creating its folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "allframe-open-"));
    try {
      const urls = [
        `sqlite:${join(dir, "a", "events.db")}`,
        `sqlite://${join(dir, "b", "events.db")}`,
        `file:${join(dir, "c", "events.db")}`,
        pathToFileURL(join(dir, "d", "events.db")).toString(),
      ];
      for (const url of urls) {
        const backend = await openEventStoreBackend(url);
        assert.equal(backend.kind, "sqlite");
        await backend.append(
          "s",
          [{ id: "e1", type: "A", data: {}, metadata: {}, recordedAt: "2025-01-01T00:00:00.000Z" }],
          "no-stream",
        );
        await backend.close();
      }
      for (const folder of ["a", "b", "c", "d"]) assert.ok(existsSync(join(dir, folder, "events.db")));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("anything else is a configuration error naming DATABASE_URL, without echoing the URL", async () => {
    for (const url of [
      "mysql://user:secret@host/db",
      "no-scheme",
      "sqlite:",
      "sqlite::memory:",
      "sqlite:x.db?synchronous=off",
    ]) {
      await assert.rejects(openEventStoreBackend(url), (e) => {
        assert.ok(hasErrorCode(e, "configuration"), String(e));
        assert.match(e.message, /DATABASE_URL/);
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
    }
  });
});
