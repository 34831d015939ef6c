import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { settle, track } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

function setup(maxConcurrent: number, maxQueue: number) {
  const resilience = new ResilienceOrchestrator({
    policies: { inventory: { bulkhead: { maxConcurrent, maxQueue } } },
  });
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const call = (id: string, signal?: AbortSignal) =>
    track(
      resilience.execute(
        "inventory",
        () => {
          started.push(id);
          const done = Promise.withResolvers<string>();
          finish.set(id, () => done.resolve(id));
          return done.promise;
        },
        { signal },
      ),
    );
  const complete = async (id: string) => {
    (finish.get(id) ?? assert.fail(`${id} did not start`))();
    await settle();
  };
  return { resilience, started, call, complete };
}

describe("Bulkhead", () => {
  it("runs maxConcurrent calls, queues maxQueue, and rejects the overflow without calling it", async () => {
    const t = setup(2, 1);
    const a = t.call("a");
    const b = t.call("b");
    const c = t.call("c");
    const d = t.call("d");
    await settle();
    assert.deepEqual(t.started, ["a", "b"]);
    await assert.rejects(
      d.promise,
      (e: unknown) =>
        hasErrorCode(e, "unavailable") &&
        e.details.reason === "bulkhead-full" &&
        /2 calls running and 1 waiting/.test(e.message),
    );
    assert.equal(c.state(), "pending");
    await t.complete("a");
    assert.equal(await a.promise, "a");
    assert.deepEqual(t.started, ["a", "b", "c"], "the queued call takes the freed slot");
    await t.complete("b");
    await t.complete("c");
    assert.equal(await b.promise, "b");
    assert.equal(await c.promise, "c");
  });

  it("hands slots over first in, first out", async () => {
    const t = setup(1, 3);
    const calls = ["a", "b", "c", "d"].map((id) => t.call(id));
    await settle();
    for (const id of ["a", "b", "c"]) await t.complete(id);
    assert.deepEqual(t.started, ["a", "b", "c", "d"]);
    await t.complete("d");
    assert.deepEqual(await Promise.all(calls.map((c) => c.promise)), ["a", "b", "c", "d"]);
  });

  it("lets a queued call be aborted: it leaves the queue and never runs", async () => {
    const t = setup(1, 2);
    const a = t.call("a");
    const cancel = new AbortController();
    const b = t.call("b", cancel.signal);
    const c = t.call("c");
    await settle();
    const reason = new Error("user navigated away");
    cancel.abort(reason);
    await assert.rejects(b.promise, (e) => e === reason);
    await t.complete("a");
    assert.deepEqual(t.started, ["a", "c"]);
    await t.complete("c");
    await a.promise;
    await c.promise;
    // The aborted call holds neither the slot nor a queue place: d runs, e waits its turn.
    const d = t.call("d");
    const e = t.call("e");
    await settle();
    assert.deepEqual(t.started, ["a", "c", "d"]);
    await t.complete("d");
    await t.complete("e");
    assert.deepEqual([await d.promise, await e.promise], ["d", "e"]);
  });

  it("frees the slot when the call fails", async () => {
    const resilience = new ResilienceOrchestrator();
    const policy = { bulkhead: { maxConcurrent: 1, maxQueue: 0 } };
    await assert.rejects(
      resilience.execute(policy, () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await resilience.execute(policy, async () => "next"), "next");
  });
});
