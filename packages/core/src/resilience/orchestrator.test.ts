import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import type { CircuitStateChange } from "./circuit-breaker.ts";
import { advance, fakeNow, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

const down = () => Promise.reject(new AllFrameError("unavailable", "down"));

describe("ResilienceOrchestrator composition order", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  it("checks the rate limit before the bulkhead", async () => {
    const resilience = new ResilienceOrchestrator({
      now: fakeNow,
      policies: { p: { rateLimit: { rps: 1, burst: 1 }, bulkhead: { maxConcurrent: 1, maxQueue: 0 } } },
    });
    const hold = Promise.withResolvers<string>();
    const first = track(resilience.execute("p", () => hold.promise));
    await assert.rejects(
      resilience.execute("p", async () => "x"),
      (e: unknown) => hasErrorCode(e, "rate-limited"),
    );
    await advance(1_000);
    await assert.rejects(
      resilience.execute("p", async () => "x"),
      (e: unknown) => hasErrorCode(e, "unavailable") && e.details.reason === "bulkhead-full",
    );
    hold.resolve("done");
    assert.equal(await first.promise, "done");
  });

  it("holds the bulkhead slot through retries and their backoff", async () => {
    const resilience = new ResilienceOrchestrator({
      now: fakeNow,
      policies: {
        p: { bulkhead: { maxConcurrent: 1, maxQueue: 1 }, retry: { initialIntervalMs: 100, jitter: "none" } },
      },
    });
    const log: string[] = [];
    let failures = 1;
    const first = track(
      resilience.execute("p", async () => {
        log.push(`first@${Date.now()}`);
        if (failures-- > 0) throw new AllFrameError("unavailable", "blip");
        return "first";
      }),
    );
    const second = track(
      resilience.execute("p", async () => {
        log.push(`second@${Date.now()}`);
        return "second";
      }),
    );
    await advance(99);
    assert.deepEqual(log, ["first@0"], "the second call waits while the first sleeps before its retry");
    await advance(1);
    assert.equal(await first.promise, "first");
    assert.equal(await second.promise, "second");
    assert.deepEqual(log, ["first@0", "first@100", "second@100"]);
  });

  it("puts the breaker inside retry: every attempt counts, and an open breaker ends the retries", async () => {
    const resilience = new ResilienceOrchestrator({
      now: fakeNow,
      policies: {
        p: {
          retry: { maxAttempts: 3, initialIntervalMs: 10, maxIntervalMs: 1_000, jitter: "none" },
          circuitBreaker: { failureThreshold: 3, openTimeoutMs: 30_000 },
        },
      },
    });
    let attempts = 0;
    const operation = () => {
      attempts += 1;
      return down();
    };
    const call = track(resilience.execute("p", operation));
    await advance(10);
    await advance(20);
    await assert.rejects(call.promise, /down/);
    assert.equal(attempts, 3);
    assert.equal(resilience.circuitBreaker("p")?.state, "open", "one call's three attempts opened it");
    // The open breaker asks for 30 s, more than maxIntervalMs: the retry gives up at once.
    await assert.rejects(
      resilience.execute("p", operation),
      (e: unknown) => hasErrorCode(e, "unavailable") && e.details.reason === "circuit-open",
    );
    assert.equal(attempts, 3);
  });

  it("puts the timeout innermost: each attempt gets the full timeout, and timeouts open the breaker", async () => {
    const resilience = new ResilienceOrchestrator({
      now: fakeNow,
      policies: {
        p: {
          retry: { maxAttempts: 2, initialIntervalMs: 10, jitter: "none" },
          circuitBreaker: { failureThreshold: 2 },
          timeout: { timeoutMs: 50 },
        },
      },
    });
    const started: number[] = [];
    const call = track(
      resilience.execute("p", (signal) => {
        started.push(Date.now());
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      }),
    );
    await advance(50);
    await advance(10);
    assert.deepEqual(started, [0, 60]);
    await advance(49);
    assert.equal(call.state(), "pending", "the second attempt has its own 50 ms");
    await advance(1);
    await assert.rejects(call.promise, (e: unknown) => hasErrorCode(e, "timeout"));
    assert.equal(resilience.circuitBreaker("p")?.state, "open");
  });
});

describe("ResilienceOrchestrator policies", () => {
  it("names the registered policies when asked for an unknown one", async () => {
    const resilience = new ResilienceOrchestrator({ policies: { payments: {}, inventory: {} } });
    await assert.rejects(
      resilience.execute("paymnets", async () => 1),
      (e: unknown) =>
        hasErrorCode(e, "configuration") &&
        /no resilience policy named "paymnets" \(registered: "payments", "inventory"\)/.test(e.message),
    );
  });

  it("refuses to register a name twice, and an invalid policy", () => {
    const resilience = new ResilienceOrchestrator({ policies: { payments: {} } });
    assert.throws(() => resilience.register("payments", {}), /registered twice/);
    assert.throws(
      () => resilience.register("orders", { retry: { maxAttempts: 0 } }),
      (e: unknown) => hasErrorCode(e, "configuration") && /retry\.maxAttempts/.test(e.message),
    );
  });

  it("keeps state per registered name and per inline policy object", async () => {
    const resilience = new ResilienceOrchestrator({
      policies: { a: { circuitBreaker: { failureThreshold: 1 } } },
    });
    const inline = { circuitBreaker: { failureThreshold: 1 } };
    await assert.rejects(resilience.execute("a", down));
    assert.equal(resilience.circuitBreaker("a")?.state, "open");
    assert.equal(resilience.circuitBreaker(inline)?.state, "closed");
    await assert.rejects(resilience.execute(inline, down));
    assert.equal(resilience.circuitBreaker(inline)?.state, "open");
    assert.equal(resilience.circuitBreaker({ circuitBreaker: { failureThreshold: 1 } })?.state, "closed");
  });

  it("reports breaker state changes with the policy name", async () => {
    const changes: CircuitStateChange[] = [];
    const resilience = new ResilienceOrchestrator({
      now: () => 5,
      onStateChange: (change) => changes.push(change),
      policies: { "payment-gateway": { circuitBreaker: { failureThreshold: 1 } } },
    });
    await assert.rejects(resilience.execute("payment-gateway", down));
    assert.deepEqual(changes, [{ name: "payment-gateway", from: "closed", to: "open", atMs: 5 }]);
  });

  it("does not count a call the caller cancelled against the dependency", async () => {
    const resilience = new ResilienceOrchestrator({
      policies: { p: { circuitBreaker: { failureThreshold: 1 } } },
    });
    const caller = new AbortController();
    const call = resilience.execute(
      "p",
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(new Error("socket closed"))),
        ),
      { signal: caller.signal },
    );
    caller.abort(new Error("client went away"));
    await assert.rejects(call, /socket closed/);
    assert.equal(resilience.circuitBreaker("p")?.state, "closed");
  });

  it("hands the caller's signal to the operation when there is no timeout", async () => {
    const resilience = new ResilienceOrchestrator();
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    await resilience.execute(
      {},
      async (signal) => {
        seen = signal;
      },
      { signal: caller.signal },
    );
    assert.equal(seen, caller.signal);
    let fallback: AbortSignal | undefined;
    await resilience.execute({}, async (signal) => {
      fallback = signal;
    });
    assert.equal(fallback?.aborted, false);
  });
});
