import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { DocumentStore } from "../persistence/document-store.ts";
import { MemoryDocumentStore } from "../persistence/memory-document-store.ts";
import { openDocumentStore } from "../persistence/open-document-store.ts";
import { runDurableWindowsContract } from "./durable-tumbling-windows.contract.ts";
import type { WindowStateDocument } from "./durable-tumbling-windows.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-windows-"));
const handles: DocumentStore<WindowStateDocument<never>>[] = [];
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
runDurableWindowsContract("a SQLite file (DATABASE_URL=sqlite:...)", async () => {
  const url = `sqlite:${join(dir, `windows-${++n}.sqlite`)}`;
  return {
    connect() {
      const store = openDocumentStore<WindowStateDocument<{ id: string; page: string }>>({
        collection: "clicks_windows",
        url,
      });
      handles.push(store as DocumentStore<WindowStateDocument<never>>);
      return store;
    },
  };
});
