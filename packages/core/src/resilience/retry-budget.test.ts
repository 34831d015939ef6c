import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError } from "../errors/allframe-error.ts";
import { advance, fakeNow, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";
import { RetryBudget } from "./retry-budget.ts";

describe("RetryBudget", () => {
  it("allows minRetriesPerSecond × window seconds with no traffic", () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 1, windowMs: 10_000 });
    for (let i = 0; i < 10; i++) assert.equal(budget.tryWithdraw(0), true, `retry ${i + 1}`);
    assert.equal(budget.tryWithdraw(0), false);
  });

  it("adds ratio retries per call", () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, windowMs: 10_000 });
    for (let i = 0; i < 100; i++) budget.deposit(0);
    assert.equal(budget.available(0), 20);
    for (let i = 0; i < 20; i++) assert.equal(budget.tryWithdraw(0), true);
    assert.equal(budget.tryWithdraw(0), false);
  });

  it("slides: calls and retries older than the window no longer count", () => {
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 1_000 });
    budget.deposit(0);
    budget.deposit(0);
    assert.equal(budget.tryWithdraw(0), true);
    assert.equal(budget.tryWithdraw(500), false);
    assert.equal(budget.available(1_000), 0, "the two calls left the window");
    budget.deposit(1_000);
    budget.deposit(1_000);
    assert.equal(budget.tryWithdraw(1_000), true, "the old retry left it too");
  });
});

describe("retry budget in the orchestrator", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  it("caps retries at the ratio of calls, whatever maxAttempts says", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const policy = {
      retry: { maxAttempts: 5, initialIntervalMs: 1, maxIntervalMs: 1, jitter: "none" as const },
      retryBudget: { ratio: 0.2, minRetriesPerSecond: 0, windowMs: 60_000 },
    };
    let attempts = 0;
    for (let i = 0; i < 20; i++) {
      const call = track(
        resilience.execute(policy, async () => {
          attempts += 1;
          throw new AllFrameError("unavailable", "down");
        }),
      );
      for (let tick = 0; tick < 5; tick++) await advance(1);
      await assert.rejects(call.promise);
    }
    // 20 calls earn 4 retries; without the budget they would have made 100 attempts.
    assert.equal(attempts, 24);
  });
});
