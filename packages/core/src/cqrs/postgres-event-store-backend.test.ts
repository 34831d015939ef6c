import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import type { RecordedEvent } from "./event.ts";
import { runEventStoreBackendContract } from "./event-store-backend.contract.ts";
import {
  type BackendFixture,
  type BackendFixtureFactory,
  draft,
  gate,
} from "./event-store-backend.fixture.ts";
import { runEventStoreBackendReliability } from "./event-store-backend.reliability.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { openEventStoreBackend } from "./open-event-store-backend.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

/** A fresh database per case; every `open()` is a new backend with its own pool (own connections). */
async function postgresFixture(): Promise<BackendFixture & { readonly url: string }> {
  const url = await server.createDatabase("es");
  const opened: EventStoreBackend[] = [];
  return {
    url,
    open: async () => {
      const backend = await openEventStoreBackend(url);
      opened.push(backend);
      return backend;
    },
    dispose: async () => {
      for (const backend of opened) await backend.close();
    },
  };
}
const postgres: BackendFixtureFactory = postgresFixture;

runEventStoreBackendContract("postgres", postgres);
runEventStoreBackendReliability("postgres", postgres);

/** Releases of every transaction still held, so a failing test never leaves a pool waiting forever. */
const held: (() => Promise<void>)[] = [];
async function releaseHeld(): Promise<void> {
  for (const fail of held.splice(0)) await fail();
}

/** Appends one event in a transaction that stays open, uncommitted, until `commit()` (or `fail()`). */
async function holdOpen(backend: EventStoreBackend, streamId: string) {
  const inserted = gate();
  const release = gate();
  let failing = false;
  let recorded: readonly RecordedEvent[] = [];
  const done = backend.append(streamId, [draft("Held")], "any", {
    inTransaction: async (_tx, events) => {
      recorded = events;
      inserted.open();
      await release.promise;
      if (failing) throw new Error("rolled back on purpose");
    },
  });
  const fail = async () => {
    failing = true;
    release.open();
    await done.catch(() => undefined);
  };
  held.push(fail);
  await inserted.promise;
  return {
    position: recorded[0]?.position ?? 0,
    commit: async () => {
      release.open();
      return done;
    },
    fail,
  };
}

describe("PostgresEventStoreBackend: the global log under out-of-order commits", () => {
  test("a reader never sees a later position while an earlier one can still commit", async () => {
    const fixture = await postgresFixture();
    try {
      const [a, b, reader] = [await fixture.open(), await fixture.open(), await fixture.open()];
      const held = await holdOpen(a, "a");
      const [later] = await b.append("b", [draft("Later")], "no-stream");
      assert.ok((later?.position ?? 0) > held.position, "the later append got the higher position");
      // The race is real: position 2 is committed and visible to a plain query, position 1 is not.
      const raw = new pg.Client({ connectionString: fixture.url });
      await raw.connect();
      const { rows } = await raw.query<{ position: string }>("SELECT position FROM allframe_events");
      await raw.end();
      assert.deepEqual(
        rows.map((r) => Number(r.position)),
        [later?.position],
      );
      assert.deepEqual(await reader.readAll(1), [], "position 2 is held back while 1 is in flight");
      await held.commit();
      assert.deepEqual(
        (await reader.readAll(1)).map((e) => [e.position, e.type]),
        [
          [held.position, "Held"],
          [later?.position, "Later"],
        ],
      );
    } finally {
      await releaseHeld();
      await fixture.dispose();
    }
  });

  test("a polling reader sees every committed event in order, no gaps, no duplicates, past a rollback", async () => {
    const fixture = await postgresFixture();
    try {
      const writers = await Promise.all([fixture.open(), fixture.open(), fixture.open()]);
      const [w1, w2, w3] = writers as [EventStoreBackend, EventStoreBackend, EventStoreBackend];
      const reader = await fixture.open();
      const seen: RecordedEvent[] = [];
      const poll = async () => {
        seen.push(...(await reader.readAll((seen.at(-1)?.position ?? 0) + 1)));
        return seen.map((e) => e.type);
      };
      await w1.append("s1", [draft("P1")], "any");
      const first = await holdOpen(w1, "s1"); // P2 held
      const second = await holdOpen(w2, "s2"); // P3 held, will roll back
      await w3.append("s3", [draft("P4"), draft("P5")], "any"); // committed ahead of P2 and P3
      assert.deepEqual(await poll(), ["P1"]);
      const third = await holdOpen(w3, "s3"); // P6 held
      await first.commit();
      assert.deepEqual(await poll(), ["P1", "Held"], "P2 is out; P3 still in flight holds back P4, P5");
      await second.fail();
      assert.deepEqual(
        await poll(),
        ["P1", "Held", "P4", "P5"],
        "the rolled-back P3 leaves a hole, not a stall",
      );
      await w2.append("s2", [draft("P7")], "any");
      assert.deepEqual(await poll(), ["P1", "Held", "P4", "P5"], "P7 waits for the held P6");
      await third.commit();
      assert.deepEqual(await poll(), ["P1", "Held", "P4", "P5", "Held", "P7"]);
      const positions = seen.map((e) => e.position);
      assert.deepEqual(
        positions,
        [...positions].sort((x, y) => x - y),
      );
      assert.equal(new Set(positions).size, positions.length);
      assert.deepEqual(
        (await reader.readAll()).map((e) => e.id),
        seen.map((e) => e.id),
      );
    } finally {
      await releaseHeld();
      await fixture.dispose();
    }
  });
});

describe("PostgresEventStoreBackend: schema", () => {
  test("migrations are idempotent and safe when several processes start at once", async () => {
    const url = await server.createDatabase("mig");
    const backends = await Promise.all(Array.from({ length: 5 }, () => openEventStoreBackend(url)));
    await backends[0]?.append("s", [draft("A")], "no-stream");
    const again = await openEventStoreBackend(url);
    assert.equal(await again.streamVersion("s"), 0);
    for (const b of [...backends, again]) await b.close();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const { rows } = await raw.query("SELECT component, version FROM allframe_schema_migrations");
    await raw.end();
    assert.deepEqual(rows, [{ component: "event-store", version: 1 }]);
  });

  test("an unreachable server is unavailable, not a crash", async () => {
    const url = await server.createDatabase("down");
    const target = new URL(url);
    target.port = "1";
    await assert.rejects(
      openEventStoreBackend(target.toString()),
      (e) => (e as { code?: string }).code === "unavailable",
    );
  });
});
