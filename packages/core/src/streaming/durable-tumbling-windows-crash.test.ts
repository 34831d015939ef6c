import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { killAtCrashPoint } from "../testing/crash-point.ts";
import { at, clickWindows } from "./durable-tumbling-windows-crash.fixture.ts";

const CHILD = fileURLToPath(new URL("./durable-tumbling-windows-crash.fixture.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "allframe-windows-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function place(name: string) {
  const url = `sqlite:${join(dir, `${name}.sqlite`)}`;
  const emitted = join(dir, `${name}.emitted`);
  writeFileSync(emitted, "");
  return { url, emitted, args: ["--store", url, "--emitted", emitted] };
}

describe("DurableTumblingWindows after a SIGKILL on a SQLite file", () => {
  it("loses no accepted click when the process dies mid-window", async () => {
    const { url, args } = place("accepted");
    await killAtCrashPoint(CHILD, [...args, "--point", "accepted"]);
    const closed: number[] = [];
    const windows = await clickWindows(url, (_id, count) => void closed.push(count));
    assert.equal(await windows.add({ id: "c-3", page: "/" }, at(0, 3)), "duplicate", "a redelivery");
    await windows.add({ id: "c-4", page: "/" }, at(0, 4));
    await windows.advanceWatermark(at(1));
    assert.deepEqual(closed, [4]);
  });

  it("emits a window again with the same id when the process died after emitting it", async () => {
    const { url, emitted, args } = place("emitted");
    await killAtCrashPoint(CHILD, [...args, "--point", "emitted"]);
    const before = readFileSync(emitted, "utf8").trim().split("\n");
    assert.equal(before.length, 1);
    const again: Array<[string, number]> = [];
    const windows = await clickWindows(url, (id, count) => void again.push([id, count]));
    await windows.advanceWatermark();
    assert.deepEqual(again, [[before[0], 3]]);
    await windows.advanceWatermark(at(5));
    assert.equal(again.length, 1, "emitted once more, then never again");
  });
});
