import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { MemoryDocumentStore } from "../persistence/memory-document-store.ts";
import { documentStorePlace, runDurableWindowsContract } from "./durable-tumbling-windows.contract.ts";
import type { WindowStateDocument } from "./durable-tumbling-windows.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-windows-"));
const handles: { close(): Promise<void> }[] = [];
after(async () => {
  await Promise.all(handles.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

// In memory, a "restart" reopens the windows on the same store object (the process lives on).
runDurableWindowsContract("memory", async () => {
  const store = new MemoryDocumentStore<WindowStateDocument<{ id: string; page: string }>>({
    collection: "clicks_windows",
  });
  return { connect: () => store };
});

let n = 0;
runDurableWindowsContract("a SQLite file (DATABASE_URL=sqlite:...)", async () =>
  documentStorePlace(`sqlite:${join(dir, `windows-${++n}.sqlite`)}`, handles),
);
