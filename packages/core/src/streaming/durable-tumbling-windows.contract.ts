/**
 * The restart and crash cases every store behind {@link DurableTumblingWindows} must pass (memory,
 * SQLite, PostgreSQL). A "restart" opens a new instance on a new handle to the same place; a "crash"
 * abandons an instance whose store failed mid-close. Event time only: no clock is involved.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DocumentStore } from "../persistence/document-store.ts";
import { openDocumentStore } from "../persistence/open-document-store.ts";
import {
  DurableTumblingWindows,
  type DurableWindowResult,
  type WindowStateDocument,
} from "./durable-tumbling-windows.ts";
import { windowResultId } from "./window-result-id.ts";

interface Click {
  id: string;
  page: string;
}

type Store = DocumentStore<WindowStateDocument<Click>>;

/** A durable place: `connect()` opens a new handle on it each time, as a restarted process would. */
export interface DurableWindowsPlace {
  connect(): Store;
}

/**
 * The place at document-store `url` (`sqlite:<file>` or `postgres://...`): each `connect()` opens a
 * new handle with {@link openDocumentStore} (collection `clicks_windows`) and adds it to `handles`,
 * which the test file closes at its end.
 */
export function documentStorePlace(url: string, handles: { close(): Promise<void> }[]): DurableWindowsPlace {
  return {
    connect() {
      const store = openDocumentStore<WindowStateDocument<Click>>({ collection: "clicks_windows", url });
      handles.push(store);
      return store;
    },
  };
}

/** The windows every case counts in: one-minute windows of clicks per page, deduplicated by click id. */
const PER_PAGE_MINUTE = {
  durationMs: 60_000,
  idOf: (c: Click) => c.id,
  keyOf: (c: Click) => c.page,
  init: () => 0,
};

const at = (minute: number, second = 0) => new Date(Date.UTC(2030, 0, 1, 0, minute, second));
const click = (id: string, page = "/") => ({ id, page });

/** Wraps a store so that writes matching `fails` throw, as a store dying at that point would. */
function failing(store: Store, fails: (operation: "put" | "delete", id: string) => boolean): Store {
  const down = () => Promise.reject(new Error("store down"));
  return {
    kind: store.kind,
    get: (id) => store.get(id),
    list: (opts) => store.list(opts),
    put: (doc) => (fails("put", doc.id) ? down() : store.put(doc)),
    delete: (id) => (fails("delete", id) ? down() : store.delete(id)),
    count: () => store.count(),
    close: () => store.close(),
  };
}

function clicks(store: Store) {
  const emitted: DurableWindowResult<number>[] = [];
  const open = () =>
    DurableTumblingWindows.open<Click, number>({
      store,
      name: "clicks",
      ...PER_PAGE_MINUTE,
      lateArrivalToleranceMs: 10_000,
      reduce: (n) => n + 1,
      onWindowClosed: (r) => {
        emitted.push(r);
      },
    });
  return { open, emitted };
}

/** Registers the cases for one backend; `place()` gives a fresh, empty durable place per case. */
export function runDurableWindowsContract(kind: string, place: () => Promise<DurableWindowsPlace>): void {
  describe(`DurableTumblingWindows on ${kind}`, () => {
    it("keeps accepted items across a restart mid-window and closes the window with all of them", async () => {
      const where = await place();
      const before = clicks(where.connect());
      const first = await before.open();
      assert.equal(await first.add(click("a"), at(0, 5)), "accepted");
      assert.equal(await first.add(click("b"), at(0, 40)), "accepted");
      assert.equal(await first.add(click("c", "/cart"), at(0, 50)), "accepted");
      const after = clicks(where.connect());
      const second = await after.open();
      assert.equal(second.stats().openWindows, 2);
      assert.equal(await second.add(click("d"), at(0, 55)), "accepted");
      await second.add(click("e"), at(1, 20));
      const closed = await second.advanceWatermark();
      assert.deepEqual(
        closed.map((r) => [r.key, r.count, r.value]),
        [
          ["/", 3, 3],
          ["/cart", 1, 1],
        ],
      );
      assert.equal(closed[0]?.id, windowResultId("clicks", "/", at(0).getTime()));
      assert.deepEqual(after.emitted, closed);
      assert.deepEqual(before.emitted, []);
    });

    it("answers a redelivered item as a duplicate, before and after a restart", async () => {
      const where = await place();
      const first = await clicks(where.connect()).open();
      await first.add(click("a"), at(0, 5));
      assert.equal(await first.add(click("a"), at(0, 5)), "duplicate");
      const second = await clicks(where.connect()).open();
      assert.equal(await second.add(click("a"), at(0, 5)), "duplicate");
      assert.equal(second.stats().duplicates, 1);
      const [window] = await second.flush();
      assert.equal(window?.count, 1);
    });

    it("drops late items of an emitted window after a restart, and leaves only the watermark stored", async () => {
      const where = await place();
      const first = await clicks(where.connect()).open();
      await first.add(click("a"), at(0, 5));
      await first.advanceWatermark(at(1));
      const store = where.connect();
      const second = await clicks(store).open();
      assert.equal(await second.add(click("late"), at(0, 30)), "late-dropped");
      assert.equal(await second.add(click("a"), at(0, 5)), "late-dropped", "a redelivery of an emitted item");
      assert.equal(second.stats().watermark, at(1).toISOString());
      assert.deepEqual(
        (await store.list()).map((d) => d.kind),
        ["watermark"],
      );
    });

    it("emits a window again, with the same id, when the process dies after emitting and before marking it", async () => {
      const where = await place();
      const dying = clicks(failing(where.connect(), (op, id) => op === "put" && id.startsWith("emitted:")));
      const first = await dying.open();
      await first.add(click("a"), at(0, 5));
      await first.add(click("b"), at(0, 6));
      await assert.rejects(first.advanceWatermark(at(1)), /store down/);
      const restarted = clicks(where.connect());
      const second = await restarted.open();
      assert.equal(
        await second.add(click("late"), at(0, 30)),
        "late-dropped",
        "the watermark was stored first",
      );
      await second.advanceWatermark();
      assert.equal(restarted.emitted.length, 1);
      assert.equal(restarted.emitted[0]?.count, 2);
      assert.equal(restarted.emitted[0]?.id, dying.emitted[0]?.id);
    });

    it("does not emit a window again when the process dies after marking it, and finishes the clean-up", async () => {
      const where = await place();
      const dying = clicks(failing(where.connect(), (op, id) => op === "delete" && id === "item:b"));
      const first = await dying.open();
      await first.add(click("a"), at(0, 5));
      await first.add(click("b"), at(0, 6));
      await first.add(click("c"), at(2));
      await assert.rejects(first.advanceWatermark(at(1)), /store down/);
      assert.equal(dying.emitted.length, 1);
      const store = where.connect();
      const restarted = clicks(store);
      const second = await restarted.open();
      assert.deepEqual(await second.advanceWatermark(at(3)), restarted.emitted);
      assert.deepEqual(
        restarted.emitted.map((r) => [r.start, r.count]),
        [[at(2).toISOString(), 1]],
      );
      assert.deepEqual(
        (await store.list()).map((d) => d.kind),
        ["watermark"],
      );
    });

    it("neither stores nor counts an item whose reduce throws", async () => {
      const where = await place();
      const store = where.connect();
      const windows = await DurableTumblingWindows.open<Click, number>({
        store,
        name: "picky",
        ...PER_PAGE_MINUTE,
        lateArrivalToleranceMs: 0,
        reduce: (n, c) => {
          if (c.page === "/bad") throw new Error("cannot reduce");
          return n + 1;
        },
        onWindowClosed: () => undefined,
      });
      await assert.rejects(windows.add(click("x", "/bad"), at(0)), /cannot reduce/);
      assert.equal(await store.count(), 0);
      assert.equal(windows.stats().accepted, 0);
    });
  });
}
