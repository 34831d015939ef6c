/**
 * Runs sagas: steps forward in order, and on a failure or timeout the completed steps' compensations
 * in reverse; resumes the instances a crashed process left unfinished (seed 001, "CQRS Infrastructure"
 * phase 5, Saga Orchestration; seed 000's `CreateOrderSaga`; issue 3 item 8).
 * @module
 */
import { AllFrameError, hasErrorCode, toAllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { replaySagaLog } from "./replay-saga-log.ts";
import type { SagaDefinition } from "./saga-definition.ts";
import type { SagaInstance, SagaLogEntry } from "./saga-instance.ts";
import { jsonCopy, type SagaLogger, SagaRunner, type SagaStatusListener } from "./saga-runner.ts";
import type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";
import { validateSagaDefinition } from "./validate-saga-definition.ts";

/** Construction options of `SagaOrchestrator`. */
export interface SagaOrchestratorOptions {
  /** Where instances are saved; default a new `InMemorySagaStateStore`. */
  readonly store?: SagaStateStore;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: SagaLogger;
  /** Told after every status change (see `SagaStatusListener`), e.g. to publish `OrderStatusChanged`. */
  readonly onStatusChange?: SagaStatusListener;
}

/** Options of `SagaOrchestrator.recover`. */
export interface SagaRecoverOptions {
  /**
   * Leave alone instances whose last log entry is younger than this, in milliseconds by the Clock;
   * default 0 (take every unfinished instance). When replicas share a store and one restarts while
   * another is healthy, set it above your slowest step so a live run is not taken over.
   */
  readonly minIdleMs?: number;
  /** How many instances are resumed at once; default 16. */
  readonly concurrency?: number;
}

/** What `recover` did, per instance id. */
export interface SagaRecoveryReport {
  /** Instances this call resumed, in their final state. */
  readonly resumed: SagaInstance[];
  /** Ids another orchestrator saved first (revision conflict); it owns them now. */
  readonly lost: string[];
  /** Ids left alone: another saga's (not registered here), idle less than `minIdleMs`, or running here. */
  readonly skipped: string[];
  /** Instances that could not be resumed: their recorded steps do not match the definition, or a store error. */
  readonly failed: { readonly id: string; readonly error: AllFrameError }[];
}

/**
 * Registers saga definitions and runs instances of them to the end.
 *
 * Run rules: every change is one saga log entry, saved before the run goes on (start, each step and
 * compensation started and ended, the end), with the instance's `revision` checked by the store. A step
 * that throws, or outlives its `timeoutMs` or the saga's `timeoutMs` (measured from `startedAt`; its
 * signal then aborts), ends the forward run: the step itself is not compensated (it did not complete;
 * if it may still take effect after a timeout, make its work idempotent or check for it in the
 * previous step's compensation), and the compensations of the completed steps run in reverse order.
 * Steps without a compensation are skipped. All compensations are attempted even when one fails; the
 * saga then ends `failed` rather than `compensated`, with every error in `error`.
 *
 * Crash rules (`recover`): a step or compensation recorded as finished (succeeded, failed, timed out)
 * never runs again; one recorded as started but not finished runs again (at-least-once, with the same
 * `info.idempotencyKey` and `attempt` + 1), so steps and compensations must be idempotent.
 *
 * @example
 * const sagas = new SagaOrchestrator({ store: openSagaStateStore(process.env.DATABASE_URL) });
 * sagas.register(createOrderSaga);
 * await sagas.recover();
 * const run = await sagas.start("CreateOrderSaga", { orderId: "o-1" });
 * if (run.status !== "completed") console.log(run.error);
 */
export class SagaOrchestrator {
  readonly #store: SagaStateStore;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #logger: SagaLogger | undefined;
  readonly #onStatusChange: SagaStatusListener | undefined;
  readonly #sagas = new Map<string, SagaDefinition<unknown>>();
  /** Ids of the instances this orchestrator is driving now; `recover` leaves them alone. */
  readonly #active = new Set<string>();

  constructor(opts: SagaOrchestratorOptions = {}) {
    this.#store = opts.store ?? new InMemorySagaStateStore();
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#logger = opts.logger;
    this.#onStatusChange = opts.onStatusChange;
  }

  /**
   * Adds a saga definition.
   * @throws AllFrameError `"validation"` for an empty name, no steps, a repeated step name or a
   *   non-positive timeout; `"conflict"` when the name is taken.
   */
  register<Ctx>(def: SagaDefinition<Ctx>): void {
    validateSagaDefinition(def);
    if (this.#sagas.has(def.name))
      throw new AllFrameError("conflict", `saga "${def.name}" is already registered`);
    this.#sagas.set(def.name, def as SagaDefinition<unknown>);
  }

  /**
   * Starts an instance of `saga` with `context` (JSON-serialisable) and runs it to the end. Resolves
   * with the final instance whatever its status (a failed saga is a result, not an exception).
   * @throws AllFrameError `"not-found"` for an unregistered saga; `"concurrency"` when another
   *   orchestrator took the instance over mid-run; whatever else the state store throws.
   */
  async start<Ctx>(saga: string, context: Ctx): Promise<SagaInstance<Ctx>> {
    return (await this.begin(saga, context)).finished;
  }

  /**
   * Starts an instance like `start`, but resolves as soon as its start is saved: with `instance`, the
   * saved `running` instance, and `finished`, which settles as `start` would. For callers that answer at
   * once while the saga runs on (its participants may take long; an HTTP POST should not wait for them);
   * handle `finished`'s rejection (the store's errors).
   * @throws AllFrameError `"not-found"` for an unregistered saga; whatever the store throws on the first save.
   */
  async begin<Ctx>(
    saga: string,
    context: Ctx,
  ): Promise<{ readonly instance: SagaInstance<Ctx>; readonly finished: Promise<SagaInstance<Ctx>> }> {
    const def = this.#definition<Ctx>(saga);
    const runner = new SagaRunner(def, undefined, this.#deps());
    const id = this.#ids();
    this.#active.add(id);
    try {
      const initial = jsonCopy(context);
      const instance = await runner.record({
        action: "saga",
        outcome: "started",
        sagaId: id,
        saga,
        context: initial,
      });
      this.#logger?.info({ saga, sagaId: id }, "saga started");
      const finished = runner.run().finally(() => this.#active.delete(id));
      return { instance, finished };
    } catch (error) {
      this.#active.delete(id);
      throw error;
    }
  }

  /**
   * Resumes every unfinished (`running` or `compensating`) instance of a registered saga; call it at
   * start-up. Each is claimed by saving a `saga resumed` entry: when two orchestrators race for one
   * instance, the store's revision check lets exactly one through, and the other reports it `lost`.
   * Resolves when every resumed instance has finished (don't await it to keep start-up fast).
   * @throws whatever the store's `list` throws; per-instance failures are reported, not thrown.
   */
  async recover(opts: SagaRecoverOptions = {}): Promise<SagaRecoveryReport> {
    const [running, compensating] = await Promise.all([
      this.#store.list({ status: "running" }),
      this.#store.list({ status: "compensating" }),
    ]);
    const report: SagaRecoveryReport = { resumed: [], lost: [], skipped: [], failed: [] };
    const idleBefore = this.#clock.now().getTime() - (opts.minIdleMs ?? 0);
    const queue = [...running, ...compensating].filter((instance) => {
      const last = instance.log.at(-1)?.at;
      const idle = opts.minIdleMs === undefined || (last !== undefined && Date.parse(last) <= idleBefore);
      const ours = this.#sagas.has(instance.saga) && !this.#active.has(instance.id);
      if (!idle || !ours) report.skipped.push(instance.id);
      return idle && ours;
    });
    const worker = async () => {
      for (let instance = queue.shift(); instance !== undefined; instance = queue.shift()) {
        try {
          report.resumed.push(await this.#resume(instance));
        } catch (error) {
          if (hasErrorCode(error, "concurrency")) report.lost.push(instance.id);
          else report.failed.push({ id: instance.id, error: toAllFrameError(error) });
        }
      }
    };
    const workers = Math.max(1, Math.min(opts.concurrency ?? 16, queue.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return report;
  }

  /** The saved instance with this id, or `undefined`. */
  get(id: string): Promise<SagaInstance | undefined> {
    return this.#store.load(id);
  }

  /** Saved instances, optionally of one saga or in one status, by start time. */
  list(opts?: SagaListOptions): Promise<SagaInstance[]> {
    return this.#store.list(opts);
  }

  /**
   * The saved log of instance `id`, oldest entry first.
   * @throws AllFrameError `"not-found"` for an unknown id.
   */
  async log(id: string): Promise<SagaLogEntry[]> {
    return (await this.#load(id)).log;
  }

  /**
   * Instance `id` rebuilt from its saved log alone with `replaySagaLog`; equals `get(id)` for an
   * instance this orchestrator wrote.
   * @throws AllFrameError `"not-found"` for an unknown id or an unregistered saga; `"validation"` for
   *   a log that does not fit the definition.
   */
  async replay(id: string): Promise<SagaInstance> {
    const instance = await this.#load(id);
    return replaySagaLog(this.#definition(instance.saga), instance.log);
  }

  async #resume(instance: SagaInstance): Promise<SagaInstance> {
    const def = this.#definition(instance.saga);
    const expected = def.steps.slice(0, instance.completedSteps.length).map((s) => s.name);
    if (expected.join("\u0000") !== instance.completedSteps.join("\u0000"))
      throw new AllFrameError(
        "conflict",
        `saga instance "${instance.id}" completed steps [${instance.completedSteps.join(", ")}], which do not match the registered "${def.name}" steps [${expected.join(", ")}]`,
      );
    this.#active.add(instance.id);
    try {
      const runner = new SagaRunner(def, instance, this.#deps());
      await runner.record({ action: "saga", outcome: "resumed" });
      this.#logger?.info(
        { saga: def.name, sagaId: instance.id, status: instance.status, completed: instance.completedSteps },
        "saga resumed",
      );
      return await runner.run();
    } finally {
      this.#active.delete(instance.id);
    }
  }

  async #load(id: string): Promise<SagaInstance> {
    const instance = await this.#store.load(id);
    if (instance === undefined) throw new AllFrameError("not-found", `saga instance "${id}" does not exist`);
    return instance;
  }

  #definition<Ctx>(saga: string): SagaDefinition<Ctx> {
    const def = this.#sagas.get(saga) as SagaDefinition<Ctx> | undefined;
    if (!def) throw new AllFrameError("not-found", `no saga named "${saga}" is registered`);
    return def;
  }

  #deps() {
    return {
      store: this.#store,
      clock: this.#clock,
      logger: this.#logger,
      onStatusChange: this.#onStatusChange,
    };
  }
}
