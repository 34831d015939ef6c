/**
 * The contract suite every `EventStoreBackend` must pass (house style rule 4; pattern: Hono's
 * `router/common.case.test.ts`). Call it from the backend's own test file:
 *
 * @example
 * runEventStoreBackendContract({ name: "memory", newBackend: () => new InMemoryEventStoreBackend() });
 * @module
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isAllFrameError } from "../errors/allframe-error.ts";
import { isConcurrencyError } from "./concurrency-error.ts";
import type { ExpectedVersion, RecordedEventDraft } from "./event.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";

/** How to run the suite against one backend. */
export interface EventStoreBackendContractOptions {
  readonly name: string;
  /** A fresh, empty backend for each case. */
  readonly newBackend: () => EventStoreBackend | Promise<EventStoreBackend>;
  /** Case name → the reason it cannot hold for this backend. */
  readonly skip?: Readonly<Record<string, string>>;
}

let counter = 0;
function draft(type: string, data: unknown = {}, id = `evt-${++counter}`): RecordedEventDraft {
  return { id, type, data, metadata: { source: "contract" }, recordedAt: "2025-01-01T00:00:00.000Z" };
}

/** Registers the contract's cases with `node:test` under `describe("EventStoreBackend contract: <name>")`. */
export function runEventStoreBackendContract(opts: EventStoreBackendContractOptions): void {
  const cases: Record<string, (b: EventStoreBackend) => Promise<void>> = {
    "numbers versions from 0 and positions from 1": async (b) => {
      const a = await b.append("a", [draft("A1"), draft("A2")], "no-stream");
      const c = await b.append("c", [draft("C1")], "no-stream");
      assert.deepEqual(
        a.map((e) => [e.streamId, e.version, e.position]),
        [
          ["a", 0, 1],
          ["a", 1, 2],
        ],
      );
      assert.deepEqual(
        c.map((e) => [e.streamId, e.version, e.position]),
        [["c", 0, 3]],
      );
      assert.equal(await b.streamVersion("a"), 1);
      assert.equal(await b.streamVersion("missing"), -1);
    },
    "stores type, data, metadata and recordedAt as given": async (b) => {
      const [e] = await b.append(
        "s",
        [draft("Made", { n: 1, at: new Date(0), list: [1, "x"] }, "id-1")],
        "any",
      );
      const [read] = await b.readStream("s");
      for (const got of [e, read]) {
        assert.equal(got?.id, "id-1");
        assert.equal(got?.type, "Made");
        assert.deepEqual(got?.data, { n: 1, at: "1970-01-01T00:00:00.000Z", list: [1, "x"] });
        assert.deepEqual(got?.metadata, { source: "contract" });
        assert.equal(got?.recordedAt, "2025-01-01T00:00:00.000Z");
      }
    },
    "checks every kind of expected version": async (b) => {
      await expectConflict(b.append("s", [draft("X")], "stream-exists"), "stream-exists", -1);
      await expectConflict(b.append("s", [draft("X")], 0), 0, -1);
      await b.append("s", [draft("X")], -1);
      await expectConflict(b.append("s", [draft("X")], "no-stream"), "no-stream", 0);
      await expectConflict(b.append("s", [draft("X")], -1), -1, 0);
      await expectConflict(b.append("s", [draft("X")], 1), 1, 0);
      await b.append("s", [draft("X")], 0);
      await b.append("s", [draft("X")], "stream-exists");
      await b.append("s", [draft("X")], "any");
      assert.equal(await b.streamVersion("s"), 3);
    },
    "rejects a malformed expected version": async (b) => {
      for (const bad of [-2, 1.5, "latest" as ExpectedVersion]) {
        await assert.rejects(
          b.append("s", [draft("X")], bad),
          (e) => isAllFrameError(e) && e.code === "validation",
        );
      }
    },
    "a failed append writes nothing": async (b) => {
      await expectConflict(b.append("s", [draft("X"), draft("Y")], 5), 5, -1);
      assert.deepEqual(await b.readAll(), []);
    },
    "an exact retry by id is a no-op returning the originals": async (b) => {
      const batch = [draft("A", {}, "r-1"), draft("B", {}, "r-2")];
      const first = await b.append("s", batch, "no-stream");
      await b.append("s", [draft("C")], 1);
      const again = await b.append("s", batch, "no-stream");
      assert.deepEqual(again, first);
      assert.equal((await b.readAll()).length, 3);
    },
    "a partly stored batch, or an id from another stream, is a conflict": async (b) => {
      await b.append("s", [draft("A", {}, "p-1")], "any");
      const isConflict = (e: unknown) => isAllFrameError(e) && e.code === "conflict";
      await assert.rejects(b.append("s", [draft("A", {}, "p-1"), draft("B", {}, "p-2")], "any"), isConflict);
      await assert.rejects(b.append("other", [draft("A", {}, "p-1")], "any"), isConflict);
      await assert.rejects(b.append("s", [draft("Renamed", {}, "p-1")], "any"), isConflict);
      assert.equal((await b.readAll()).length, 1);
    },
    "rejects the same id twice in one batch": async (b) => {
      await assert.rejects(
        b.append("s", [draft("A", {}, "d-1"), draft("B", {}, "d-1")], "any"),
        (e) => isAllFrameError(e) && e.code === "validation",
      );
    },
    "an empty append only checks the expected version": async (b) => {
      assert.deepEqual(await b.append("s", [], "no-stream"), []);
      await expectConflict(b.append("s", [], "stream-exists"), "stream-exists", -1);
    },
    "reads a stream from a version and the log from a position with a limit": async (b) => {
      await b.append("a", [draft("A0"), draft("A1"), draft("A2")], "any");
      await b.append("b", [draft("B0")], "any");
      assert.deepEqual(
        (await b.readStream("a", 1)).map((e) => e.type),
        ["A1", "A2"],
      );
      assert.deepEqual(await b.readStream("missing"), []);
      assert.deepEqual(
        (await b.readAll(2, 2)).map((e) => e.position),
        [2, 3],
      );
      assert.deepEqual(
        (await b.readAll(4)).map((e) => e.type),
        ["B0"],
      );
      assert.deepEqual(await b.readAll(9), []);
    },
  };

  describe(`EventStoreBackend contract: ${opts.name}`, () => {
    for (const [name, run] of Object.entries(cases)) {
      const reason = opts.skip?.[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => run(await opts.newBackend()));
    }
  });
}

async function expectConflict(
  work: Promise<unknown>,
  expected: ExpectedVersion,
  actual: number,
): Promise<void> {
  await assert.rejects(work, (e) => {
    assert.ok(isConcurrencyError(e), `expected a ConcurrencyError, got ${String(e)}`);
    assert.equal(e.expected, expected);
    assert.equal(e.actual, actual);
    return true;
  });
}
