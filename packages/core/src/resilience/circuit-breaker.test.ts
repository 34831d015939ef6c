import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { CircuitBreaker, type CircuitBreakerState, type CircuitStateChange } from "./circuit-breaker.ts";
import { settle, track } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";
import { definePolicy } from "./policy.ts";
import { nowFromClock } from "./time-source.ts";

const policy = definePolicy({
  name: "payments",
  circuitBreaker: { failureThreshold: 3, successThreshold: 2, openTimeoutMs: 1_000 },
});
const down = () => Promise.reject(new AllFrameError("unavailable", "provider down"));
const up = () => Promise.resolve("ok");

function setup() {
  const clock = new ManualClock(0);
  const changes: CircuitStateChange[] = [];
  const resilience = new ResilienceOrchestrator({
    now: nowFromClock(clock),
    onStateChange: (c) => changes.push(c),
  });
  let calls = 0;
  const run = (operation: () => Promise<string>) =>
    resilience.execute(policy, () => {
      calls += 1;
      return operation();
    });
  const breaker = resilience.circuitBreaker(policy);
  assert.ok(breaker);
  return { clock, changes, run, breaker, calls: () => calls };
}

async function open(t: ReturnType<typeof setup>): Promise<void> {
  for (let i = 0; i < 3; i++) await assert.rejects(t.run(down));
  assert.equal(t.breaker.state, "open");
}

describe("CircuitBreaker", () => {
  it("opens after failureThreshold failures in a row and then rejects without calling", async () => {
    const t = setup();
    await assert.rejects(t.run(down));
    await assert.rejects(t.run(down));
    assert.equal(t.breaker.state, "closed");
    await assert.rejects(t.run(down));
    assert.equal(t.breaker.state, "open");
    t.clock.advance(400);
    const rejection = await t.run(up).then(
      () => assert.fail("an open breaker must not call"),
      (error: unknown) => error,
    );
    assert.equal(t.calls(), 3);
    assert.ok(hasErrorCode(rejection, "unavailable"));
    assert.equal(rejection.details.reason, "circuit-open");
    assert.equal(rejection.details.retryAfterMs, 600);
    assert.match(rejection.message, /"payments" is open/);
  });

  it("counts only failures in a row, and only dependency failures", async () => {
    const t = setup();
    await assert.rejects(t.run(down));
    await assert.rejects(t.run(down));
    await t.run(up);
    await assert.rejects(t.run(down));
    await assert.rejects(t.run(down));
    await assert.rejects(t.run(() => Promise.reject(new AllFrameError("not-found", "no such order"))));
    assert.equal(t.breaker.state, "closed");
    await assert.rejects(t.run(down));
    assert.equal(t.breaker.state, "open");
  });

  it("half-opens exactly when openTimeoutMs has elapsed, not 1 ms before", async () => {
    const t = setup();
    await open(t);
    t.clock.advance(999);
    assert.equal(t.breaker.state, "open");
    await assert.rejects(
      t.run(up),
      (e: unknown) => hasErrorCode(e, "unavailable") && e.details.retryAfterMs === 1,
    );
    assert.equal(t.calls(), 3);
    t.clock.advance(1);
    assert.equal(t.breaker.state, "half-open");
    assert.equal(await t.run(up), "ok");
    assert.equal(t.calls(), 4);
  });

  it("lets a single probe through at a time while half-open", async () => {
    const t = setup();
    await open(t);
    t.clock.advance(1_000);
    const probe = Promise.withResolvers<string>();
    const first = track(t.run(() => probe.promise));
    await settle();
    await assert.rejects(
      t.run(up),
      (e: unknown) => hasErrorCode(e, "unavailable") && e.details.reason === "circuit-half-open",
    );
    assert.equal(t.calls(), 4, "the second call was rejected without calling");
    probe.resolve("ok");
    assert.equal(await first.promise, "ok");
    assert.equal(t.breaker.state, "half-open", "one success of two needed");
    assert.equal(await t.run(up), "ok", "the next call is the next probe");
  });

  it("closes after successThreshold successful probes", async () => {
    const t = setup();
    await open(t);
    t.clock.advance(1_000);
    await t.run(up);
    assert.equal(t.breaker.state, "half-open");
    await t.run(up);
    assert.equal(t.breaker.state, "closed");
    assert.deepEqual(
      t.changes.map((c) => [c.name, c.from, c.to, c.atMs]),
      [
        ["payments", "closed", "open", 0],
        ["payments", "open", "half-open", 1_000],
        ["payments", "half-open", "closed", 1_000],
      ],
    );
  });

  it("re-opens on a failed probe, for a fresh openTimeoutMs", async () => {
    const t = setup();
    await open(t);
    t.clock.advance(1_500);
    await assert.rejects(t.run(down));
    assert.equal(t.breaker.state, "open");
    t.clock.advance(999);
    assert.equal(t.breaker.state, "open");
    t.clock.advance(1);
    assert.equal(t.breaker.state, "half-open");
  });

  it("frees the probe slot when the probe is cancelled", async () => {
    const t = setup();
    await open(t);
    t.clock.advance(1_000);
    const aborted = new DOMException("caller went away", "AbortError");
    await assert.rejects(
      t.run(() => Promise.reject(aborted)),
      (e) => e === aborted,
    );
    assert.equal(t.breaker.state, "half-open");
    assert.equal(await t.run(up), "ok");
  });

  it("exports its state as data and restores it elsewhere, open time included", () => {
    const clock = new ManualClock(50_000);
    const breaker = new CircuitBreaker(policy.circuitBreaker ?? assert.fail(), {
      name: "a",
      now: nowFromClock(clock),
    });
    for (let i = 0; i < 3; i++) breaker.failed(breaker.admit());
    clock.advance(300);
    const saved: CircuitBreakerState = JSON.parse(JSON.stringify(breaker.exportState()));
    assert.deepEqual(saved, {
      state: "open",
      consecutiveFailures: 0,
      halfOpenSuccesses: 0,
      openRemainingMs: 700,
    });

    const otherClock = new ManualClock(7);
    const restored = new CircuitBreaker(policy.circuitBreaker ?? assert.fail(), {
      name: "b",
      now: nowFromClock(otherClock),
    });
    const changes: string[] = [];
    restored.onStateChange((c) => changes.push(`${c.from}->${c.to}`));
    restored.restoreState(saved);
    assert.deepEqual(changes, ["closed->open"]);
    assert.throws(() => restored.admit(), /another 700 ms/);
    otherClock.advance(699);
    assert.equal(restored.state, "open");
    otherClock.advance(1);
    assert.equal(restored.state, "half-open");

    const closed = new CircuitBreaker(policy.circuitBreaker ?? assert.fail(), {
      name: "c",
      now: nowFromClock(clock),
    });
    closed.failed(closed.admit());
    closed.failed(closed.admit());
    assert.deepEqual(closed.exportState(), {
      state: "closed",
      consecutiveFailures: 2,
      halfOpenSuccesses: 0,
      openRemainingMs: 0,
    });
  });

  it("refuses to restore something that is not a breaker state", () => {
    const breaker = new CircuitBreaker(policy.circuitBreaker ?? assert.fail(), { name: "a", now: () => 0 });
    const bad = { state: "ajar", consecutiveFailures: 0, halfOpenSuccesses: 0, openRemainingMs: 0 };
    assert.throws(
      () => breaker.restoreState(bad as never),
      (e: unknown) => hasErrorCode(e, "validation") && /expected the output of exportState/.test(e.message),
    );
    assert.equal(breaker.state, "closed");
  });

  it("unsubscribes a state listener", () => {
    const breaker = new CircuitBreaker(policy.circuitBreaker ?? assert.fail(), { name: "a", now: () => 0 });
    const seen: string[] = [];
    const stop = breaker.onStateChange((c) => seen.push(c.to));
    stop();
    for (let i = 0; i < 3; i++) breaker.failed(breaker.admit());
    assert.equal(breaker.state, "open");
    assert.deepEqual(seen, []);
  });
});
