import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError } from "../errors/allframe-error.ts";
import { AdaptiveThrottle } from "./adaptive-throttle.ts";
import { advance, fakeNow, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

describe("AdaptiveThrottle", () => {
  it("drops no retries while the dependency accepts at least 1/K of requests", () => {
    const throttle = new AdaptiveThrottle({ k: 2, windowMs: 120_000 });
    for (let i = 0; i < 10; i++) throttle.record(0, i % 2 === 0);
    assert.equal(throttle.rejectionProbability(0), 0);
    assert.equal(
      throttle.allowRetry(0, () => 0),
      true,
    );
  });

  it("drops retries with probability (requests − K·accepts) / (requests + 1)", () => {
    const throttle = new AdaptiveThrottle({ k: 2, windowMs: 120_000 });
    for (let i = 0; i < 10; i++) throttle.record(0, i < 2);
    assert.equal(throttle.rejectionProbability(0), 6 / 11);
    assert.equal(
      throttle.allowRetry(0, () => 0.5),
      false,
    );
    assert.equal(
      throttle.allowRetry(0, () => 0.6),
      true,
    );
    for (let i = 0; i < 90; i++) throttle.record(0, false);
    assert.equal(throttle.rejectionProbability(0), 96 / 101);
  });

  it("forgets requests older than the window", () => {
    const throttle = new AdaptiveThrottle({ k: 2, windowMs: 1_000 });
    for (let i = 0; i < 10; i++) throttle.record(0, false);
    assert.equal(throttle.rejectionProbability(999), 10 / 11);
    assert.equal(throttle.rejectionProbability(1_000), 0);
  });
});

describe("adaptive retry in the orchestrator", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  /** Sequential calls to an always-failing dependency; returns the attempts each call made. */
  async function attemptsPerCall(adaptive: boolean, calls: number): Promise<number[]> {
    const resilience = new ResilienceOrchestrator({ now: fakeNow, random: () => 0.5 });
    const policy = {
      retry: {
        maxAttempts: 3,
        initialIntervalMs: 10,
        jitter: "none" as const,
        ...(adaptive ? { adaptive: { k: 2, windowMs: 60_000 } } : {}),
      },
    };
    const counts: number[] = [];
    for (let i = 0; i < calls; i++) {
      let attempts = 0;
      const call = track(
        resilience.execute(policy, async () => {
          attempts += 1;
          throw new AllFrameError("unavailable", "still down");
        }),
      );
      await advance(10);
      await advance(20);
      await assert.rejects(call.promise);
      counts.push(attempts);
    }
    return counts;
  }

  it("stops retrying a dependency that keeps failing, where plain retry keeps tripling the load", async () => {
    assert.deepEqual(await attemptsPerCall(false, 4), [3, 3, 3, 3]);
    // 1st failure: p = 1/2, 0.5 ≥ p → retry; 2nd: p = 2/3 → dropped; from then on p only rises.
    assert.deepEqual(await attemptsPerCall(true, 4), [2, 1, 1, 1]);
  });
});
