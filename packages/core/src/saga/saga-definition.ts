/**
 * How a saga is declared: ordered steps, each with an optional compensation (seed 000, the reference
 * example's `CreateOrderSaga`: steps ValidateInventory, ReservePayment, CreateShipment with
 * compensations ReleaseInventory, RefundPayment, CancelShipment; pattern: Garcia-Molina & Salem,
 * "Sagas", 1987, orchestrated as in Richardson's Microservices Patterns).
 * @module
 */

/**
 * What a step or compensation is told about its run. Runs are at-least-once: after a crash, work that
 * was recorded as started but not finished runs again, with the same `idempotencyKey` and a higher
 * `attempt`; pass the key to the participant (payment API, inventory service) so a repeat is a no-op.
 */
export interface SagaStepInfo {
  readonly sagaId: string;
  readonly saga: string;
  /** The step's name (also for its compensation). */
  readonly step: string;
  /**
   * Stable across re-runs: `"<sagaId>:<step>"` for the step, `"<sagaId>:<step>:<compensation>"` for its
   * compensation.
   */
  readonly idempotencyKey: string;
  /** 1 on the first run, 2+ when run again after a crash. */
  readonly attempt: number;
}

/**
 * Undoes a completed step. Must be safe to run after a partial failure elsewhere, and idempotent: it
 * runs again when the process died after it started but before its success was saved.
 */
export interface SagaCompensation<Ctx> {
  readonly name: string;
  run(ctx: Ctx, signal: AbortSignal, info: SagaStepInfo): Promise<void>;
}

/**
 * One step. `execute` does the work and may return changes to merge (shallowly) into the context for
 * the next steps; it should honour `signal`, which aborts on the step's or the saga's deadline.
 * `timeoutMs` bounds both `execute` and `compensation.run`.
 *
 * Steps must be idempotent (at-least-once): a step recorded as started but not completed when its
 * process died runs again on `SagaOrchestrator.recover()`, with the same `info.idempotencyKey`. A step
 * recorded as completed never runs again.
 */
export interface SagaStep<Ctx> {
  readonly name: string;
  execute(
    ctx: Ctx,
    signal: AbortSignal,
    info: SagaStepInfo,
    // biome-ignore lint/suspicious/noConfusingVoidType: `void` lets an async step that returns nothing type-check.
  ): Promise<Partial<Ctx> | void>;
  readonly compensation?: SagaCompensation<Ctx>;
  readonly timeoutMs?: number;
}

/**
 * A saga: a name, steps run in order, and an overall deadline in milliseconds for the forward steps,
 * measured from the instance's `startedAt` (so a saga resumed after its deadline compensates).
 * Compensations are bounded only by their own step's `timeoutMs`, so they still run after the saga's
 * deadline has passed. The context and step outputs must be JSON-serialisable: they are saved.
 */
export interface SagaDefinition<Ctx> {
  readonly name: string;
  readonly steps: readonly SagaStep<Ctx>[];
  readonly timeoutMs?: number;
}
