import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OutboxMarkQueue } from "./outbox-mark-queue.ts";

const never = (): never => assert.fail("not expected to be called");

/** A mark function whose calls the test settles one by one. */
function gatedMarks() {
  const calls: string[][] = [];
  const gates: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const mark = (ids: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push([...ids]);
      gates.push({ resolve, reject });
    });
  return { calls, gates, mark };
}

describe("OutboxMarkQueue", () => {
  it("runs one mark at a time and marks everything added meanwhile in the next call", async () => {
    const { calls, gates, mark } = gatedMarks();
    const tags: number[] = [];
    const queue = new OutboxMarkQueue(mark, (tag) => tags.push(tag), never);
    queue.add(["a"], 5);
    queue.add(["b", "c"], 7);
    queue.add([], 1);
    queue.add(["d"], 6);
    assert.deepEqual(calls, [["a"]]);
    gates[0]?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, [["a"], ["b", "c", "d"]]);
    gates[1]?.resolve();
    await queue.settled();
    assert.deepEqual(tags, [5, 6], "each call reports the smallest tag of its batches; empty batches none");
  });

  it("reports a failed mark and carries on with the ids added after it", async () => {
    const { calls, gates, mark } = gatedMarks();
    const failures: unknown[] = [];
    const queue = new OutboxMarkQueue(
      mark,
      () => undefined,
      (error) => failures.push(error),
    );
    queue.add(["a"], 0);
    queue.add(["b"], 0);
    gates[0]?.reject(new Error("database down"));
    await new Promise((resolve) => setImmediate(resolve));
    gates[1]?.resolve();
    await queue.settled();
    assert.deepEqual(calls, [["a"], ["b"]]);
    assert.deepEqual(
      failures.map((e) => (e as Error).message),
      ["database down"],
    );
  });

  it("settled() resolves at once when nothing waits", async () => {
    const queue = new OutboxMarkQueue(never, never, never);
    await queue.settled();
  });
});
