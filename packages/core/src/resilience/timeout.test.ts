import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { advance, fakeNow, settle, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

/** An operation that only ends when its signal aborts, and records the signal it was given. */
function hanging(signals: AbortSignal[], { honour = true } = {}) {
  return (signal: AbortSignal) => {
    signals.push(signal);
    return new Promise<string>((_, reject) => {
      if (honour) signal.addEventListener("abort", () => reject(signal.reason));
    });
  };
}

describe("Timeout", () => {
  beforeEach(() => useFakeTime(1_000));
  afterEach(() => mock.timers.reset());
  const policy = { name: "erp", timeout: { timeoutMs: 100 } };

  it("aborts the operation's signal after exactly timeoutMs and fails with `timeout`", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const signals: AbortSignal[] = [];
    const call = track(resilience.execute(policy, hanging(signals)));
    await advance(99);
    assert.equal(signals[0]?.aborted, false);
    assert.equal(call.state(), "pending");
    await advance(1);
    assert.equal(signals[0]?.aborted, true);
    await assert.rejects(
      call.promise,
      (e: unknown) =>
        hasErrorCode(e, "timeout") &&
        e.details.timeoutMs === 100 &&
        e === signals[0]?.reason &&
        /"erp" timed out/.test(e.message),
    );
  });

  it("fails at the deadline even when the operation ignores its signal", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const call = track(resilience.execute(policy, hanging([], { honour: false })));
    await advance(100);
    await assert.rejects(call.promise, (e: unknown) => hasErrorCode(e, "timeout"));
  });

  it("leaves a call that finished in time alone", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    let seen: AbortSignal | undefined;
    const value = await resilience.execute(policy, async (signal) => {
      seen = signal;
      return 42;
    });
    assert.equal(value, 42);
    await advance(500);
    assert.equal(seen?.aborted, false);
  });

  it("times each pending call from its own start, with one timer for all of them", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const timers = mock.method(globalThis, "setTimeout");
    try {
      const signals: AbortSignal[] = [];
      const first = track(resilience.execute(policy, hanging(signals)));
      await advance(30);
      const quick = Promise.withResolvers<string>();
      const second = track(resilience.execute(policy, () => quick.promise));
      await advance(10);
      const third = track(resilience.execute(policy, hanging(signals)));
      quick.resolve("done");
      assert.equal(await second.promise, "done");
      await advance(60);
      assert.equal(first.state(), "rejected");
      assert.equal(third.state(), "pending");
      await advance(39);
      assert.equal(third.state(), "pending");
      await advance(1);
      assert.equal(third.state(), "rejected");
      assert.deepEqual(
        signals.map((s) => s.aborted),
        [true, true],
      );
      await assert.rejects(first.promise);
      await assert.rejects(third.promise);
      // Armed for the first call's deadline, then re-armed once for the third's.
      assert.equal(timers.mock.callCount(), 2);
    } finally {
      timers.mock.restore();
    }
  });

  it("passes the caller's cancellation through to the operation's signal", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    const signals: AbortSignal[] = [];
    const caller = new AbortController();
    const call = track(resilience.execute(policy, hanging(signals), { signal: caller.signal }));
    await settle();
    const reason = new Error("request closed");
    caller.abort(reason);
    await assert.rejects(call.promise, (e) => e === reason);
    assert.equal(signals[0]?.reason, reason);
  });

  it("turns a synchronous throw into a rejection", async () => {
    const resilience = new ResilienceOrchestrator({ now: fakeNow });
    await assert.rejects(
      resilience.execute(policy, () => {
        throw new Error("bad input");
      }),
      /bad input/,
    );
  });
});
