/**
 * Scheduled jobs and their runs (seed 000's `scheduled` service type; overlap policies after
 * Kubernetes CronJob's `concurrencyPolicy`: Forbid = skip, Allow = allow, plus a FIFO queue).
 * @module
 */

/** The overlap policies, for validation. */
export const OVERLAP_POLICIES = ["skip", "queue", "allow"] as const;

/**
 * What a trigger does while a run of the same job is in progress: `skip` records a `skipped` run,
 * `queue` waits and runs after the runs before it (FIFO, unbounded), `allow` runs at once alongside.
 */
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** A job: when it runs and what it does. */
export interface JobDefinition {
  /** Unique among the scheduler's jobs. */
  readonly name: string;
  /** A croner pattern: 5 fields (minute precision), 6 (with seconds) or 7 (with year), or `@daily` etc. */
  readonly cron: string;
  /** IANA time zone the pattern is read in; default `"UTC"`. */
  readonly timezone?: string;
  /** Deadline of one run in milliseconds; none by default. The run's signal aborts when it passes. */
  readonly timeoutMs?: number;
  /** Default `"skip"`. */
  readonly overlap?: OverlapPolicy;
  /** The work. Should stop promptly when `signal` aborts (timeout or scheduler stop). */
  run(signal: AbortSignal): Promise<void>;
}

/** The status of one run. */
export type JobRunStatus = "running" | "succeeded" | "failed" | "timed-out" | "skipped";

/** One run of a job, as kept in the scheduler's history. */
export interface JobRun {
  readonly id: string;
  readonly job: string;
  readonly trigger: "schedule" | "manual";
  readonly status: JobRunStatus;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601; absent while running. */
  readonly finishedAt?: string;
  /** Why it failed, timed out or was skipped. */
  readonly error?: string;
}

/** One registered job as `Scheduler.jobs()` describes it. */
export interface JobInfo {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  /** ISO 8601 time of the next scheduled run after the clock's now, or `null` when there is none. */
  readonly nextRunAt: string | null;
  /** How many runs are in progress. */
  readonly running: number;
}
