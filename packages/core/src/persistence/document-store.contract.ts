/**
 * The contract every {@link DocumentStore} passes (house style rule 4, like Hono's
 * `runTest({ newRouter })`): `runDocumentStoreContract("memory", () => new MemoryDocumentStore())`.
 * Each case gets a fresh, empty store from `factory` and closes it.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { storeCases } from "../testing/store-cases.ts";
import type { DocumentStore } from "./document-store.ts";

/** The document shape the contract stores. */
export interface ContractDocument {
  id: string;
  title: string;
  tags: string[];
  meta?: { count: number; nested: { ok: boolean; note: string | null } };
}

/** Makes a fresh, empty store for one case. */
export type DocumentStoreFactory = () =>
  | DocumentStore<ContractDocument>
  | Promise<DocumentStore<ContractDocument>>;

const doc = (id: string, title = `title ${id}`): ContractDocument => ({ id, title, tags: [] });

/** Registers the document store contract as a `describe` block. */
export function runDocumentStoreContract(name: string, factory: DocumentStoreFactory): void {
  const withStore = storeCases(() => factory(), 0);

  describe(`document store contract: ${name}`, () => {
    it(
      "starts empty",
      withStore(async (store) => {
        assert.equal(await store.count(), 0);
        assert.deepEqual(await store.list(), []);
        assert.equal(await store.get("missing"), undefined);
      }),
    );

    it(
      "round-trips nested JSON, unicode included",
      withStore(async (store) => {
        const full: ContractDocument = {
          id: "ü-1 / ☃",
          title: "Grüße, 世界 \"quoted\" 'single' \\ back",
          tags: ["a", "b"],
          meta: { count: 3, nested: { ok: true, note: null } },
        };
        await store.put(full);
        assert.deepEqual(await store.get(full.id), full);
      }),
    );

    it(
      "returns copies: mutating a read or a written document changes nothing stored",
      withStore(async (store) => {
        const written = doc("a");
        await store.put(written);
        written.title = "changed after put";
        const read = await store.get("a");
        assert.ok(read);
        read.tags.push("changed after get");
        assert.deepEqual(await store.get("a"), doc("a"));
      }),
    );

    it(
      "upserts in place: same count, same list position, new content",
      withStore(async (store) => {
        for (const id of ["a", "b", "c"]) await store.put(doc(id));
        await store.put({ id: "a", title: "new a", tags: ["x"] });
        assert.equal(await store.count(), 3);
        assert.deepEqual(
          (await store.list()).map((d) => [d.id, d.title]),
          [
            ["a", "new a"],
            ["b", "title b"],
            ["c", "title c"],
          ],
        );
      }),
    );

    it(
      "lists in insertion order with limit and offset",
      withStore(async (store) => {
        const ids = ["k", "b", "z", "a", "m"];
        for (const id of ids) await store.put(doc(id));
        assert.deepEqual(
          (await store.list()).map((d) => d.id),
          ids,
        );
        assert.deepEqual(
          (await store.list({ limit: 2 })).map((d) => d.id),
          ["k", "b"],
        );
        assert.deepEqual(
          (await store.list({ offset: 3 })).map((d) => d.id),
          ["a", "m"],
        );
        assert.deepEqual(
          (await store.list({ limit: 2, offset: 1 })).map((d) => d.id),
          ["b", "z"],
        );
        assert.deepEqual(await store.list({ limit: 0 }), []);
        assert.deepEqual(await store.list({ offset: 99 }), []);
      }),
    );

    it(
      "deletes, reporting whether something was there",
      withStore(async (store) => {
        await store.put(doc("a"));
        await store.put(doc("b"));
        assert.equal(await store.delete("a"), true);
        assert.equal(await store.delete("a"), false);
        assert.equal(await store.get("a"), undefined);
        assert.equal(await store.count(), 1);
        await store.put(doc("a"));
        assert.deepEqual(
          (await store.list()).map((d) => d.id),
          ["b", "a"],
          "a re-inserted document goes last",
        );
      }),
    );

    it(
      "rejects documents without an id and bad paging as validation errors",
      withStore(async (store) => {
        await assert.rejects(store.put({ id: "", title: "", tags: [] }), (e) =>
          hasErrorCode(e, "validation"),
        );
        await assert.rejects(store.put({ title: "", tags: [] } as unknown as ContractDocument), (e) =>
          hasErrorCode(e, "validation"),
        );
        await assert.rejects(store.list({ limit: -1 }), (e) => hasErrorCode(e, "validation"));
        await assert.rejects(store.list({ offset: 1.5 }), (e) => hasErrorCode(e, "validation"));
        assert.equal(await store.count(), 0);
      }),
    );

    it("is unavailable after close, and close is idempotent", async () => {
      const store = await factory();
      await store.close();
      await store.close();
      await assert.rejects(store.get("a"), (e) => hasErrorCode(e, "unavailable"));
      await assert.rejects(store.put(doc("a")), (e) => hasErrorCode(e, "unavailable"));
      await assert.rejects(store.count(), (e) => hasErrorCode(e, "unavailable"));
    });
  });
}
