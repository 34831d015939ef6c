/**
 * Runs sagas: steps forward in order, and on a failure or timeout the completed steps' compensations
 * in reverse (seed 001, "CQRS Infrastructure" phase 5, Saga Orchestration; seed 000's
 * `CreateOrderSaga`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { messageOf, runAbortable } from "./run-abortable.ts";
import type { SagaDefinition, SagaStep } from "./saga-definition.ts";
import type { SagaInstance, SagaLogEntry } from "./saga-instance.ts";
import type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";

/** A pino-compatible logger; only these three methods are used. */
interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Construction options of `SagaOrchestrator`. */
export interface SagaOrchestratorOptions {
  /** Where instances are saved; default a new `InMemorySagaStateStore`. */
  readonly store?: SagaStateStore;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
}

/**
 * Registers saga definitions and runs instances of them to the end.
 *
 * Run rules: the instance is saved when it starts and after every step and compensation begins and
 * ends. A step that throws, or outlives its `timeoutMs` or the saga's `timeoutMs` (its signal then
 * aborts), ends the forward run: the step itself is not compensated (it did not complete; if it may
 * still take effect after a timeout, make its work idempotent or check for it in the previous step's
 * compensation), and the compensations of the completed steps run in reverse order, each once. Steps
 * without a compensation are skipped. All compensations are attempted even when one fails; the saga
 * then ends `failed` rather than `compensated`, with every error in `error`.
 *
 * @example
 * const sagas = new SagaOrchestrator();
 * sagas.register(createOrderSaga);
 * const run = await sagas.start("CreateOrderSaga", { orderId: "o-1" });
 * if (run.status !== "completed") console.log(run.error);
 */
export class SagaOrchestrator {
  readonly #store: SagaStateStore;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #logger: Logger | undefined;
  readonly #sagas = new Map<string, SagaDefinition<unknown>>();

  constructor(opts: SagaOrchestratorOptions = {}) {
    this.#store = opts.store ?? new InMemorySagaStateStore();
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#logger = opts.logger;
  }

  /**
   * Adds a saga definition.
   * @throws AllFrameError `"validation"` for an empty name, no steps, a repeated step name or a
   *   non-positive timeout; `"conflict"` when the name is taken.
   */
  register<Ctx>(def: SagaDefinition<Ctx>): void {
    const problems: string[] = [];
    if (typeof def.name !== "string" || def.name.length === 0)
      problems.push("name must be a non-empty string");
    if (def.steps.length === 0) problems.push("a saga needs at least one step");
    const names = def.steps.map((s) => s.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) problems.push(`step names repeat: ${[...new Set(repeated)].join(", ")}`);
    for (const [where, ms] of [
      ["saga", def.timeoutMs],
      ...def.steps.map((s) => [`step "${s.name}"`, s.timeoutMs]),
    ]) {
      if (ms !== undefined && !(typeof ms === "number" && ms > 0))
        problems.push(`${where}: timeoutMs must be > 0`);
    }
    if (problems.length > 0) {
      throw new AllFrameError("validation", `saga "${def.name}": ${problems.join("; ")}`, {
        issues: problems.map((message) => ({ path: [def.name], message })),
      });
    }
    if (this.#sagas.has(def.name))
      throw new AllFrameError("conflict", `saga "${def.name}" is already registered`);
    this.#sagas.set(def.name, def as SagaDefinition<unknown>);
  }

  /**
   * Starts an instance of `saga` with `context` and runs it to the end. Resolves with the final
   * instance whatever its status (a failed saga is a result, not an exception).
   * @throws AllFrameError `"not-found"` for an unregistered saga; whatever the state store throws.
   */
  async start<Ctx>(saga: string, context: Ctx): Promise<SagaInstance<Ctx>> {
    const def = this.#sagas.get(saga) as SagaDefinition<Ctx> | undefined;
    if (!def) throw new AllFrameError("not-found", `no saga named "${saga}" is registered`);
    const instance: SagaInstance<Ctx> = {
      id: this.#ids(),
      saga,
      status: "running",
      context,
      completedSteps: [],
      compensatedSteps: [],
      log: [],
      startedAt: this.#now(),
    };
    await this.#save(instance);
    this.#logger?.info({ saga, sagaId: instance.id }, "saga started");

    const overall = new AbortController();
    const deadline =
      def.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              overall.abort(
                new AllFrameError("timeout", `saga "${saga}" timed out after ${def.timeoutMs} ms`),
              ),
            def.timeoutMs,
          );
    try {
      for (const step of def.steps) {
        await this.#record(instance, { step: step.name, action: "execute", outcome: "started" });
        const outcome = await runAbortable((signal) => step.execute(instance.context, signal), {
          timeoutMs: step.timeoutMs,
          parent: overall.signal,
          label: `step "${step.name}"`,
        });
        if (outcome.ok) {
          if (outcome.value) instance.context = { ...instance.context, ...outcome.value };
          instance.completedSteps.push(step.name);
          await this.#record(instance, { step: step.name, action: "execute", outcome: "succeeded" });
          continue;
        }
        const error = messageOf(outcome.error);
        instance.status = "compensating";
        instance.error = `step "${step.name}" failed: ${error}`;
        const result = outcome.aborted ? "timed-out" : "failed";
        await this.#record(instance, { step: step.name, action: "execute", outcome: result, error });
        this.#logger?.warn(
          { saga, sagaId: instance.id, step: step.name, err: outcome.error },
          "saga step failed",
        );
        await this.#compensate(def, instance);
        return instance;
      }
    } finally {
      clearTimeout(deadline);
    }
    instance.status = "completed";
    instance.finishedAt = this.#now();
    await this.#save(instance);
    this.#logger?.info({ saga, sagaId: instance.id }, "saga completed");
    return instance;
  }

  /** The saved instance with this id, or `undefined`. */
  get(id: string): Promise<SagaInstance | undefined> {
    return this.#store.load(id);
  }

  /** Saved instances, optionally of one saga or in one status, by start time. */
  list(opts?: SagaListOptions): Promise<SagaInstance[]> {
    return this.#store.list(opts);
  }

  async #compensate<Ctx>(def: SagaDefinition<Ctx>, instance: SagaInstance<Ctx>): Promise<void> {
    const steps = new Map(def.steps.map((s): [string, SagaStep<Ctx>] => [s.name, s]));
    const failures: string[] = [];
    for (const name of [...instance.completedSteps].reverse()) {
      const compensation = steps.get(name)?.compensation;
      if (!compensation) continue;
      const entry = { step: name, action: "compensate", compensation: compensation.name } as const;
      await this.#record(instance, { ...entry, outcome: "started" });
      const outcome = await runAbortable((signal) => compensation.run(instance.context, signal), {
        timeoutMs: steps.get(name)?.timeoutMs,
        label: `compensation "${compensation.name}"`,
      });
      if (outcome.ok) {
        instance.compensatedSteps.push(name);
        await this.#record(instance, { ...entry, outcome: "succeeded" });
        continue;
      }
      const error = messageOf(outcome.error);
      failures.push(`compensation "${compensation.name}" failed: ${error}`);
      await this.#record(instance, { ...entry, outcome: outcome.aborted ? "timed-out" : "failed", error });
      this.#logger?.error(
        { saga: def.name, sagaId: instance.id, step: name, err: outcome.error },
        "compensation failed",
      );
    }
    instance.status = failures.length === 0 ? "compensated" : "failed";
    if (failures.length > 0) instance.error = [instance.error, ...failures].join("; ");
    instance.finishedAt = this.#now();
    await this.#save(instance);
  }

  async #record(instance: SagaInstance<unknown>, entry: Omit<SagaLogEntry, "at">): Promise<void> {
    instance.log.push({ at: this.#now(), ...entry });
    await this.#save(instance);
  }

  #save(instance: SagaInstance<unknown>): Promise<void> {
    return this.#store.save(instance);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}
