import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import type { JobDefinition } from "./job.ts";
import { Scheduler } from "./scheduler.ts";

/** A job whose runs each wait for `release()`; `starts` counts runs begun. */
function gatedJob(over: Partial<JobDefinition> = {}) {
  const gates: (() => void)[] = [];
  const signals: AbortSignal[] = [];
  const job: JobDefinition = {
    name: "report",
    cron: "0 2 * * *",
    run: (signal) =>
      new Promise<void>((resolve, reject) => {
        signals.push(signal);
        gates.push(resolve);
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
    ...over,
  };
  const releaseNext = async () => {
    for (let i = 0; i < 5 && gates.length === 0; i++) await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  };
  return { job, signals, releaseNext, starts: () => signals.length };
}

const newScheduler = (over: { historyLimit?: number; clock?: ManualClock } = {}) =>
  new Scheduler({
    clock: over.clock ?? new ManualClock(Date.UTC(2025, 0, 15, 12)),
    ids: sequentialIds("run"),
    ...over,
  });

describe("Scheduler", () => {
  test("validates jobs", async () => {
    const scheduler = newScheduler();
    const invalid = (field: string) => (e: unknown) =>
      hasErrorCode(e, "validation") && e.issues[0]?.path[1] === field;
    const run = async () => {};
    assert.throws(() => scheduler.register({ name: "a", cron: "61 * * * *", run }), invalid("cron"));
    assert.throws(() => scheduler.register({ name: "a", cron: "not cron", run }), invalid("cron"));
    assert.throws(
      () => scheduler.register({ name: "a", cron: "* * * * *", timezone: "Mars/Olympus", run }),
      invalid("timezone"),
    );
    assert.throws(
      () => scheduler.register({ name: "a", cron: "* * * * *", overlap: "x" as "skip", run }),
      invalid("overlap"),
    );
    assert.throws(
      () => scheduler.register({ name: "a", cron: "* * * * *", timeoutMs: 0, run }),
      invalid("timeoutMs"),
    );
    scheduler.register({ name: "a", cron: "* * * * *", run });
    assert.throws(
      () => scheduler.register({ name: "a", cron: "* * * * *", run }),
      (e) => hasErrorCode(e, "conflict"),
    );
    await assert.rejects(scheduler.trigger("missing"), (e) => hasErrorCode(e, "not-found"));
  });

  test("a manual trigger runs the job and records it; a failure is a failed run, not an exception", async () => {
    const errors: string[] = [];
    const clock = new ManualClock(Date.UTC(2025, 0, 15, 12));
    const scheduler = new Scheduler({
      clock,
      ids: sequentialIds("run"),
      logger: { info() {}, warn() {}, error: (_o, m) => errors.push(m ?? "") },
    });
    scheduler.register({ name: "ok", cron: "@daily", run: async () => clock.advance(1500) });
    scheduler.register({ name: "bad", cron: "@daily", run: () => Promise.reject(new Error("db down")) });
    const ok = await scheduler.trigger("ok");
    assert.deepEqual(ok, {
      id: "run-1",
      job: "ok",
      trigger: "manual",
      status: "succeeded",
      startedAt: "2025-01-15T12:00:00.000Z",
      finishedAt: "2025-01-15T12:00:01.500Z",
    });
    const bad = await scheduler.trigger("bad", "schedule");
    assert.deepEqual([bad.status, bad.trigger, bad.error], ["failed", "schedule", "db down"]);
    assert.deepEqual(
      scheduler.history().map((r) => `${r.job}:${r.status}`),
      ["ok:succeeded", "bad:failed"],
    );
    assert.deepEqual(
      scheduler.history("bad").map((r) => r.id),
      ["run-2"],
    );
    assert.deepEqual(errors, ["job run failed"]);
  });

  test('overlap "skip" (the default) records a skipped run while one is in progress', async () => {
    const scheduler = newScheduler();
    const gated = gatedJob();
    scheduler.register(gated.job);
    const first = scheduler.trigger("report");
    const second = await scheduler.trigger("report", "schedule");
    assert.deepEqual([second.status, second.error], ["skipped", "previous run still running"]);
    assert.equal(scheduler.jobs()[0]?.running, 1);
    await gated.releaseNext();
    assert.equal((await first).status, "succeeded");
    assert.equal(gated.starts(), 1);
    assert.deepEqual(
      scheduler.history().map((r) => r.status),
      ["succeeded", "skipped"],
    );
  });

  test('overlap "queue" runs waiting triggers one after another, in order', async () => {
    const scheduler = newScheduler();
    const gated = gatedJob({ overlap: "queue" });
    scheduler.register(gated.job);
    const runs = [
      scheduler.trigger("report"),
      scheduler.trigger("report", "schedule"),
      scheduler.trigger("report"),
    ];
    assert.equal(gated.starts(), 1);
    assert.equal(scheduler.jobs()[0]?.running, 1);
    await gated.releaseNext();
    await gated.releaseNext();
    assert.equal(gated.starts(), 2);
    await gated.releaseNext();
    const done = await Promise.all(runs);
    assert.deepEqual(
      done.map((r) => `${r.trigger}:${r.status}`),
      ["manual:succeeded", "schedule:succeeded", "manual:succeeded"],
    );
    assert.equal(gated.starts(), 3);
    assert.equal(scheduler.jobs()[0]?.running, 0);
  });

  test('overlap "allow" runs triggers side by side', async () => {
    const scheduler = newScheduler();
    const gated = gatedJob({ overlap: "allow" });
    scheduler.register(gated.job);
    const runs = [scheduler.trigger("report"), scheduler.trigger("report")];
    assert.equal(gated.starts(), 2);
    assert.equal(scheduler.jobs()[0]?.running, 2);
    await gated.releaseNext();
    await gated.releaseNext();
    assert.deepEqual(
      (await Promise.all(runs)).map((r) => r.status),
      ["succeeded", "succeeded"],
    );
  });

  test("a run past its timeout is timed-out and its signal aborted", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const warnings: string[] = [];
    const scheduler = new Scheduler({
      ids: sequentialIds("run"),
      logger: { info() {}, warn: (_o, m) => warnings.push(m ?? ""), error() {} },
    });
    const gated = gatedJob({ timeoutMs: 30_000 });
    scheduler.register(gated.job);
    const run = scheduler.trigger("report");
    t.mock.timers.tick(29_999);
    assert.equal(gated.signals[0]?.aborted, false);
    t.mock.timers.tick(1);
    const done = await run;
    assert.equal(done.status, "timed-out");
    assert.equal(done.error, 'job "report" timed out after 30000 ms');
    assert.equal(gated.signals[0]?.aborted, true);
    assert.ok(hasErrorCode(gated.signals[0]?.reason, "timeout"));
    assert.deepEqual(warnings, ["job run timed out"]);
  });

  test("history keeps the newest historyLimit runs per job", async () => {
    const scheduler = newScheduler({ historyLimit: 2 });
    scheduler.register({ name: "a", cron: "@hourly", run: async () => {} });
    scheduler.register({ name: "b", cron: "@hourly", run: async () => {} });
    for (const name of ["a", "b", "a", "a"]) await scheduler.trigger(name);
    assert.deepEqual(
      scheduler.history("a").map((r) => r.id),
      ["run-3", "run-4"],
    );
    assert.deepEqual(
      scheduler.history().map((r) => r.id),
      ["run-2", "run-3", "run-4"],
    );
  });

  test("nextRunAt reads the pattern in the job's time zone, from the clock's now", () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 15, 12));
    const scheduler = newScheduler({ clock });
    const run = async () => {};
    scheduler.register({ name: "ny", cron: "0 9 * * *", timezone: "America/New_York", run });
    scheduler.register({ name: "utc", cron: "0 9 * * *", run });
    scheduler.register({ name: "past", cron: "0 0 0 1 1 * 2020", run });
    const next = () => Object.fromEntries(scheduler.jobs().map((j) => [j.name, [j.timezone, j.nextRunAt]]));
    assert.deepEqual(next(), {
      ny: ["America/New_York", "2025-01-15T14:00:00.000Z"],
      utc: ["UTC", "2025-01-16T09:00:00.000Z"],
      past: ["UTC", null],
    });
    clock.set(Date.UTC(2025, 6, 15, 12));
    assert.equal(next().ny?.[1], "2025-07-15T13:00:00.000Z", "summer time moves the UTC instant");
  });

  test("stop aborts and awaits runs in progress, skips queued and new triggers", async () => {
    const scheduler = newScheduler();
    const gated = gatedJob({ overlap: "queue" });
    scheduler.register(gated.job);
    const running = scheduler.trigger("report");
    const queued = scheduler.trigger("report");
    const stopping = scheduler.stop();
    assert.equal((await scheduler.trigger("report")).error, "scheduler is stopping");
    await stopping;
    assert.equal(gated.signals[0]?.aborted, true);
    assert.deepEqual([(await running).status, (await running).error], ["failed", "scheduler stopped"]);
    assert.deepEqual([(await queued).status, (await queued).error], ["skipped", "scheduler stopped"]);
    assert.equal(gated.starts(), 1);
    assert.equal(scheduler.jobs()[0]?.running, 0);
  });

  test("start arms croner timers that trigger scheduled runs; stop disarms them", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: Date.UTC(2025, 0, 15, 12, 0, 0, 500) });
    const scheduler = new Scheduler({ ids: sequentialIds("run") });
    scheduler.register({ name: "tick", cron: "* * * * * *", run: async () => {} });
    scheduler.start();
    scheduler.start();
    const settle = () => new Promise((r) => setImmediate(r));
    t.mock.timers.tick(500);
    await settle();
    t.mock.timers.tick(1000);
    await settle();
    await scheduler.stop();
    t.mock.timers.tick(5000);
    const runs = scheduler.history("tick");
    assert.deepEqual(
      runs.map((r) => [r.trigger, r.status, r.startedAt]),
      [
        ["schedule", "succeeded", "2025-01-15T12:00:01.000Z"],
        ["schedule", "succeeded", "2025-01-15T12:00:02.000Z"],
      ],
    );
  });
});
