import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Worker } from "node:worker_threads";
import { runEventStoreBackendContract } from "./event-store-backend.contract.ts";
import { type BackendFixtureFactory, draft } from "./event-store-backend.fixture.ts";
import { runEventStoreBackendReliability } from "./event-store-backend.reliability.ts";
import { openEventStoreBackend } from "./open-event-store-backend.ts";
import { SqliteEventStoreBackend } from "./sqlite-event-store-backend.ts";

/** A fresh file per case, in a folder that does not exist yet (the backend creates it). */
const sqlite: BackendFixtureFactory = async () => {
  const dir = await mkdtemp(join(tmpdir(), "allframe-es-"));
  const path = join(dir, "nested", "events.db");
  const opened: SqliteEventStoreBackend[] = [];
  return {
    open: async () => {
      const backend = new SqliteEventStoreBackend({ path });
      opened.push(backend);
      return backend;
    },
    dispose: async () => {
      for (const backend of opened) await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

runEventStoreBackendContract("sqlite", sqlite);
runEventStoreBackendReliability("sqlite", sqlite);

describe("SqliteEventStoreBackend: writers in other threads", () => {
  test("10 writers on their own connections, released at once, expecting one version: exactly one wins", async () => {
    const dir = await mkdtemp(join(tmpdir(), "allframe-es-"));
    const path = join(dir, "events.db");
    const setup = new SqliteEventStoreBackend({ path });
    try {
      await setup.append("raced", [draft("Opened")], "no-stream");
      const start = new Int32Array(new SharedArrayBuffer(4));
      const workers = Array.from(
        { length: 10 },
        (_, index) =>
          new Worker(new URL("./sqlite-racing-writer.fixture.ts", import.meta.url), {
            workerData: { path, index, start },
          }),
      );
      // Listen for everything up front: a worker may answer and exit before a late listener attaches.
      const exits = workers.map((w) => once(w, "exit"));
      const messages = workers.map((w) => {
        const ready = once(w, "message");
        return { ready, outcome: ready.then(() => once(w, "message")) };
      });
      await Promise.all(messages.map((m) => m.ready));
      Atomics.store(start, 0, 1);
      Atomics.notify(start, 0);
      const outcomes = (await Promise.all(messages.map((m) => m.outcome))).map(
        ([o]) => o as { ok: boolean; code?: string; actual?: number },
      );
      await Promise.all(exits);
      assert.equal(outcomes.filter((o) => o.ok).length, 1, JSON.stringify(outcomes));
      for (const o of outcomes.filter((o) => !o.ok))
        assert.deepEqual(o, { ok: false, code: "concurrency", actual: 1 });
      assert.deepEqual(
        (await setup.readStream("raced")).map((e) => e.version),
        [0, 1],
      );
    } finally {
      await setup.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("synchronous=normal is accepted from the URL and keeps data after flush and reopen", async () => {
    const dir = await mkdtemp(join(tmpdir(), "allframe-es-"));
    try {
      const url = `sqlite:${join(dir, "fast.db")}?synchronous=normal`;
      const fast = await openEventStoreBackend(url);
      await fast.append("s", [draft("A")], "no-stream");
      await fast.flush();
      await fast.close();
      const reopened = await openEventStoreBackend(url);
      assert.equal(await reopened.streamVersion("s"), 0);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
