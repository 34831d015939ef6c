import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { type ContractDocument, runDocumentStoreContract } from "./document-store.contract.ts";
import { MemoryDocumentStore } from "./memory-document-store.ts";

runDocumentStoreContract(
  "memory",
  () => new MemoryDocumentStore<ContractDocument>({ collection: "contract" }),
);

describe("MemoryDocumentStore", () => {
  it("stores JSON, so a Date comes back as its ISO string, as in SQLite", async () => {
    const store = new MemoryDocumentStore<{ id: string; at: unknown }>();
    await store.put({ id: "a", at: new Date(0) });
    assert.deepEqual(await store.get("a"), { id: "a", at: "1970-01-01T00:00:00.000Z" });
  });

  it("validates the collection name like every backend", () => {
    assert.throws(
      () => new MemoryDocumentStore({ collection: "Orders" }),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});
