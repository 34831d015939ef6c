import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type BackoffStrategy, backoffDelay } from "./backoff.ts";

const opts = { baseMs: 100, maxMs: 1000 };
const series = (strategy: BackoffStrategy, n: number) =>
  Array.from({ length: n }, (_, i) => backoffDelay(strategy, i + 1, opts));

describe("backoffDelay", () => {
  it("exponential doubles from the base and stops at the cap", () => {
    assert.deepEqual(series("exponential", 6), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(backoffDelay("exponential", 5000, opts), 1000);
  });

  it("linear grows by the base and stops at the cap", () => {
    assert.deepEqual(series("linear", 12).slice(0, 4), [100, 200, 300, 400]);
    assert.equal(series("linear", 12)[11], 1000);
  });

  it("fixed stays at the base, capped too", () => {
    assert.deepEqual(series("fixed", 3), [100, 100, 100]);
    assert.equal(backoffDelay("fixed", 1, { baseMs: 500, maxMs: 200 }), 200);
  });

  it("jitter only shortens, within [d·(1−jitter), d]", () => {
    const base = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
    assert.equal(backoffDelay("exponential", 3, { ...base, random: () => 0 }), 400);
    assert.equal(backoffDelay("exponential", 3, { ...base, random: () => 0.5 }), 300);
    assert.equal(backoffDelay("exponential", 3, { ...base, random: () => 0.999999 }), 200);
    assert.equal(backoffDelay("exponential", 9, { ...base, random: () => 0.999999 }), 500);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay("linear", 4, { ...base, jitter: 0.3 });
      assert.ok(d >= 280 && d <= 400, String(d));
    }
  });

  it("rejects bad arguments as configuration errors", () => {
    const bad = [
      () => backoffDelay("exponential", 0, opts),
      () => backoffDelay("exponential", 1.5, opts),
      () => backoffDelay("exponential", 1, { baseMs: -1, maxMs: 1 }),
      () => backoffDelay("exponential", 1, { ...opts, jitter: 1.5 }),
      () => backoffDelay("random" as BackoffStrategy, 1, opts),
    ];
    for (const fn of bad) assert.throws(fn, (e) => hasErrorCode(e, "configuration"));
  });
});
