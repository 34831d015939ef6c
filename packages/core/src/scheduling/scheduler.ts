/**
 * A cron scheduler on `croner`, with overlap policies, per-run deadlines, history and graceful stop
 * (seed 000's `scheduled` service type).
 * @module
 */
import { Cron } from "croner";
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import { messageOf, runAbortable } from "../saga/run-abortable.ts";
import {
  type JobDefinition,
  type JobInfo,
  type JobRun,
  OVERLAP_POLICIES,
  type OverlapPolicy,
} from "./job.ts";

/** A pino-compatible logger; only these three methods are used. */
interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Construction options of `Scheduler`. */
export interface SchedulerOptions {
  /** Timestamps runs and is the "now" of `jobs().nextRunAt`; default the wall clock. */
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Runs kept per job, oldest dropped first; default 100. */
  readonly historyLimit?: number;
  readonly logger?: Logger;
}

type Trigger = JobRun["trigger"];

interface Job {
  readonly def: JobDefinition;
  readonly timezone: string;
  readonly overlap: OverlapPolicy;
  /** Paused; only evaluates the pattern. */
  readonly pattern: Cron;
  timer: Cron | undefined;
  readonly running: Map<string, { controller: AbortController; done: Promise<JobRun> }>;
  readonly queue: { trigger: Trigger; resolve: (run: JobRun) => void }[];
  readonly history: { seq: number; run: JobRun }[];
}

/**
 * Runs registered jobs on their cron schedules once started, and on demand through `trigger`. Every
 * trigger, scheduled or manual, goes through the job's overlap policy and ends up in its history.
 *
 * @example
 * const scheduler = new Scheduler();
 * scheduler.register({ name: "nightly-report", cron: "0 2 * * *", timezone: "Europe/Paris", run: report });
 * scheduler.start();
 * // on shutdown:
 * await scheduler.stop();
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #historyLimit: number;
  readonly #logger: Logger | undefined;
  readonly #jobs = new Map<string, Job>();
  #started = false;
  #stopping = false;
  #seq = 0;

  constructor(opts: SchedulerOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#historyLimit = opts.historyLimit ?? 100;
    if (!Number.isInteger(this.#historyLimit) || this.#historyLimit < 1) {
      throw new AllFrameError(
        "validation",
        `historyLimit must be an integer >= 1, got ${this.#historyLimit}`,
      );
    }
    this.#logger = opts.logger;
  }

  /**
   * Adds a job; armed at once if the scheduler is started.
   * @throws AllFrameError `"validation"` for an empty name, an invalid cron pattern or time zone, an
   *   unknown overlap policy or a non-positive timeout; `"conflict"` for a taken name.
   */
  register(job: JobDefinition): void {
    const timezone = job.timezone ?? "UTC";
    const overlap = job.overlap ?? "skip";
    if (typeof job.name !== "string" || job.name.length === 0)
      throw invalid(job, "name must be a non-empty string", "name");
    if (this.#jobs.has(job.name))
      throw new AllFrameError("conflict", `job "${job.name}" is already registered`);
    try {
      new Intl.DateTimeFormat("en", { timeZone: timezone });
    } catch {
      throw invalid(job, `unknown IANA time zone "${timezone}"`, "timezone");
    }
    if (!OVERLAP_POLICIES.includes(overlap))
      throw invalid(job, `overlap must be one of ${OVERLAP_POLICIES.join(", ")}`, "overlap");
    if (job.timeoutMs !== undefined && !(job.timeoutMs > 0))
      throw invalid(job, "timeoutMs must be > 0", "timeoutMs");
    let pattern: Cron;
    try {
      pattern = new Cron(job.cron, { timezone, paused: true });
    } catch (error) {
      throw invalid(job, `invalid cron pattern "${job.cron}": ${messageOf(error)}`, "cron");
    }
    const entry: Job = {
      def: job,
      timezone,
      overlap,
      pattern,
      timer: undefined,
      running: new Map(),
      queue: [],
      history: [],
    };
    this.#jobs.set(job.name, entry);
    if (this.#started) this.#arm(entry);
  }

  /** Arms a croner timer for every job (and every job registered later). Idempotent. */
  start(): void {
    this.#started = true;
    for (const job of this.#jobs.values()) this.#arm(job);
  }

  /**
   * Disarms every timer, resolves queued triggers as `skipped`, aborts the signal of every run in
   * progress and waits for them to end (a run that ignores its signal is recorded `failed` at once and
   * left behind). Triggers during the stop are `skipped`. `start()` may be called again afterwards.
   */
  async stop(): Promise<void> {
    this.#started = false;
    this.#stopping = true;
    try {
      const done: Promise<JobRun>[] = [];
      for (const job of this.#jobs.values()) {
        job.timer?.stop();
        job.timer = undefined;
        for (const queued of job.queue.splice(0))
          queued.resolve(this.#skipped(job, queued.trigger, "scheduler stopped"));
        for (const run of job.running.values()) {
          run.controller.abort(new AllFrameError("unavailable", "scheduler stopped"));
          done.push(run.done);
        }
      }
      await Promise.all(done);
    } finally {
      this.#stopping = false;
    }
  }

  /**
   * Runs `name` now, through its overlap policy, and resolves with the finished run (or the `skipped`
   * one). Never rejects for a failing job: the failure is in the run.
   * @throws AllFrameError `"not-found"` for an unknown job.
   */
  async trigger(name: string, trigger: Trigger = "manual"): Promise<JobRun> {
    const job = this.#job(name);
    if (this.#stopping) return this.#skipped(job, trigger, "scheduler is stopping");
    if (job.running.size > 0 && job.overlap === "skip")
      return this.#skipped(job, trigger, "previous run still running");
    if (job.running.size > 0 && job.overlap === "queue") {
      return new Promise((resolve) => job.queue.push({ trigger, resolve }));
    }
    return this.#run(job, trigger);
  }

  /** Runs of one job, or of all jobs, oldest first (at most `historyLimit` per job). */
  history(name?: string): JobRun[] {
    const jobs = name === undefined ? [...this.#jobs.values()] : [this.#job(name)];
    return jobs
      .flatMap((j) => j.history)
      .sort((a, b) => a.seq - b.seq)
      .map((h) => ({ ...h.run }));
  }

  /** Every registered job with its next scheduled run (from the clock's now) and runs in progress. */
  jobs(): JobInfo[] {
    const now = this.#clock.now();
    return [...this.#jobs.values()].map((j) => ({
      name: j.def.name,
      cron: j.def.cron,
      timezone: j.timezone,
      nextRunAt: j.pattern.nextRun(now)?.toISOString() ?? null,
      running: j.running.size,
    }));
  }

  #job(name: string): Job {
    const job = this.#jobs.get(name);
    if (!job) throw new AllFrameError("not-found", `no job named "${name}"`);
    return job;
  }

  #arm(job: Job): void {
    if (job.timer) return;
    job.timer = new Cron(job.def.cron, { timezone: job.timezone }, () => {
      void this.trigger(job.def.name, "schedule");
    });
  }

  #run(job: Job, trigger: Trigger): Promise<JobRun> {
    const controller = new AbortController();
    const started = this.#record(job, {
      id: this.#ids(),
      job: job.def.name,
      trigger,
      status: "running",
      startedAt: this.#now(),
    });
    const done = (async (): Promise<JobRun> => {
      const outcome = await runAbortable((signal) => job.def.run(signal), {
        timeoutMs: job.def.timeoutMs,
        parent: controller.signal,
        label: `job "${job.def.name}"`,
      });
      const status = outcome.ok
        ? "succeeded"
        : outcome.aborted && hasErrorCode(outcome.error, "timeout")
          ? "timed-out"
          : "failed";
      const finished: JobRun = {
        ...started.run,
        status,
        finishedAt: this.#now(),
        ...(outcome.ok ? {} : { error: messageOf(outcome.error) }),
      };
      started.run = finished;
      job.running.delete(finished.id);
      if (!outcome.ok) {
        const log = { job: job.def.name, runId: finished.id, err: outcome.error };
        if (status === "timed-out") this.#logger?.warn(log, "job run timed out");
        else this.#logger?.error(log, "job run failed");
      }
      const next = job.queue.shift();
      if (next) void this.#run(job, next.trigger).then(next.resolve);
      return { ...finished };
    })();
    job.running.set(started.run.id, { controller, done });
    return done;
  }

  #skipped(job: Job, trigger: Trigger, reason: string): JobRun {
    const now = this.#now();
    const run: JobRun = {
      id: this.#ids(),
      job: job.def.name,
      trigger,
      status: "skipped",
      startedAt: now,
      finishedAt: now,
      error: reason,
    };
    this.#record(job, run);
    this.#logger?.info({ job: job.def.name, runId: run.id, reason }, "job run skipped");
    return { ...run };
  }

  #record(job: Job, run: JobRun): { seq: number; run: JobRun } {
    const entry = { seq: ++this.#seq, run };
    job.history.push(entry);
    if (job.history.length > this.#historyLimit)
      job.history.splice(0, job.history.length - this.#historyLimit);
    return entry;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

function invalid(job: JobDefinition, message: string, key: string): AllFrameError {
  return new AllFrameError("validation", `job "${job.name}": ${message}`, {
    issues: [{ path: [job.name, key], message }],
  });
}
