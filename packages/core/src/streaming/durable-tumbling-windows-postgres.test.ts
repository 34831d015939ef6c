import { after, before } from "node:test";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { documentStorePlace, runDurableWindowsContract } from "./durable-tumbling-windows.contract.ts";

let server: PostgresServer;
const handles: { close(): Promise<void> }[] = [];
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await server.stop();
});

runDurableWindowsContract("PostgreSQL (DATABASE_URL=postgres://...)", async () =>
  documentStorePlace(await server.createDatabase("windows"), handles),
);
