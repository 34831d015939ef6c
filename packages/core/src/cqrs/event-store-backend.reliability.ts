/**
 * The reliability suite every `EventStoreBackend` must pass (issue 3, "Reliability tests"): lost
 * updates, racing writers on separate connections, retried appends, rolled-back transactions, and a
 * reader of the global log racing the writers. Each case is its own test on fresh storage; writers are
 * separate backend instances from `fixture.open()`.
 * @module
 */
import assert from "node:assert/strict";
import { isConcurrencyError } from "./concurrency-error.ts";
import type { RecordedEvent } from "./event.ts";
import { registerCases } from "./event-store-backend.contract.ts";
import {
  type BackendCase,
  type BackendFixtureFactory,
  type BackendSuiteOptions,
  draft,
  expectConflict,
} from "./event-store-backend.fixture.ts";

const WRITERS = 10;

const cases: Record<string, BackendCase> = {
  "lost update: an append expecting a version another writer moved fails and writes nothing": async (
    a,
    fixture,
  ) => {
    const b = await fixture.open();
    await a.append("s", [draft("Opened")], "no-stream");
    const seen = await a.streamVersion("s");
    await b.append("s", [draft("ByB")], seen);
    await expectConflict(a.append("s", [draft("ByA"), draft("ByA2")], seen), seen, seen + 1);
    assert.deepEqual(
      (await a.readStream("s")).map((e) => e.type),
      ["Opened", "ByB"],
    );
    assert.equal((await a.readAll()).length, 2);
  },
  [`${WRITERS} parallel appenders on separate connections expecting one version: exactly one wins`]: async (
    first,
    fixture,
  ) => {
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => fixture.open()));
    await first.append("s", [draft("Opened")], "no-stream");
    const results = await Promise.allSettled(
      writers.map((w, i) => w.append("s", [draft(`W${i}`), draft(`W${i}`)], 0)),
    );
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    assert.equal(won.length, 1, "exactly one writer wins");
    for (const r of results) {
      if (r.status === "rejected") {
        assert.ok(isConcurrencyError(r.reason), String(r.reason));
        assert.deepEqual([r.reason.expected, r.reason.actual], [0, 2]);
      }
    }
    const stream = await first.readStream("s");
    assert.deepEqual(stream.slice(1), won[0]);
    assert.deepEqual((await first.stats()).events, 3);
  },
  "two concurrent creators of one new stream: one wins": async (a, fixture) => {
    const b = await fixture.open();
    const results = await Promise.allSettled([
      a.append("order-1", [draft("CreatedByA")], "no-stream"),
      b.append("order-1", [draft("CreatedByB")], "no-stream"),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(isConcurrencyError(lost[0]) && lost[0].expected === "no-stream" && lost[0].actual === 0);
    assert.equal((await a.readStream("order-1")).length, 1);
  },
  "retry-safe append by event id: retries and concurrent duplicates store one copy": async (a, fixture) => {
    const others = await Promise.all([fixture.open(), fixture.open(), fixture.open()]);
    const batch = [draft("A", { n: 1 }, "retry-1"), draft("B", { n: 2 }, "retry-2")];
    const first = await a.append("s", batch, "no-stream");
    // The reply was lost; the caller retries through another connection with the same ids.
    assert.deepEqual(await others[0]?.append("s", batch, "no-stream"), first);
    const next = [draft("C", {}, "retry-3")];
    const racing = await Promise.all(others.map((w) => w.append("s", next, 1)));
    for (const r of racing) assert.deepEqual(r, racing[0]);
    assert.deepEqual(
      (await a.readAll()).map((e) => [e.id, e.version]),
      [
        ["retry-1", 0],
        ["retry-2", 1],
        ["retry-3", 2],
      ],
    );
  },
  "a transaction rolled back by a throwing inTransaction leaves no event and no row": async (b) => {
    const kept = await b.append("s", [draft("Kept")], "no-stream", {
      inTransaction: async (tx) => {
        await tx.query?.("CREATE TABLE projection_rows (id text PRIMARY KEY)");
        await tx.query?.("INSERT INTO projection_rows (id) VALUES ('kept')");
      },
    });
    const failure = new Error("projection failed");
    await assert.rejects(
      b.append("s", [draft("Lost"), draft("Lost")], 0, {
        inTransaction: async (tx, recorded) => {
          assert.equal(recorded.length, 2);
          await tx.query?.("INSERT INTO projection_rows (id) VALUES ('lost')");
          throw failure;
        },
      }),
      (e) => e === failure,
    );
    assert.deepEqual(await b.readAll(), kept);
    assert.equal(await b.streamVersion("s"), 0);
    let rows: unknown[] | undefined;
    const [after] = await b.append("s", [draft("After")], 0, {
      inTransaction: async (tx) => {
        rows = await tx.query?.("SELECT id FROM projection_rows ORDER BY id");
      },
    });
    if (rows !== undefined) assert.deepEqual(rows, [{ id: "kept" }]);
    assert.equal(after?.version, 1);
    assert.ok((after?.position ?? 0) > (kept[0]?.position ?? 0));
  },
  "appends racing with slow inTransaction callbacks all commit, each at its own position": async (
    b,
    fixture,
  ) => {
    const writers = [b, await fixture.open(), await fixture.open()];
    const slow = { inTransaction: () => new Promise<void>((resolve) => setImmediate(resolve)) };
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        writers[i % writers.length]?.append(`s${i % 2}`, [draft(`E${i}`), draft(`F${i}`)], "any", slow),
      ),
    );
    const positions = results.flatMap((r) => r ?? []).map((e) => e.position);
    assert.equal(new Set(positions).size, 18);
    const log = await b.readAll();
    assert.deepEqual(
      log.map((e) => e.position).sort((x, y) => x - y),
      [...positions].sort((x, y) => x - y),
    );
    for (const stream of ["s0", "s1"]) {
      const versions = (await b.readStream(stream)).map((e) => e.version);
      assert.deepEqual(versions, [...versions.keys()]);
    }
  },
  "a reader polling readAll while writers append sees every event once, in order": async (
    reader,
    fixture,
  ) => {
    const writers = await Promise.all(Array.from({ length: 4 }, () => fixture.open()));
    const written: RecordedEvent[] = [];
    const writing = Promise.all(
      writers.map(async (w, i) => {
        for (let n = 0; n < 15; n++) {
          const stream = n % 3 === 0 ? "shared" : `own-${i}`;
          written.push(...(await w.append(stream, [draft("E", { i, n }), draft("F", { i, n })], "any")));
        }
      }),
    );
    let done = false;
    void writing.finally(() => {
      done = true;
    });
    const seen: RecordedEvent[] = [];
    const poll = async (): Promise<number> => {
      const batch = await reader.readAll((seen.at(-1)?.position ?? 0) + 1, 7);
      seen.push(...batch);
      return batch.length;
    };
    while (!done) await poll();
    await writing;
    while ((await poll()) > 0);
    const positions = seen.map((e) => e.position);
    for (let i = 1; i < positions.length; i++) assert.ok((positions[i] ?? 0) > (positions[i - 1] ?? 0));
    assert.equal(seen.length, written.length);
    assert.deepEqual(new Set(seen.map((e) => e.id)), new Set(written.map((e) => e.id)));
  },
};

/** Registers the reliability cases under `describe("EventStoreBackend reliability: <name>")`. */
export function runEventStoreBackendReliability(
  name: string,
  factory: BackendFixtureFactory,
  options: BackendSuiteOptions = {},
): void {
  registerCases(`EventStoreBackend reliability: ${name}`, cases, factory, options);
}
