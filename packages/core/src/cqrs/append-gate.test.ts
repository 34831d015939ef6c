import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppendGate } from "./append-gate.ts";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("AppendGate", () => {
  test("an exclusive section waits for shared ones in flight and holds back new ones", async () => {
    const gate = new AppendGate();
    const log: string[] = [];
    let finishShared = (): void => undefined;
    const shared = gate.shared(async () => {
      log.push("shared-1 start");
      await new Promise<void>((resolve) => {
        finishShared = resolve;
      });
      log.push("shared-1 end");
    });
    const exclusive = gate.exclusive(async () => {
      log.push("exclusive");
      await tick();
      return 42;
    });
    const later = gate.shared(async () => void log.push("shared-2"));
    await tick();
    assert.deepEqual(log, ["shared-1 start"]);
    finishShared();
    assert.equal(await exclusive, 42);
    await Promise.all([shared, later]);
    assert.deepEqual(log, ["shared-1 start", "shared-1 end", "exclusive", "shared-2"]);
  });

  test("exclusive sections run one at a time and release on failure", async () => {
    const gate = new AppendGate();
    const log: string[] = [];
    const a = gate.exclusive(async () => {
      log.push("a");
      await tick();
      throw new Error("a failed");
    });
    const b = gate.exclusive(async () => void log.push("b"));
    await assert.rejects(a, /a failed/);
    await b;
    assert.equal(await gate.shared(async () => "open"), "open");
    assert.deepEqual(log, ["a", "b"]);
  });
});
