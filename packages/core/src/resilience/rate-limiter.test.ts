import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";
import { definePolicy } from "./policy.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { nowFromClock } from "./time-source.ts";

// The reference web-bff: rate_limit = { rps = 100, burst = 20, per = "user" }
const webBff = definePolicy({ rateLimit: { rps: 100, burst: 20, per: "user" } }).rateLimit ?? assert.fail();

function limiter(policy = webBff) {
  const clock = new ManualClock(0);
  return { clock, limiter: new RateLimiter(policy, { name: "web-bff", now: nowFromClock(clock) }) };
}

/** How many acquires pass in a row for `key` right now. */
function drain(l: RateLimiter, key: string): number {
  let passed = 0;
  while (passed < 10_000) {
    try {
      l.acquire(key);
    } catch {
      return passed;
    }
    passed += 1;
  }
  return passed;
}

describe("RateLimiter", () => {
  it("lets a burst through, rejects the next call, and refills at rps", () => {
    const { clock, limiter: l } = limiter();
    assert.equal(drain(l, "alice"), 20);
    assert.throws(
      () => l.acquire("alice"),
      (e: unknown) =>
        hasErrorCode(e, "rate-limited") &&
        e.details.retryAfterMs === 10 &&
        /100 per second, burst 20 per user/.test(e.message),
    );
    clock.advance(9);
    assert.throws(
      () => l.acquire("alice"),
      (e: unknown) => hasErrorCode(e, "rate-limited") && e.details.retryAfterMs === 1,
    );
    clock.advance(1);
    l.acquire("alice");
    assert.throws(() => l.acquire("alice"));
    clock.advance(50);
    assert.equal(drain(l, "alice"), 5, "50 ms at 100 rps refill 5 tokens");
    clock.advance(10_000);
    assert.equal(drain(l, "alice"), 20, "the bucket never holds more than burst");
  });

  it("keeps a bucket per key", () => {
    const { limiter: l } = limiter();
    assert.equal(drain(l, "alice"), 20);
    assert.equal(drain(l, "bob"), 20);
    assert.equal(l.trackedKeys, 2);
  });

  it("uses one bucket for per = global, whatever the key", () => {
    const global = definePolicy({ rateLimit: { rps: 10, burst: 3 } }).rateLimit ?? assert.fail();
    const { limiter: l } = limiter(global);
    l.acquire("alice");
    l.acquire("bob");
    l.acquire("carol");
    assert.throws(
      () => l.acquire("dave"),
      (e: unknown) => hasErrorCode(e, "rate-limited") && e.details.retryAfterMs === 100,
    );
    assert.equal(l.trackedKeys, 0);
  });

  it("holds at most maxKeys buckets, dropping full ones first", () => {
    const policy = definePolicy({ rateLimit: { rps: 100, burst: 2, per: "ip", maxKeys: 100 } }).rateLimit;
    const { clock, limiter: l } = limiter(policy ?? assert.fail());
    for (let i = 0; i < 100; i++) l.acquire(`old-${i}`);
    l.acquire("old-0");
    assert.equal(l.trackedKeys, 100);
    clock.advance(10);
    // Every bucket but old-0's (two tokens taken) is full again and can go without changing a decision.
    l.acquire("new-0");
    assert.equal(l.trackedKeys, 2);
    l.acquire("old-0");
    assert.throws(() => l.acquire("old-0"), "old-0 is still tracked: one token refilled, not a full burst");
    for (let i = 1; i < 1_000; i++) l.acquire(`new-${i}`);
    assert.ok(l.trackedKeys <= 100, `tracked ${l.trackedKeys}`);
  });

  it("is applied per key by the orchestrator, which requires the key", async () => {
    const clock = new ManualClock(0);
    const resilience = new ResilienceOrchestrator({
      now: nowFromClock(clock),
      policies: { "web-bff": { rateLimit: { rps: 1, burst: 1, per: "user" } } },
    });
    let calls = 0;
    const op = async () => ++calls;
    await resilience.execute("web-bff", op, { key: "alice" });
    await resilience.execute("web-bff", op, { key: "bob" });
    await assert.rejects(resilience.execute("web-bff", op, { key: "alice" }), (e: unknown) =>
      hasErrorCode(e, "rate-limited"),
    );
    assert.equal(calls, 2, "a rate-limited call is not made");
    await assert.rejects(
      resilience.execute("web-bff", op),
      (e: unknown) =>
        hasErrorCode(e, "configuration") && /per user: pass execute\(\.\.\., \{ key/.test(e.message),
    );
  });
});
