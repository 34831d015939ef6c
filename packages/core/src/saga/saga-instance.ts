/**
 * The saved state of one saga run, and its log. The state is a left fold of the log
 * (`replay-saga-log.ts`): the orchestrator appends one entry per save and derives the state from it,
 * so replaying the log gives back the stored instance exactly.
 * @module
 */

/** `running` → `completed`; or `running` → `compensating` → `compensated` | `failed`. */
export type SagaStatus = "running" | "completed" | "compensating" | "compensated" | "failed";

/** How a step's or compensation's run ended. */
export type SagaActionOutcome = "started" | "succeeded" | "failed" | "timed-out";

/**
 * A saga-level entry. `started` carries the instance id, saga name and initial context; `resumed` marks
 * a `recover()` taking the instance over; `timed-out` means the overall deadline passed between steps
 * (e.g. while the process was down); the last three end the saga.
 */
export type SagaLifecycleEntry =
  | {
      readonly at: string;
      readonly action: "saga";
      readonly outcome: "started";
      readonly sagaId: string;
      readonly saga: string;
      readonly context: unknown;
    }
  | { readonly at: string; readonly action: "saga"; readonly outcome: "resumed" }
  | { readonly at: string; readonly action: "saga"; readonly outcome: "timed-out"; readonly error: string }
  | {
      readonly at: string;
      readonly action: "saga";
      readonly outcome: "completed" | "compensated" | "failed";
    };

/** A forward step's entry. `output` (on `succeeded`) is what the step merged into the context. */
export interface SagaStepLogEntry {
  readonly at: string;
  readonly action: "execute";
  readonly step: string;
  readonly outcome: SagaActionOutcome;
  /** On `started`: 1 for the first run, 2+ when re-run after a crash. */
  readonly attempt?: number;
  readonly output?: unknown;
  readonly error?: string;
}

/** A compensation's entry; `step` names the step it undoes, `compensation` the compensation itself. */
export interface SagaCompensationLogEntry {
  readonly at: string;
  readonly action: "compensate";
  readonly step: string;
  readonly compensation: string;
  readonly outcome: SagaActionOutcome;
  /** On `started`: 1 for the first run, 2+ when re-run after a crash. */
  readonly attempt?: number;
  readonly error?: string;
}

/** One line of a saga's audit log; `at` is ISO 8601 (the orchestrator's Clock). */
export type SagaLogEntry = SagaLifecycleEntry | SagaStepLogEntry | SagaCompensationLogEntry;

/** One run of a saga. `context` is the initial context with every completed step's output merged in. */
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
  /**
   * How many times the instance has been saved: 1 when created, +1 per save (the orchestrator saves
   * once per log entry, so it equals `log.length`). The stores' optimistic-concurrency token.
   */
  revision: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601, set with a final status. */
  finishedAt?: string;
  /** Why the saga did not complete: the failed step's error, then any failed compensations'. */
  error?: string;
}
