/**
 * Tumbling-window aggregation by key over event time, closed by a watermark (seed 000's
 * `stream-processor` service type; windows and watermarks as in the Dataflow model, Akidau et al.,
 * VLDB 2015, and Flink's bounded-out-of-orderness watermarks).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";

/** One closed window of one key. */
export interface WindowResult<A> {
  readonly key: string;
  /** ISO 8601, inclusive. */
  readonly start: string;
  /** ISO 8601, exclusive. */
  readonly end: string;
  readonly value: A;
  /** How many items were reduced into `value`. */
  readonly count: number;
}

/** Construction options of `TumblingWindowAggregator`. */
export interface TumblingWindowOptions<T, A> {
  /** Window length in milliseconds; windows are aligned to the Unix epoch: [k·d, (k+1)·d). */
  readonly durationMs: number;
  /** How far, in milliseconds, the automatic watermark trails the latest event time seen. */
  readonly lateArrivalToleranceMs: number;
  keyOf(item: T): string;
  /** A fresh accumulator for a new window. */
  init(): A;
  reduce(acc: A, item: T): A;
  /** Receives each closed window, in order of end time then key; awaited before the next. */
  onWindowClosed(result: WindowResult<A>): void | Promise<void>;
}

/** The aggregator's state as plain JSON (accumulators must be JSON-serialisable for that). */
export interface TumblingWindowSnapshot<A> {
  readonly version: 1;
  readonly durationMs: number;
  readonly watermarkMs: number | null;
  readonly maxEventTimeMs: number | null;
  readonly accepted: number;
  readonly lateDropped: number;
  readonly windows: readonly {
    readonly key: string;
    readonly startMs: number;
    readonly value: A;
    readonly count: number;
  }[];
}

interface OpenWindow<A> {
  readonly key: string;
  readonly startMs: number;
  value: A;
  count: number;
}

/**
 * Groups items by `keyOf` into fixed, non-overlapping event-time windows and reduces each window's
 * items into one value. A window [start, end) closes when the watermark reaches `end`; an item whose
 * window has already closed is dropped and counted as late.
 *
 * The watermark only moves forward, and only when asked: `advanceWatermark()` sets it to the latest
 * event time seen minus `lateArrivalToleranceMs`, `advanceWatermark(to)` to an explicit time (e.g. from
 * the source), `flush()` to the end of the last open window. Closing is at-least-once: if
 * `onWindowClosed` throws, that window and the ones after it stay open (no new items enter them) and
 * are offered again on the next advance or flush, and the call rejects with the error.
 *
 * @example
 * const views = new TumblingWindowAggregator<{ page: string }, number>({
 *   durationMs: 60_000, lateArrivalToleranceMs: 5_000, keyOf: (v) => v.page,
 *   init: () => 0, reduce: (n) => n + 1, onWindowClosed: (r) => save(r),
 * });
 * views.add({ page: "/" }, new Date());
 * await views.advanceWatermark();
 */
export class TumblingWindowAggregator<T, A> {
  readonly #opts: TumblingWindowOptions<T, A>;
  readonly #windows = new Map<string, OpenWindow<A>>();
  #watermark: number | null = null;
  #maxEventTime: number | null = null;
  #accepted = 0;
  #lateDropped = 0;
  #emitting: Promise<unknown> = Promise.resolve();

  /** @throws AllFrameError `"validation"` for a non-positive duration or a negative tolerance. */
  constructor(opts: TumblingWindowOptions<T, A>) {
    if (!(Number.isFinite(opts.durationMs) && opts.durationMs > 0)) {
      throw new AllFrameError("validation", `durationMs must be > 0, got ${opts.durationMs}`);
    }
    if (!(Number.isFinite(opts.lateArrivalToleranceMs) && opts.lateArrivalToleranceMs >= 0)) {
      throw new AllFrameError(
        "validation",
        `lateArrivalToleranceMs must be >= 0, got ${opts.lateArrivalToleranceMs}`,
      );
    }
    this.#opts = opts;
  }

  /**
   * Rebuilds an aggregator from `snapshot()` output (possibly after a JSON round trip).
   * @throws AllFrameError `"validation"` for an unknown snapshot version or a different `durationMs`.
   */
  static restore<T, A>(
    snapshot: TumblingWindowSnapshot<A>,
    opts: TumblingWindowOptions<T, A>,
  ): TumblingWindowAggregator<T, A> {
    if (snapshot.version !== 1)
      throw new AllFrameError("validation", `unknown snapshot version ${String(snapshot.version)}`);
    if (snapshot.durationMs !== opts.durationMs) {
      throw new AllFrameError(
        "validation",
        `snapshot has durationMs ${snapshot.durationMs}, options say ${opts.durationMs}`,
      );
    }
    const restored = new TumblingWindowAggregator(opts);
    restored.#watermark = snapshot.watermarkMs;
    restored.#maxEventTime = snapshot.maxEventTimeMs;
    restored.#accepted = snapshot.accepted;
    restored.#lateDropped = snapshot.lateDropped;
    for (const w of snapshot.windows) restored.#windows.set(windowId(w.key, w.startMs), { ...w });
    return restored;
  }

  /**
   * Adds an item at its event time. @returns `"late-dropped"` when its window has closed (watermark ≥
   * window end), else `"accepted"`. @throws AllFrameError `"validation"` for an invalid date; whatever
   * `keyOf` or `reduce` throw (the item is then not counted).
   */
  add(item: T, eventTime: Date): "accepted" | "late-dropped" {
    if (this.isLate(eventTime)) {
      this.#lateDropped++;
      return "late-dropped";
    }
    const time = eventTime.getTime();
    const startMs = Math.floor(time / this.#opts.durationMs) * this.#opts.durationMs;
    const key = this.#opts.keyOf(item);
    const id = windowId(key, startMs);
    const open = this.#windows.get(id);
    const value = this.#opts.reduce(open ? open.value : this.#opts.init(), item);
    if (open) {
      open.value = value;
      open.count++;
    } else {
      this.#windows.set(id, { key, startMs, value, count: 1 });
    }
    this.#accepted++;
    this.#maxEventTime = this.#maxEventTime === null ? time : Math.max(this.#maxEventTime, time);
    return "accepted";
  }

  /**
   * Whether an item at `eventTime` would be dropped as late now (its window ends at or before the
   * watermark), without counting it. @throws AllFrameError `"validation"` for an invalid date.
   */
  isLate(eventTime: Date): boolean {
    const time = eventTime.getTime();
    if (Number.isNaN(time)) throw new AllFrameError("validation", "eventTime is an invalid date");
    const d = this.#opts.durationMs;
    return this.#watermark !== null && Math.floor(time / d) * d + d <= this.#watermark;
  }

  /** The watermark and the latest event time seen, in epoch milliseconds (`null` before any). */
  progress(): { watermarkMs: number | null; maxEventTimeMs: number | null } {
    return { watermarkMs: this.#watermark, maxEventTimeMs: this.#maxEventTime };
  }

  /**
   * Moves the watermark to `to`, or to the latest event time minus the tolerance, unless that is
   * behind it; then closes every window that ends at or before it. @returns the windows closed.
   */
  advanceWatermark(to?: Date): Promise<WindowResult<A>[]> {
    const target = to
      ? to.getTime()
      : this.#maxEventTime === null
        ? null
        : this.#maxEventTime - this.#opts.lateArrivalToleranceMs;
    if (Number.isNaN(target))
      return Promise.reject(new AllFrameError("validation", "watermark is an invalid date"));
    if (target !== null && (this.#watermark === null || target > this.#watermark)) this.#watermark = target;
    return this.#closeDue();
  }

  /** Closes every open window (end of input, shutdown), moving the watermark to the last one's end. */
  flush(): Promise<WindowResult<A>[]> {
    for (const w of this.#windows.values()) {
      const end = w.startMs + this.#opts.durationMs;
      if (this.#watermark === null || end > this.#watermark) this.#watermark = end;
    }
    return this.#closeDue();
  }

  /** Counters, open windows, and the watermark (ISO 8601, `null` before the first advance). */
  stats(): { accepted: number; lateDropped: number; openWindows: number; watermark: string | null } {
    return {
      accepted: this.#accepted,
      lateDropped: this.#lateDropped,
      openWindows: this.#windows.size,
      watermark: this.#watermark === null ? null : new Date(this.#watermark).toISOString(),
    };
  }

  /** The whole state as plain data (accumulators deep-copied), for `restore` after a restart. */
  snapshot(): TumblingWindowSnapshot<A> {
    return {
      version: 1,
      durationMs: this.#opts.durationMs,
      watermarkMs: this.#watermark,
      maxEventTimeMs: this.#maxEventTime,
      accepted: this.#accepted,
      lateDropped: this.#lateDropped,
      windows: structuredClone([...this.#windows.values()]),
    };
  }

  /** Closes the windows due under the current watermark; calls are serialised so results stay in order. */
  #closeDue(): Promise<WindowResult<A>[]> {
    const run = this.#emitting.then(async () => {
      const watermark = this.#watermark;
      if (watermark === null) return [];
      const d = this.#opts.durationMs;
      const due = [...this.#windows.values()]
        .filter((w) => w.startMs + d <= watermark)
        .sort((a, b) => a.startMs - b.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const closed: WindowResult<A>[] = [];
      for (const w of due) {
        const result = {
          key: w.key,
          start: new Date(w.startMs).toISOString(),
          end: new Date(w.startMs + d).toISOString(),
          value: w.value,
          count: w.count,
        };
        await this.#opts.onWindowClosed(result);
        this.#windows.delete(windowId(w.key, w.startMs));
        closed.push(result);
      }
      return closed;
    });
    this.#emitting = run.catch(() => undefined);
    return run;
  }
}

function windowId(key: string, startMs: number): string {
  return `${startMs}\u0000${key}`;
}
