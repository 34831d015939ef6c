import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isAllFrameError } from "../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { isConcurrencyError } from "./concurrency-error.ts";
import { runEventStoreBackendContract } from "./event-store-backend.contract.ts";
import { type BackendFixtureFactory, draft } from "./event-store-backend.fixture.ts";
import { runEventStoreBackendReliability } from "./event-store-backend.reliability.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { PostgresEventStoreBackend } from "./postgres-event-store-backend.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

/** One append statement in flight per backend, so every append that overlaps another is batched. */
async function open(url: string): Promise<PostgresEventStoreBackend> {
  const backend = new PostgresEventStoreBackend({ url, maxConcurrentAppends: 1 });
  await backend.migrate();
  return backend;
}

const batching: BackendFixtureFactory = async () => {
  const url = await server.createDatabase("batch");
  const opened: EventStoreBackend[] = [];
  return {
    open: async () => {
      const backend = await open(url);
      opened.push(backend);
      return backend;
    },
    dispose: async () => {
      for (const backend of opened) await backend.close();
    },
  };
};

// The whole port contract and the reliability cases hold when appends travel in batches.
runEventStoreBackendContract("postgres, batched appends", batching);
runEventStoreBackendReliability("postgres, batched appends", batching);

describe("PostgreSQL group commit", () => {
  test("overlapping appends to many streams each get their own versions and positions", async () => {
    const backend = await open(await server.createDatabase("many"));
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          backend.append(`s-${i % 20}`, [draft("A"), draft("B")], i < 20 ? "no-stream" : 1),
        ),
      );
      for (const [i, events] of results.entries()) {
        assert.deepEqual(
          events.map((e) => [e.streamId, e.version]),
          [
            [`s-${i % 20}`, i < 20 ? 0 : 2],
            [`s-${i % 20}`, i < 20 ? 1 : 3],
          ],
        );
      }
      const log = await backend.readAll();
      assert.equal(log.length, 80);
      assert.deepEqual(
        log.map((e) => e.position),
        [...log.map((e) => e.position)].sort((a, b) => a - b),
      );
      assert.equal(new Set(log.map((e) => e.position)).size, 80);
      for (const events of results)
        for (const e of events)
          assert.deepEqual(
            log.find((l) => l.id === e.id),
            e,
          );
    } finally {
      await backend.close();
    }
  });

  test("within one batch: a conflict and an exact retry get their own answers, the rest commit", async () => {
    const backend = await open(await server.createDatabase("mixed"));
    try {
      const retried = draft("A");
      const [stored] = await backend.append("retried", [retried], "no-stream");
      await backend.append("taken", [draft("T")], "no-stream");
      const hold = backend.append("warm-up", [draft("W")], "any"); // in flight, so the rest queue
      const [conflict, retry, plain] = await Promise.allSettled([
        backend.append("taken", [draft("B")], "no-stream"),
        backend.append("retried", [retried], 5),
        backend.append("plain", [draft("C")], "no-stream"),
      ]);
      await hold;
      assert.ok(conflict.status === "rejected" && isConcurrencyError(conflict.reason));
      assert.equal(conflict.reason.actual, 0);
      assert.ok(retry.status === "fulfilled");
      assert.deepEqual(retry.value, [stored]);
      assert.ok(plain.status === "fulfilled");
      assert.deepEqual(
        (await backend.readAll()).map((e) => e.streamId),
        ["retried", "taken", "warm-up", "plain"],
      );
    } finally {
      await backend.close();
    }
  });

  test("an id reused across one batch fails the batch; each append alone then gets its answer", async () => {
    const backend = await open(await server.createDatabase("shared"));
    try {
      const shared = draft("Shared");
      const hold = backend.append("warm-up", [draft("W")], "any");
      const results = await Promise.allSettled([
        backend.append("x", [shared], "any"),
        backend.append("y", [shared], "any"),
        backend.append("z", [draft("Z")], "any"),
      ]);
      await hold;
      assert.deepEqual(
        results.map((r) => r.status),
        ["fulfilled", "rejected", "fulfilled"],
      );
      const lost = results[1];
      assert.ok(lost?.status === "rejected" && isAllFrameError(lost.reason));
      assert.equal(lost.reason.code, "conflict");
      assert.deepEqual(
        (await backend.readAll()).map((e) => e.streamId),
        ["warm-up", "x", "z"],
      );
    } finally {
      await backend.close();
    }
  });
});
