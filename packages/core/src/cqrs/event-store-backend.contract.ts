/**
 * The contract suite every `EventStoreBackend` must pass (house style rule 4; pattern: Hono's
 * `router/common.case.test.ts`). Concurrency and failure cases live in the reliability suite
 * (`event-store-backend.reliability.ts`). Call both from the backend's own test file:
 *
 * @example
 * const factory = async () => { const b = new InMemoryEventStoreBackend(); return { open: async () => b, dispose: async () => {} }; };
 * runEventStoreBackendContract("memory", factory, { skip: { "close then reopen keeps everything": "memory is not durable" } });
 * @module
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ErrorCode, hasErrorCode } from "../errors/allframe-error.ts";
import type { ExpectedVersion } from "./event.ts";
import { snapshotAndCheckpointCases } from "./event-store-backend.contract-state.ts";
import {
  type BackendCase,
  type BackendFixtureFactory,
  type BackendSuiteOptions,
  draft,
  expectConflict,
} from "./event-store-backend.fixture.ts";

const isCode = (code: ErrorCode) => (e: unknown) => hasErrorCode(e, code);

const streamCases: Record<string, BackendCase> = {
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
  "stores type, data, metadata and recordedAt as given, and reads back what append returned": async (b) => {
    const [e] = await b.append(
      "s",
      [draft("Made", { n: 1, at: new Date(0), list: [1, "x"] }, "id-1")],
      "any",
    );
    const [read] = await b.readStream("s");
    const [logged] = await b.readAll();
    for (const got of [e, read, logged]) {
      assert.equal(got?.id, "id-1");
      assert.equal(got?.type, "Made");
      assert.deepEqual(got?.data, { n: 1, at: "1970-01-01T00:00:00.000Z", list: [1, "x"] });
      assert.deepEqual(got?.metadata, { source: "contract" });
      assert.equal(got?.recordedAt, "2025-01-01T00:00:00.000Z");
      assert.equal(got?.schemaVersion, 1);
      assert.ok(Object.isFrozen(got) && Object.isFrozen(got?.data), "events are handed out frozen");
    }
    assert.deepEqual(read, e);
  },
  "round-trips schema versions and the documented metadata keys": async (b) => {
    const metadata = { correlationId: "req-1", causationId: "cmd-7", tenantId: "acme", "x-custom": "é ✓" };
    const [v3] = await b.append(
      "s",
      [{ ...draft("Moved", { to: "B" }), schemaVersion: 3, metadata }, draft("Plain", null)],
      "no-stream",
    );
    const read = await b.readStream("s");
    assert.equal(v3?.schemaVersion, 3);
    assert.deepEqual(
      read.map((e) => [e.schemaVersion, e.metadata, e.data]),
      [
        [3, metadata, { to: "B" }],
        [1, { source: "contract" }, null],
      ],
    );
  },
  "rejects a schema version that is not an integer >= 1, writing nothing": async (b) => {
    for (const bad of [0, 1.5, -1]) {
      await assert.rejects(
        b.append("s", [{ ...draft("X"), schemaVersion: bad }], "any"),
        isCode("validation"),
      );
    }
    assert.deepEqual(await b.readAll(), []);
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
    await b.append("new", [draft("X")], "any");
    assert.equal(await b.streamVersion("s"), 3);
    assert.equal(await b.streamVersion("new"), 0);
  },
  "rejects a malformed expected version": async (b) => {
    for (const bad of [-2, 1.5, "latest" as ExpectedVersion]) {
      await assert.rejects(b.append("s", [draft("X")], bad), isCode("validation"));
    }
  },
  "a failed append writes nothing": async (b) => {
    await expectConflict(b.append("s", [draft("X"), draft("Y")], 5), 5, -1);
    assert.deepEqual(await b.readAll(), []);
    assert.equal(await b.streamVersion("s"), -1);
  },
  "an exact retry by id is a no-op returning the originals": async (b) => {
    const batch = [draft("A", {}, "r-1"), draft("B", {}, "r-2")];
    const first = await b.append("s", batch, "no-stream");
    await b.append("s", [draft("C")], 1);
    const again = await b.append("s", batch, "no-stream");
    assert.deepEqual(again, first);
    assert.equal((await b.readAll()).length, 3);
  },
  "ids keep their exact text, UUID or not, and are found again on retry": async (b) => {
    const ids = [
      "0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5f",
      "0193A4F2-7C01-7B3E-9F3E-5A1B2C3D4E5F",
      "0193a4f27c017b3e9f3e5a1b2c3d4e5f",
      "order-42:created",
    ];
    const batch = ids.map((id, i) => draft(`E${i}`, { i }, id));
    const first = await b.append("s", batch, "no-stream");
    assert.deepEqual(
      (await b.readAll()).map((e) => e.id),
      ids,
    );
    assert.deepEqual(await b.append("s", batch, "no-stream"), first);
    await assert.rejects(
      b.append("s", [draft("E0", { i: 0 }, ids[0]), draft("New")], "any"),
      isCode("conflict"),
    );
    assert.equal(await b.streamVersion("s"), 3);
  },
  "a partly stored batch, or an id from another stream, is a conflict": async (b) => {
    await b.append("s", [draft("A", {}, "p-1")], "any");
    await assert.rejects(
      b.append("s", [draft("A", {}, "p-1"), draft("B", {}, "p-2")], "any"),
      isCode("conflict"),
    );
    await assert.rejects(b.append("other", [draft("A", {}, "p-1")], "any"), isCode("conflict"));
    await assert.rejects(b.append("s", [draft("Renamed", {}, "p-1")], "any"), isCode("conflict"));
    assert.equal((await b.readAll()).length, 1);
  },
  "rejects the same id twice in one batch": async (b) => {
    await assert.rejects(
      b.append("s", [draft("A", {}, "d-1"), draft("B", {}, "d-1")], "any"),
      isCode("validation"),
    );
    assert.deepEqual(await b.readAll(), []);
  },
  "an empty append only checks the expected version": async (b) => {
    assert.deepEqual(await b.append("s", [], "no-stream"), []);
    await expectConflict(b.append("s", [], "stream-exists"), "stream-exists", -1);
    assert.equal(await b.streamVersion("s"), -1);
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
    assert.deepEqual(await b.readAll(1, 0), []);
  },
  "keeps positions in version order within a batch of 100": async (b) => {
    const batch = Array.from({ length: 100 }, (_, i) => draft(`E${i}`, { i }));
    const recorded = await b.append("big", batch, "no-stream");
    const read = await b.readAll();
    assert.deepEqual(read, recorded);
    for (const [i, e] of read.entries()) assert.deepEqual([e.version, e.position, e.data], [i, i + 1, { i }]);
  },
};

/** Registers the contract's cases with `node:test` under `describe("EventStoreBackend contract: <name>")`. */
export function runEventStoreBackendContract(
  name: string,
  factory: BackendFixtureFactory,
  options: BackendSuiteOptions = {},
): void {
  registerCases(
    `EventStoreBackend contract: ${name}`,
    { ...streamCases, ...snapshotAndCheckpointCases },
    factory,
    options,
  );
}

/** Registers `cases` under `title`, each on fresh storage disposed afterwards. */
export function registerCases(
  title: string,
  cases: Readonly<Record<string, BackendCase>>,
  factory: BackendFixtureFactory,
  options: BackendSuiteOptions,
): void {
  describe(title, () => {
    for (const [name, run] of Object.entries(cases)) {
      const reason = options.skip?.[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => {
        const fixture = await factory();
        try {
          await run(await fixture.open(), fixture);
        } finally {
          await fixture.dispose();
        }
      });
    }
  });
}
