import { after, before } from "node:test";
import type { DocumentStore } from "../persistence/document-store.ts";
import { openDocumentStore } from "../persistence/open-document-store.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { runDurableWindowsContract } from "./durable-tumbling-windows.contract.ts";
import type { WindowStateDocument } from "./durable-tumbling-windows.ts";

let server: PostgresServer;
const handles: DocumentStore<WindowStateDocument<never>>[] = [];
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await server.stop();
});

runDurableWindowsContract("PostgreSQL (DATABASE_URL=postgres://...)", async () => {
  const url = await server.createDatabase("windows");
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
