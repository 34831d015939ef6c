import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemoryReadModel } from "./in-memory-read-model.ts";

describe("InMemoryReadModel", () => {
  test("writes with a transaction are undone, newest first, on rollback", () => {
    const rows = new InMemoryReadModel<number>();
    rows.set("kept", 1);
    const undo: Array<() => void> = [];
    const tx = { onRollback: (fn: () => void) => void undo.push(fn) };
    rows.set("kept", 2, tx);
    rows.set("kept", 3, tx);
    rows.set("new", 1, tx);
    rows.delete("kept", tx);
    assert.deepEqual(rows.toJSON(), { new: 1 });
    for (const fn of undo.reverse()) fn();
    assert.deepEqual(rows.toJSON(), { kept: 1 });
    assert.deepEqual([rows.size, rows.has("new"), rows.get("kept")], [1, false, 1]);
    assert.deepEqual(rows.entries(), [["kept", 1]]);
    rows.clear();
    assert.equal(rows.size, 0);
  });
});
