import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import {
  TumblingWindowAggregator,
  type TumblingWindowOptions,
  type WindowResult,
} from "./tumbling-window-aggregator.ts";

interface View {
  page: string;
  ms: number;
}

const at = (minute: number, second = 0) => new Date(Date.UTC(2025, 0, 1, 12, minute, second));
const iso = (minute: number, second = 0) => at(minute, second).toISOString();

/** Page-view counts and total load time per page per minute; 10 s tolerance. */
function pageViews(over: Partial<TumblingWindowOptions<View, { views: number; ms: number }>> = {}) {
  const closed: WindowResult<{ views: number; ms: number }>[] = [];
  const opts: TumblingWindowOptions<View, { views: number; ms: number }> = {
    durationMs: 60_000,
    lateArrivalToleranceMs: 10_000,
    keyOf: (v) => v.page,
    init: () => ({ views: 0, ms: 0 }),
    reduce: (acc, v) => ({ views: acc.views + 1, ms: acc.ms + v.ms }),
    onWindowClosed: (r) => {
      closed.push(r);
    },
    ...over,
  };
  return { agg: new TumblingWindowAggregator(opts), closed, opts };
}

describe("TumblingWindowAggregator", () => {
  test("reduces per key and window, closing a window once the watermark reaches its end", async () => {
    const { agg, closed } = pageViews();
    agg.add({ page: "/", ms: 10 }, at(0, 5));
    agg.add({ page: "/cart", ms: 30 }, at(0, 20));
    agg.add({ page: "/", ms: 20 }, at(0, 59));
    agg.add({ page: "/", ms: 5 }, at(1, 3));
    assert.deepEqual(await agg.advanceWatermark(), [], "watermark 12:00:53 is before the first window's end");
    agg.add({ page: "/", ms: 1 }, at(1, 10)); // watermark becomes 12:01:00 exactly
    const first = await agg.advanceWatermark();
    assert.deepEqual(first, [
      { key: "/", start: iso(0), end: iso(1), value: { views: 2, ms: 30 }, count: 2 },
      { key: "/cart", start: iso(0), end: iso(1), value: { views: 1, ms: 30 }, count: 1 },
    ]);
    assert.deepEqual(closed, first, "onWindowClosed saw the same results, in order");
    assert.deepEqual(agg.stats(), { accepted: 5, lateDropped: 0, openWindows: 1, watermark: iso(1) });
  });

  test("accepts out-of-order events within the tolerance and drops events whose window has closed", async () => {
    const { agg } = pageViews();
    agg.add({ page: "/", ms: 1 }, at(1, 5));
    assert.equal(agg.add({ page: "/", ms: 1 }, at(0, 58)), "accepted", "out of order, window still open");
    agg.add({ page: "/", ms: 1 }, at(1, 15));
    const [closed] = await agg.advanceWatermark();
    assert.equal(closed?.count, 1);
    assert.equal(agg.add({ page: "/", ms: 1 }, at(0, 59)), "late-dropped");
    assert.equal(
      agg.add({ page: "/new-key", ms: 1 }, at(0, 30)),
      "late-dropped",
      "a closed window is closed for every key",
    );
    assert.equal(agg.add({ page: "/", ms: 1 }, at(1, 0)), "accepted");
    assert.deepEqual(agg.stats(), { accepted: 4, lateDropped: 2, openWindows: 1, watermark: iso(1, 5) });
    assert.equal(agg.isLate(at(0, 59)), true);
    assert.equal(agg.isLate(at(1)), false);
    assert.equal(agg.stats().lateDropped, 2, "isLate only asks");
    assert.deepEqual(agg.progress(), {
      watermarkMs: at(1, 5).getTime(),
      maxEventTimeMs: at(1, 15).getTime(),
    });
  });

  test("an explicit watermark closes windows; the watermark never moves back", async () => {
    const { agg } = pageViews();
    agg.add({ page: "/", ms: 1 }, at(0));
    agg.add({ page: "/", ms: 1 }, at(2));
    assert.equal((await agg.advanceWatermark(at(2))).length, 1);
    assert.deepEqual(await agg.advanceWatermark(at(0)), []);
    assert.deepEqual(
      await agg.advanceWatermark(),
      [],
      "12:01:50 from event time is behind the explicit 12:02",
    );
    assert.equal(agg.stats().watermark, iso(2));
    assert.deepEqual(
      await new TumblingWindowAggregator(pageViews().opts).advanceWatermark(),
      [],
      "nothing seen yet",
    );
  });

  test("flush closes every open window and later events for them are late", async () => {
    const { agg } = pageViews();
    agg.add({ page: "/b", ms: 1 }, at(3));
    agg.add({ page: "/a", ms: 1 }, at(3, 30));
    agg.add({ page: "/a", ms: 1 }, at(1));
    const flushed = await agg.flush();
    assert.deepEqual(
      flushed.map((r) => `${r.start.slice(11, 16)} ${r.key}`),
      ["12:01 /a", "12:03 /a", "12:03 /b"],
    );
    assert.deepEqual(agg.stats(), { accepted: 3, lateDropped: 0, openWindows: 0, watermark: iso(4) });
    assert.equal(agg.add({ page: "/a", ms: 1 }, at(3, 59)), "late-dropped");
  });

  test("a failing onWindowClosed leaves that window and the later ones open, to be offered again", async () => {
    let failures = 1;
    const delivered: string[] = [];
    const { agg } = pageViews({
      onWindowClosed: (r) => {
        if (r.start === iso(1) && failures-- > 0) throw new Error("sink down");
        delivered.push(r.start);
      },
    });
    for (const minute of [0, 1, 2, 3]) agg.add({ page: "/", ms: 1 }, at(minute));
    await assert.rejects(agg.advanceWatermark(at(3)), /sink down/);
    assert.deepEqual(delivered, [iso(0)]);
    assert.equal(agg.stats().openWindows, 3);
    assert.equal(
      agg.add({ page: "/", ms: 1 }, at(1, 30)),
      "late-dropped",
      "a window past the watermark takes no more items",
    );
    const retried = await agg.advanceWatermark();
    assert.deepEqual(
      retried.map((r) => r.start),
      [iso(1), iso(2)],
    );
    assert.deepEqual(delivered, [iso(0), iso(1), iso(2)]);
  });

  test("snapshot survives a JSON round trip and restore continues where it left off", async () => {
    const { agg, opts } = pageViews();
    agg.add({ page: "/", ms: 7 }, at(0, 1));
    agg.add({ page: "/", ms: 3 }, at(0, 2));
    agg.add({ page: "/x", ms: 1 }, at(2));
    await agg.advanceWatermark(at(1));
    agg.add({ page: "/", ms: 1 }, at(0, 30));
    const closed: WindowResult<{ views: number; ms: number }>[] = [];
    const restored = TumblingWindowAggregator.restore(JSON.parse(JSON.stringify(agg.snapshot())), {
      ...opts,
      onWindowClosed: (r) => void closed.push(r),
    });
    assert.deepEqual(restored.stats(), agg.stats());
    assert.equal(restored.add({ page: "/", ms: 1 }, at(0, 40)), "late-dropped");
    restored.add({ page: "/x", ms: 4 }, at(2, 10));
    await restored.flush();
    assert.deepEqual(closed, [
      { key: "/x", start: iso(2), end: iso(3), value: { views: 2, ms: 5 }, count: 2 },
    ]);
    assert.throws(
      () => TumblingWindowAggregator.restore(agg.snapshot(), { ...opts, durationMs: 1000 }),
      (e) => hasErrorCode(e, "validation"),
    );
  });

  test("validates options and dates", async () => {
    const invalid = (e: unknown) => hasErrorCode(e, "validation");
    assert.throws(() => pageViews({ durationMs: 0 }), invalid);
    assert.throws(() => pageViews({ lateArrivalToleranceMs: -1 }), invalid);
    const { agg } = pageViews();
    assert.throws(() => agg.add({ page: "/", ms: 1 }, new Date("nope")), invalid);
    await assert.rejects(agg.advanceWatermark(new Date("nope")), invalid);
  });
});
