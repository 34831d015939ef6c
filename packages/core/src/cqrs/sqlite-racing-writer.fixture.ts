/**
 * A worker thread that appends to a SQLite event store through its own connection, released at the
 * same instant as its siblings: the SQLite reliability test's "separate process" writers.
 * workerData: `{ path, index, start }` (`start`: an Int32Array on a SharedArrayBuffer, 0 until go).
 * Posts `"ready"`, then `{ ok: true }` or `{ ok: false, code, actual }`.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { isAllFrameError } from "../errors/allframe-error.ts";
import { SqliteEventStoreBackend } from "./sqlite-event-store-backend.ts";

const { path, index, start } = workerData as { path: string; index: number; start: Int32Array };
const backend = new SqliteEventStoreBackend({ path });
parentPort?.postMessage("ready");
Atomics.wait(start, 0, 0);
try {
  const draft = {
    id: `worker-${index}`,
    type: "Raced",
    data: { index },
    metadata: {},
    recordedAt: new Date(0).toISOString(),
  };
  await backend.append("raced", [draft], 0);
  parentPort?.postMessage({ ok: true });
} catch (error) {
  const actual = (error as { actual?: unknown }).actual;
  parentPort?.postMessage({ ok: false, code: isAllFrameError(error) ? error.code : String(error), actual });
} finally {
  await backend.close();
}
