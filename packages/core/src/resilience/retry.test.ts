import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError, type ErrorCode } from "../errors/allframe-error.ts";
import { backoffDelayMs, seededRandom } from "./backoff.ts";
import { advance, fakeNow, settle, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";
import type { ResiliencePolicyInput } from "./policy.ts";

const unavailable = () => new AllFrameError("unavailable", "provider down");

/** An operation failing with `errors` in turn, then succeeding; records the fake time of each attempt. */
function flaky(errors: unknown[]) {
  const attemptsAt: number[] = [];
  const operation = async () => {
    attemptsAt.push(Date.now());
    const error = errors[attemptsAt.length - 1];
    if (error !== undefined) throw error;
    return "ok";
  };
  return { operation, attemptsAt };
}

const steady: ResiliencePolicyInput = {
  retry: { maxAttempts: 3, initialIntervalMs: 100, maxIntervalMs: 1_000, multiplier: 2, jitter: "none" },
};

describe("retry", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  it("retries a retryable error after exponential backoff, exactly on time", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const { operation, attemptsAt } = flaky([unavailable(), unavailable()]);
    const call = track(resilience.execute(steady, operation));
    await advance(99);
    assert.deepEqual(attemptsAt, [0]);
    await advance(1);
    assert.deepEqual(attemptsAt, [0, 100]);
    await advance(199);
    assert.deepEqual(attemptsAt, [0, 100]);
    await advance(1);
    assert.deepEqual(attemptsAt, [0, 100, 300]);
    assert.equal(await call.promise, "ok");
  });

  it("gives up after maxAttempts with the last error, unchanged", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const errors = [unavailable(), unavailable(), unavailable()];
    const { operation, attemptsAt } = flaky(errors);
    const call = track(resilience.execute(steady, operation));
    await advance(100);
    await advance(200);
    await assert.rejects(call.promise, (e) => e === errors[2]);
    assert.equal(attemptsAt.length, 3);
  });

  it("does not retry a non-idempotent call when idempotentOnly is set", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const payments = { retry: { ...steady.retry, idempotentOnly: true } };
    const charge = flaky([unavailable(), unavailable()]);
    await assert.rejects(resilience.execute(payments, charge.operation), /provider down/);
    assert.equal(charge.attemptsAt.length, 1);

    const refund = flaky([unavailable(), unavailable()]);
    const call = track(resilience.execute(payments, refund.operation, { idempotent: true }));
    await advance(100);
    await advance(200);
    assert.equal(await call.promise, "ok");
    assert.equal(refund.attemptsAt.length, 3);
  });

  for (const code of ["unavailable", "timeout", "rate-limited", "concurrency"] as ErrorCode[]) {
    it(`retries AllFrameError "${code}"`, async () => {
      const resilience = new ResilienceOrchestrator({ now: fakeNow });
      const { operation, attemptsAt } = flaky([new AllFrameError(code, "transient")]);
      const call = track(resilience.execute(steady, operation));
      await advance(100);
      assert.equal(await call.promise, "ok");
      assert.equal(attemptsAt.length, 2);
    });
  }

  it("retries a network error found in the cause chain (fetch failed ← ECONNRESET)", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const { operation, attemptsAt } = flaky([new TypeError("fetch failed", { cause: reset })]);
    const call = track(resilience.execute(steady, operation));
    await advance(100);
    assert.equal(await call.promise, "ok");
    assert.equal(attemptsAt.length, 2);
  });

  for (const error of [
    new AllFrameError("validation", "bad sku"),
    new AllFrameError("not-found", "no such order"),
    new AllFrameError("forbidden", "not yours"),
    new Error("a bug"),
  ]) {
    it(`does not retry ${error instanceof AllFrameError ? `"${error.code}"` : "an unknown error"}`, async () => {
      const resilience = new ResilienceOrchestrator({ now: fakeNow });
      const { operation, attemptsAt } = flaky([error]);
      await assert.rejects(resilience.execute(steady, operation), (e) => e === error);
      assert.equal(attemptsAt.length, 1);
    });
  }

  it("waits for a retryAfterMs hint longer than the backoff, and gives up on one beyond maxIntervalMs", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const throttled = (retryAfterMs: number) =>
      new AllFrameError("rate-limited", "slow down", { details: { retryAfterMs } });
    const patient = flaky([throttled(450)]);
    const call = track(resilience.execute(steady, patient.operation));
    await advance(449);
    assert.deepEqual(patient.attemptsAt, [0]);
    await advance(1);
    assert.equal(await call.promise, "ok");
    assert.deepEqual(patient.attemptsAt, [0, 450]);

    const hopeless = flaky([throttled(5_000)]);
    await assert.rejects(resilience.execute(steady, hopeless.operation), /slow down/);
    assert.equal(hopeless.attemptsAt.length, 1);
  });

  it("stops at once when the caller aborts during the backoff", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const { operation, attemptsAt } = flaky([unavailable(), unavailable()]);
    const caller = new AbortController();
    const call = track(resilience.execute(steady, operation, { signal: caller.signal }));
    await advance(50);
    const reason = new Error("client disconnected");
    caller.abort(reason);
    await assert.rejects(call.promise, (e) => e === reason);
    await advance(1_000);
    assert.equal(attemptsAt.length, 1);
  });

  it("does not start when the caller's signal is already aborted", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const { operation, attemptsAt } = flaky([]);
    await assert.rejects(
      resilience.execute(steady, operation, { signal: AbortSignal.abort("gone") }),
      (e) => e === "gone",
    );
    await settle();
    assert.equal(attemptsAt.length, 0);
  });
});

describe("backoffDelayMs", () => {
  const base = { initialIntervalMs: 100, maxIntervalMs: 1_000, multiplier: 3 };
  const half = () => 0.5;

  it("grows by the multiplier and stops at maxIntervalMs", () => {
    const none = { ...base, jitter: "none" as const };
    assert.deepEqual(
      [1, 2, 3, 4].map((retry) => backoffDelayMs(none, retry, half)),
      [100, 300, 900, 1_000],
    );
  });

  it("applies full jitter as U(0, d) and equal jitter as d/2 + U(0, d/2)", () => {
    assert.equal(backoffDelayMs({ ...base, jitter: "full" }, 2, half), 150);
    assert.equal(
      backoffDelayMs({ ...base, jitter: "full" }, 2, () => 0),
      0,
    );
    assert.equal(backoffDelayMs({ ...base, jitter: "equal" }, 2, half), 225);
    assert.equal(
      backoffDelayMs({ ...base, jitter: "equal" }, 2, () => 0),
      150,
    );
  });

  it("is reproducible with a seeded random source", () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return [1, 2, 3].map((retry) => backoffDelayMs({ ...base, jitter: "full" }, retry, random));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    const random = seededRandom(7);
    for (let i = 0; i < 1_000; i++) {
      const value = random();
      assert.ok(value >= 0 && value < 1);
    }
  });
});
