import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { TaskGroup } from "./task-group.ts";

/** A task that runs until its signal aborts, then rejects with the abort reason. */
function untilCancelled(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason));
  });
}

const noDeadline = () => new AbortController().signal;

describe("TaskGroup", () => {
  it("hands back a task's result", async () => {
    const tasks = new TaskGroup();
    const handle = tasks.spawn("sum", async () => 1 + 2);
    assert.equal(await handle.result, 3);
    assert.equal(handle.state, "completed");
    assert.deepEqual(tasks.running, []);
  });

  it("cancels a task through its signal and reports it cancelled", async () => {
    const tasks = new TaskGroup();
    const handle = tasks.spawn("poller", untilCancelled);
    assert.deepEqual(tasks.running, ["poller"]);
    handle.cancel("operator asked");
    await assert.rejects(
      handle.result,
      (error) => hasErrorCode(error, "unavailable") && /operator asked/.test(error.message),
    );
    assert.equal(handle.state, "cancelled");
  });

  it("reports a task that fails on its own as failed, with its own error", async () => {
    const tasks = new TaskGroup();
    const handle = tasks.spawn("broken", async () => {
      throw new Error("disk full");
    });
    await assert.rejects(handle.result, /disk full/);
    assert.equal(handle.state, "failed");
  });

  it("refuses a second running task of the same name, and accepts it once the first ended", async () => {
    const tasks = new TaskGroup();
    const first = tasks.spawn("sync", untilCancelled);
    assert.throws(
      () => tasks.spawn("sync", untilCancelled),
      (error) => hasErrorCode(error, "conflict"),
    );
    first.cancel();
    await first.result.catch(() => undefined);
    const second = tasks.spawn("sync", async () => "again");
    assert.equal(await second.result, "again");
  });

  it("shutdown cancels every running task, waits for them, and refuses new ones", async () => {
    const tasks = new TaskGroup();
    const cleaned: string[] = [];
    for (const name of ["a", "b"]) {
      tasks.spawn(name, async (signal) => {
        await untilCancelled(signal).catch(() => undefined);
        cleaned.push(name);
        return name;
      });
    }
    const report = await tasks.shutdown(noDeadline());
    assert.deepEqual(cleaned.sort(), ["a", "b"]);
    assert.deepEqual(report, { settled: { a: "completed", b: "completed" }, unfinished: [] });
    assert.throws(
      () => tasks.spawn("late", async () => 1),
      (error) => hasErrorCode(error, "unavailable"),
    );
  });

  it("shutdown gives up at the deadline and names the tasks that ignored cancellation", async () => {
    const tasks = new TaskGroup();
    tasks.spawn("stubborn", () => new Promise<void>(() => {}));
    tasks.spawn("polite", untilCancelled);
    const deadline = new AbortController();
    const stopping = tasks.shutdown(deadline.signal);
    deadline.abort();
    const report = await stopping;
    assert.deepEqual(report, { settled: { polite: "cancelled" }, unfinished: ["stubborn"] });
  });
});
