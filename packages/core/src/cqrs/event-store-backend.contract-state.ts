/**
 * Contract cases beyond streams: snapshots, checkpoints, the append transaction handle, stats, flush,
 * close and reopen. Registered by `runEventStoreBackendContract`.
 * @module
 */
import assert from "node:assert/strict";
import { type ErrorCode, hasErrorCode } from "../errors/allframe-error.ts";
import { type BackendCase, draft } from "./event-store-backend.fixture.ts";
import type { BackendTransaction, Snapshot } from "./event-store-backend.ts";

const isCode = (code: ErrorCode) => (e: unknown) => hasErrorCode(e, code);

function snapshot(streamId: string, version: number, state: unknown, schemaVersion = 1): Snapshot {
  return { streamId, version, state, schemaVersion, takenAt: "2025-01-02T03:04:05.678Z" };
}

export const snapshotAndCheckpointCases: Record<string, BackendCase> = {
  "keeps the latest snapshot per stream and ignores an older one": async (b) => {
    assert.equal(await b.loadSnapshot("s"), undefined);
    await b.saveSnapshot(snapshot("s", 4, { total: 4, tags: ["a"] }, 2));
    await b.saveSnapshot(snapshot("other", 1, "x"));
    assert.deepEqual(await b.loadSnapshot("s"), snapshot("s", 4, { total: 4, tags: ["a"] }, 2));
    await b.saveSnapshot(snapshot("s", 2, { total: 2 }));
    assert.deepEqual((await b.loadSnapshot("s"))?.state, { total: 4, tags: ["a"] });
    await b.saveSnapshot(snapshot("s", 4, { total: 40 }));
    assert.deepEqual((await b.loadSnapshot("s"))?.state, { total: 40 }, "an equal version replaces");
    await b.saveSnapshot(snapshot("s", 9, null, 3));
    assert.deepEqual(await b.loadSnapshot("s"), snapshot("s", 9, null, 3));
    assert.deepEqual((await b.loadSnapshot("other"))?.state, "x");
  },
  "rejects a malformed snapshot": async (b) => {
    for (const bad of [snapshot("s", -1, {}), snapshot("s", 0, {}, 0), snapshot("", 0, {})]) {
      await assert.rejects(b.saveSnapshot(bad), isCode("validation"));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(b.saveSnapshot(snapshot("s", 0, cyclic)), isCode("validation"));
    assert.equal(await b.loadSnapshot("s"), undefined);
  },
  "saves and loads checkpoints, 0 when none, overwriting (so 0 restarts a rebuild)": async (b) => {
    assert.equal(await b.loadCheckpoint("inventory"), 0);
    await b.saveCheckpoint("inventory", 7);
    await b.saveCheckpoint("history", 3);
    assert.equal(await b.loadCheckpoint("inventory"), 7);
    await b.saveCheckpoint("inventory", 0);
    assert.equal(await b.loadCheckpoint("inventory"), 0);
    assert.equal(await b.loadCheckpoint("history"), 3);
    for (const bad of [-1, 1.5]) await assert.rejects(b.saveCheckpoint("x", bad), isCode("validation"));
    await assert.rejects(b.saveCheckpoint("", 1), isCode("validation"));
  },
  "inTransaction sees the recorded events, and a checkpoint saved in it commits with them": async (b) => {
    let seen: readonly unknown[] = [];
    let kind = "";
    const recorded = await b.append("s", [draft("A"), draft("B")], "no-stream", {
      inTransaction: async (tx, events) => {
        kind = tx.kind;
        seen = events;
        await b.saveCheckpoint("projection", events.at(-1)?.position ?? 0, tx);
      },
    });
    assert.equal(kind, b.kind);
    assert.deepEqual(seen, recorded);
    assert.equal(await b.loadCheckpoint("projection"), 2);
  },
  "a checkpoint saved in a transaction that throws is rolled back with it": async (b) => {
    await b.saveCheckpoint("projection", 5);
    const failure = new Error("projection failed");
    await assert.rejects(
      b.append("s", [draft("A")], "any", {
        inTransaction: async (tx) => {
          await b.saveCheckpoint("projection", 6, tx);
          throw failure;
        },
      }),
      (e) => e === failure,
    );
    assert.equal(await b.loadCheckpoint("projection"), 5);
    assert.deepEqual(await b.readAll(), []);
  },
  "a transaction handle is dead once its callback has settled": async (b) => {
    let kept: BackendTransaction | undefined;
    await b.append("s", [draft("A")], "any", {
      inTransaction: async (tx) => {
        kept = tx;
      },
    });
    assert.ok(kept !== undefined);
    await assert.rejects(b.saveCheckpoint("late", 1, kept));
    if (kept.query !== undefined) await assert.rejects(kept.query("SELECT 1"), isCode("unsupported"));
    assert.equal(await b.loadCheckpoint("late"), 0);
  },
  "counts streams, events and the last position": async (b) => {
    assert.deepEqual(await b.stats(), { streams: 0, events: 0, lastPosition: 0 });
    await b.append("a", [draft("A"), draft("A")], "any");
    await b.append("b", [draft("B")], "any");
    await b.append("a", [draft("A")], "any");
    assert.deepEqual(await b.stats(), { streams: 2, events: 4, lastPosition: 4 });
  },
  "flush resolves and changes nothing visible": async (b) => {
    await b.append("a", [draft("A")], "any");
    await b.flush();
    await b.flush();
    assert.equal((await b.readAll()).length, 1);
  },
  "close then reopen keeps everything": async (b, fixture) => {
    const written = await b.append(
      "a",
      [{ ...draft("A", { n: 1 }), schemaVersion: 2 }, draft("B")],
      "no-stream",
    );
    await b.saveSnapshot(snapshot("a", 1, { n: 1 }));
    await b.saveCheckpoint("p", 2);
    await b.flush();
    await b.close();
    const reopened = await fixture.open();
    assert.deepEqual(await reopened.readAll(), written);
    assert.deepEqual(await reopened.loadSnapshot("a"), snapshot("a", 1, { n: 1 }));
    assert.equal(await reopened.loadCheckpoint("p"), 2);
    const [next] = await reopened.append("a", [draft("C")], 1);
    assert.deepEqual([next?.version, next?.position], [2, 3]);
  },
  "rejects every call after close with unavailable": async (b) => {
    await b.append("a", [draft("A")], "any");
    await b.close();
    await b.close();
    const calls: (() => Promise<unknown>)[] = [
      () => b.append("a", [draft("A")], "any"),
      () => b.readStream("a"),
      () => b.readAll(),
      () => b.streamVersion("a"),
      () => b.saveSnapshot(snapshot("a", 0, {})),
      () => b.loadSnapshot("a"),
      () => b.loadCheckpoint("p"),
      () => b.saveCheckpoint("p", 1),
      () => b.flush(),
      () => b.stats(),
    ];
    for (const call of calls) await assert.rejects(call(), isCode("unavailable"));
  },
};
