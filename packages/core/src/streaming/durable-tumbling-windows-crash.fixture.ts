/**
 * The child process of `durable-tumbling-windows-crash.test.ts`: feeds clicks into
 * {@link DurableTumblingWindows} on the SQLite file a URL names, prints `CRASH-POINT` at the chosen
 * point and waits there, so the parent can SIGKILL it exactly then.
 *
 * Usage: node durable-tumbling-windows-crash.fixture.ts --store <url> --point <accepted | emitted> --emitted <file>
 * - `accepted`: after three clicks of the 00:00 window were accepted;
 * - `emitted`: inside `onWindowClosed`, once the 00:00 window's id was appended to `--emitted`
 *   (published, not yet marked).
 * @module
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDocumentStore } from "../persistence/open-document-store.ts";
import { DurableTumblingWindows, type WindowStateDocument } from "./durable-tumbling-windows.ts";

/** What the fixture counts: clicks on a page. */
export interface Click {
  id: string;
  page: string;
}

/** The windows both the child and the parent open: one-minute click counts per page. */
export function clickWindows(
  url: string,
  onWindowClosed: (id: string, count: number) => void | Promise<void>,
) {
  return DurableTumblingWindows.open<Click, number>({
    store: openDocumentStore<WindowStateDocument<Click>>({ collection: "clicks_windows", url }),
    name: "clicks",
    durationMs: 60_000,
    lateArrivalToleranceMs: 0,
    idOf: (c) => c.id,
    keyOf: (c) => c.page,
    init: () => 0,
    reduce: (n) => n + 1,
    onWindowClosed: (r) => onWindowClosed(r.id, r.count),
  });
}

/** 2030-01-01T00:<minute>:<second>Z. */
export const at = (minute: number, second = 0) => new Date(Date.UTC(2030, 0, 1, 0, minute, second));

if (import.meta.main) {
  const { values } = parseArgs({
    options: { store: { type: "string" }, point: { type: "string" }, emitted: { type: "string" } },
  });
  const { store: url, point, emitted } = values;
  if (url === undefined || emitted === undefined || (point !== "accepted" && point !== "emitted")) {
    process.stderr.write("--store, --emitted and --point accepted|emitted are required\n");
    process.exit(2);
  }
  const hang = () => new Promise<never>(() => setInterval(() => undefined, 60_000));
  const windows = await clickWindows(url, async (id) => {
    appendFileSync(emitted, `${id}\n`);
    process.stdout.write("CRASH-POINT\n");
    await hang();
  });
  for (const second of [1, 2, 3]) await windows.add({ id: `c-${second}`, page: "/" }, at(0, second));
  if (point === "accepted") {
    process.stdout.write("CRASH-POINT\n");
    await hang();
  }
  await windows.advanceWatermark(at(1));
}
