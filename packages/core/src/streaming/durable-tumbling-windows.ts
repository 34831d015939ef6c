/**
 * Tumbling windows whose state survives a restart: every accepted item, the watermark and the marks
 * of windows being emitted live in a document store (`DATABASE_URL`'s: memory, SQLite, PostgreSQL),
 * so a crash loses no accepted item and a restarted processor closes the same windows with the same
 * results (seed 000 "Stream Processor"; the input log is the state, as in Kafka Streams' changelog).
 * @module
 */
import type { DocumentStore } from "../persistence/document-store.ts";
import {
  TumblingWindowAggregator,
  type TumblingWindowOptions,
  type WindowResult,
} from "./tumbling-window-aggregator.ts";
import { windowResultId } from "./window-result-id.ts";

/** A closed window with its deterministic id ({@link windowResultId}); the same on every emission. */
export interface DurableWindowResult<A> extends WindowResult<A> {
  readonly id: string;
}

/**
 * What the store holds, one document each: `watermark` (the last watermark windows were closed
 * under), `item:<itemId>` (an accepted item of an open window, with its event time in epoch ms) and
 * `emitted:<startMs>:<key>` (a window emitted whose items are being deleted).
 */
export type WindowStateDocument<T> =
  | { id: string; kind: "watermark"; watermarkMs: number; maxEventTimeMs: number | null }
  | { id: string; kind: "item"; timeMs: number; item: T }
  | { id: string; kind: "emitted"; key: string; startMs: number };

/** Options of {@link DurableTumblingWindows.open}: the aggregator's, plus where and how to persist. */
export interface DurableTumblingWindowsOptions<T, A>
  extends Omit<TumblingWindowOptions<T, A>, "onWindowClosed"> {
  /** This processor's own collection (one store per processor); items must be JSON-serialisable. */
  readonly store: DocumentStore<WindowStateDocument<T>>;
  /** The processor's name, part of every window result id. */
  readonly name: string;
  /** A stable id per item (an event's `id`): a redelivered item is recognised and not counted twice. */
  idOf(item: T): string;
  /** Receives each closed window, at least once (see the class docs), in order; awaited. */
  onWindowClosed(result: DurableWindowResult<A>): void | Promise<void>;
}

const WATERMARK_ID = "watermark";
const windowKey = (startMs: number, key: string) => `${startMs}:${key}`;

/**
 * A {@link TumblingWindowAggregator} whose state lives in a document store. `add` resolves only once
 * the item is stored, so an acknowledged item is never lost; a redelivered item (same `idOf`) while its
 * window is open answers `"duplicate"`. A restart (`open` on the same store) re-reduces the stored
 * items in arrival order and restores the watermark, so the same windows close with the same results.
 *
 * Closing a window: (1) store the watermark, (2) call `onWindowClosed`, (3) store an `emitted` mark,
 * (4) delete the window's items, (5) delete the mark. A crash before (3) emits the window again after
 * the restart with the same `id` (at-least-once: consumers dedupe on the event id); a crash after (3)
 * only finishes the clean-up. Step (1) keeps late items of a closed window dropped after a restart.
 * Costs: one store write per accepted item, one delete per item when its window closes.
 *
 * Calls are serialised. `stats().accepted` counts items accepted since `open`, plus those restored.
 *
 * @throws AllFrameError `validation` (from `open`) for invalid durations, as the aggregator does;
 *   store failures (`unavailable`) reject the call that met them, leaving the item unaccepted or the
 *   window open, to be retried.
 * @example
 * const views = await DurableTumblingWindows.open({
 *   store: openDocumentStore({ collection: "page_view_windows", url: process.env.DATABASE_URL }),
 *   name: "page-views", durationMs: 60_000, lateArrivalToleranceMs: 5_000, idOf: (e) => e.id,
 *   keyOf: (e) => e.data.page, init: () => 0, reduce: (n) => n + 1, onWindowClosed: (r) => publish(r),
 * });
 * await views.add(event, new Date(event.time));
 * await views.advanceWatermark();
 */
export class DurableTumblingWindows<T, A> {
  readonly #opts: DurableTumblingWindowsOptions<T, A>;
  readonly #store: DocumentStore<WindowStateDocument<T>>;
  /** Item document ids per open window, and every open item id (for redeliveries). */
  readonly #items = new Map<string, string[]>();
  readonly #itemIds = new Set<string>();
  #aggregator: TumblingWindowAggregator<T, A>;
  #storedWatermark: number | null = null;
  #duplicates = 0;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(opts: DurableTumblingWindowsOptions<T, A>) {
    this.#opts = opts;
    this.#store = opts.store;
    this.#aggregator = new TumblingWindowAggregator(this.#aggregatorOptions());
  }

  /** Loads the state `opts.store` holds (nothing on first use) and returns the windows, ready. */
  static async open<T, A>(opts: DurableTumblingWindowsOptions<T, A>): Promise<DurableTumblingWindows<T, A>> {
    const windows = new DurableTumblingWindows(opts);
    await windows.#load();
    return windows;
  }

  #aggregatorOptions(): TumblingWindowOptions<T, A> {
    const { durationMs, lateArrivalToleranceMs, keyOf, init, reduce } = this.#opts;
    return {
      durationMs,
      lateArrivalToleranceMs,
      keyOf,
      init,
      reduce,
      onWindowClosed: (result) => this.#close(result),
    };
  }

  #windowOf(item: T, timeMs: number): string {
    const d = this.#opts.durationMs;
    return windowKey(Math.floor(timeMs / d) * d, this.#opts.keyOf(item));
  }

  #track(window: string, documentId: string, itemId: string): void {
    const ids = this.#items.get(window);
    if (ids === undefined) this.#items.set(window, [documentId]);
    else ids.push(documentId);
    this.#itemIds.add(itemId);
  }

  async #load(): Promise<void> {
    const docs = await this.#store.list();
    const emitted = new Set<string>();
    let watermark: { watermarkMs: number; maxEventTimeMs: number | null } | undefined;
    for (const doc of docs) {
      if (doc.kind === "emitted") emitted.add(windowKey(doc.startMs, doc.key));
      else if (doc.kind === "watermark") watermark = doc;
    }
    for (const doc of docs) {
      if (doc.kind !== "item") continue;
      const window = this.#windowOf(doc.item, doc.timeMs);
      if (emitted.has(window)) await this.#store.delete(doc.id);
      else {
        this.#aggregator.add(doc.item, new Date(doc.timeMs));
        this.#track(window, doc.id, doc.id.slice("item:".length));
      }
    }
    for (const doc of docs) if (doc.kind === "emitted") await this.#store.delete(doc.id);
    if (watermark === undefined) return;
    // Restored without closing: windows the stored watermark has passed close on the next advance.
    const snapshot = this.#aggregator.snapshot();
    this.#aggregator = TumblingWindowAggregator.restore(
      {
        ...snapshot,
        watermarkMs: watermark.watermarkMs,
        maxEventTimeMs: Math.max(snapshot.maxEventTimeMs ?? -Infinity, watermark.maxEventTimeMs ?? -Infinity),
      },
      this.#aggregatorOptions(),
    );
    this.#storedWatermark = watermark.watermarkMs;
  }

  #serial<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Adds an item at its event time and resolves once it is stored. @returns `"late-dropped"` when its
   * window has closed, `"duplicate"` when an item with the same `idOf` is already in an open window,
   * else `"accepted"`. @throws AllFrameError `validation` for an invalid date; store failures and
   * whatever `keyOf`/`reduce` throw (the item is then neither stored nor counted).
   */
  add(item: T, eventTime: Date): Promise<"accepted" | "late-dropped" | "duplicate"> {
    return this.#serial(async () => {
      if (this.#aggregator.isLate(eventTime)) return this.#aggregator.add(item, eventTime);
      const itemId = this.#opts.idOf(item);
      if (this.#itemIds.has(itemId)) {
        this.#duplicates++;
        return "duplicate";
      }
      const timeMs = eventTime.getTime();
      const window = this.#windowOf(item, timeMs);
      const doc = { id: `item:${itemId}`, kind: "item" as const, timeMs, item };
      await this.#store.put(doc);
      try {
        this.#aggregator.add(item, eventTime);
      } catch (error) {
        await this.#store.delete(doc.id);
        throw error;
      }
      this.#track(window, doc.id, itemId);
      return "accepted";
    });
  }

  /** As {@link TumblingWindowAggregator.advanceWatermark}, closing windows durably (see the class docs). */
  advanceWatermark(to?: Date): Promise<DurableWindowResult<A>[]> {
    return this.#serial(async () =>
      (await this.#aggregator.advanceWatermark(to)).map((r) => this.#withId(r)),
    );
  }

  /**
   * Closes every open window now (end of input). Not for shutdown: the state is already stored, and a
   * restarted processor closes the windows when their time comes, with every item.
   */
  flush(): Promise<DurableWindowResult<A>[]> {
    return this.#serial(async () => (await this.#aggregator.flush()).map((r) => this.#withId(r)));
  }

  /** The aggregator's counters, the watermark, and the redeliveries dropped since `open`. */
  stats(): ReturnType<TumblingWindowAggregator<T, A>["stats"]> & { duplicates: number } {
    return { ...this.#aggregator.stats(), duplicates: this.#duplicates };
  }

  #withId(result: WindowResult<A>): DurableWindowResult<A> {
    return { ...result, id: windowResultId(this.#opts.name, result.key, Date.parse(result.start)) };
  }

  async #close(result: WindowResult<A>): Promise<void> {
    const progress = this.#aggregator.progress();
    const watermarkMs = progress.watermarkMs ?? Date.parse(result.end);
    if (this.#storedWatermark === null || watermarkMs > this.#storedWatermark) {
      const { maxEventTimeMs } = progress;
      await this.#store.put({ id: WATERMARK_ID, kind: "watermark", watermarkMs, maxEventTimeMs });
      this.#storedWatermark = watermarkMs;
    }
    const startMs = Date.parse(result.start);
    await this.#opts.onWindowClosed(this.#withId(result));
    const window = windowKey(startMs, result.key);
    const mark = { id: `emitted:${window}`, kind: "emitted" as const, key: result.key, startMs };
    await this.#store.put(mark);
    for (const id of this.#items.get(window) ?? []) {
      await this.#store.delete(id);
      this.#itemIds.delete(id.slice("item:".length));
    }
    this.#items.delete(window);
    await this.#store.delete(mark.id);
  }
}
