/**
 * Drives one saga instance from whatever state it was saved in to a final status: the forward steps
 * not yet completed, then, after a failure or the deadline, the compensations not yet finished. Both a
 * fresh start and a recovery after a crash run through here, so they obey the same rules.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Clock } from "../runtime/clock.ts";
import { applySagaLogEntry } from "./replay-saga-log.ts";
import { messageOf, runAbortable } from "./run-abortable.ts";
import type { SagaDefinition, SagaStep, SagaStepInfo } from "./saga-definition.ts";
import type { SagaInstance, SagaLogEntry, SagaStatus } from "./saga-instance.ts";
import type { SagaStateStore } from "./saga-state-store.ts";

/** A pino-compatible logger; only these three methods are used. */
export interface SagaLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the runner needs from its orchestrator. */
export interface SagaRunnerDeps {
  readonly store: SagaStateStore;
  readonly clock: Clock;
  readonly logger?: SagaLogger | undefined;
  readonly onStatusChange?: SagaStatusListener | undefined;
}

/**
 * Told after a save that changed an instance's status (`previous` is undefined when it was just
 * started), e.g. to publish `OrderStatusChanged`. It is awaited before the run goes on; what it throws
 * is logged and does not change the saga.
 */
export type SagaStatusListener = (
  instance: SagaInstance,
  previous: SagaStatus | undefined,
) => Promise<void> | void;

type NewEntry = SagaLogEntry extends infer E ? (E extends SagaLogEntry ? Omit<E, "at"> : never) : never;

/**
 * Holds the instance being driven; every change is one log entry, applied with `applySagaLogEntry` and
 * saved before the runner goes on (so the store always holds a prefix of what happened).
 */
export class SagaRunner<Ctx> {
  #state: SagaInstance<Ctx> | undefined;
  readonly #def: SagaDefinition<Ctx>;
  readonly #deps: SagaRunnerDeps;

  constructor(def: SagaDefinition<Ctx>, state: SagaInstance<Ctx> | undefined, deps: SagaRunnerDeps) {
    this.#def = def;
    this.#state = state;
    this.#deps = deps;
  }

  /** The current state. */
  get state(): SagaInstance<Ctx> {
    if (this.#state === undefined) throw new AllFrameError("internal", "the saga runner has no instance yet");
    return this.#state;
  }

  /**
   * Appends `entry` (stamped with the Clock), saves the new state, and returns it.
   * @throws AllFrameError `"concurrency"` when another orchestrator saved the instance in between.
   */
  async record(entry: NewEntry): Promise<SagaInstance<Ctx>> {
    const next = applySagaLogEntry(this.#state, { at: this.#deps.clock.now().toISOString(), ...entry });
    await this.#deps.store.save(next as SagaInstance);
    const previous = this.#state?.status;
    this.#state = next;
    const { onStatusChange, logger } = this.#deps;
    if (onStatusChange !== undefined && previous !== next.status) {
      try {
        await onStatusChange(next as SagaInstance, previous);
      } catch (error) {
        logger?.warn(
          { saga: next.saga, sagaId: next.id, status: next.status, err: error },
          "saga status listener failed",
        );
      }
    }
    return next;
  }

  /** Runs to a final status and returns the final state; throws only what the store throws. */
  async run(): Promise<SagaInstance<Ctx>> {
    if (this.state.status === "running") await this.#forward();
    if (this.state.status === "compensating") await this.#compensate();
    return this.state;
  }

  async #forward(): Promise<void> {
    const { clock, logger } = this.#deps;
    const { name, timeoutMs } = this.#def;
    const overall = new AbortController();
    const timedOut = () => new AllFrameError("timeout", `saga "${name}" timed out after ${timeoutMs} ms`);
    let deadline: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs !== undefined) {
      const left = Date.parse(this.state.startedAt) + timeoutMs - clock.now().getTime();
      if (left <= 0) overall.abort(timedOut());
      else {
        deadline = setTimeout(() => overall.abort(timedOut()), left);
        // A deadline alone must not keep the process alive at shutdown: an unfinished saga is resumed by
        // `recover()`, and its deadline still counts from `startedAt`.
        (deadline as { unref?: () => void }).unref?.();
      }
    }
    try {
      for (const step of this.#def.steps.slice(this.state.completedSteps.length)) {
        if (overall.signal.aborted) {
          await this.record({
            action: "saga",
            outcome: "timed-out",
            error: messageOf(overall.signal.reason),
          });
          return;
        }
        const info = this.#info(step.name, "execute", `${this.state.id}:${step.name}`);
        await this.record({ action: "execute", step: step.name, outcome: "started", attempt: info.attempt });
        const outcome = await runAbortable((signal) => step.execute(this.state.context, signal, info), {
          timeoutMs: step.timeoutMs,
          parent: overall.signal,
          label: `step "${step.name}"`,
        });
        if (outcome.ok) {
          const output = outcome.value === undefined ? {} : { output: jsonCopy(outcome.value) };
          await this.record({ action: "execute", step: step.name, outcome: "succeeded", ...output });
          continue;
        }
        const error = messageOf(outcome.error);
        const result = outcome.aborted ? "timed-out" : "failed";
        await this.record({ action: "execute", step: step.name, outcome: result, error });
        logger?.warn(
          { saga: name, sagaId: this.state.id, step: step.name, err: outcome.error },
          "saga step failed",
        );
        return;
      }
    } finally {
      clearTimeout(deadline);
    }
    await this.record({ action: "saga", outcome: "completed" });
    logger?.info({ saga: name, sagaId: this.state.id }, "saga completed");
  }

  async #compensate(): Promise<void> {
    const steps = new Map(this.#def.steps.map((s): [string, SagaStep<Ctx>] => [s.name, s]));
    const finished = new Set(
      this.state.log.flatMap((e) => (e.action === "compensate" && e.outcome !== "started" ? [e.step] : [])),
    );
    for (const name of [...this.state.completedSteps].reverse()) {
      const step = steps.get(name);
      const compensation = step?.compensation;
      if (compensation === undefined || finished.has(name)) continue;
      const info = this.#info(name, "compensate", `${this.state.id}:${name}:${compensation.name}`);
      const entry = { action: "compensate", step: name, compensation: compensation.name } as const;
      await this.record({ ...entry, outcome: "started", attempt: info.attempt });
      const outcome = await runAbortable((signal) => compensation.run(this.state.context, signal, info), {
        timeoutMs: step?.timeoutMs,
        label: `compensation "${compensation.name}"`,
      });
      if (outcome.ok) {
        await this.record({ ...entry, outcome: "succeeded" });
        continue;
      }
      const error = messageOf(outcome.error);
      await this.record({ ...entry, outcome: outcome.aborted ? "timed-out" : "failed", error });
      this.#deps.logger?.error(
        { saga: this.#def.name, sagaId: this.state.id, step: name, err: outcome.error },
        "compensation failed",
      );
    }
    const anyFailed = this.state.log.some(
      (e) => e.action === "compensate" && (e.outcome === "failed" || e.outcome === "timed-out"),
    );
    await this.record({ action: "saga", outcome: anyFailed ? "failed" : "compensated" });
  }

  #info(step: string, action: "execute" | "compensate", idempotencyKey: string): SagaStepInfo {
    const starts = this.state.log.filter(
      (e) => e.action === action && e.step === step && e.outcome === "started",
    ).length;
    return { sagaId: this.state.id, saga: this.#def.name, step, idempotencyKey, attempt: starts + 1 };
  }
}

/**
 * A JSON round-trip of `value`, so a fresh run sees the context exactly as a recovered run will
 * (dates as strings, no `undefined` members).
 */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
