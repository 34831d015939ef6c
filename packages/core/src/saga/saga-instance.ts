/**
 * The saved state of one saga run, as the orchestrator writes it after every step.
 * @module
 */

/** `running` → `completed`; or `running` → `compensating` → `compensated` | `failed`. */
export type SagaStatus = "running" | "completed" | "compensating" | "compensated" | "failed";

/** One line of a saga's audit log. */
export interface SagaLogEntry {
  /** ISO 8601 time of the entry. */
  readonly at: string;
  /** The step's name (also for its compensation). */
  readonly step: string;
  readonly action: "execute" | "compensate";
  readonly outcome: "started" | "succeeded" | "failed" | "timed-out";
  /** The compensation's own name, on `compensate` entries. */
  readonly compensation?: string;
  readonly error?: string;
}

/** One run of a saga. `context` is the initial context with every completed step's changes merged in. */
export interface SagaInstance<Ctx = unknown> {
  readonly id: string;
  readonly saga: string;
  status: SagaStatus;
  context: Ctx;
  /** Names of the steps that succeeded, in order. */
  completedSteps: string[];
  /** Names of the steps whose compensation succeeded, in the order compensated (reverse). */
  compensatedSteps: string[];
  log: SagaLogEntry[];
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601, set with a final status. */
  finishedAt?: string;
  /** Why the saga did not complete: the failed step's error, then any failed compensations'. */
  error?: string;
}
