/**
 * How a saga is declared: ordered steps, each with an optional compensation (seed 000, the reference
 * example's `CreateOrderSaga`: steps ValidateInventory, ReservePayment, CreateShipment with
 * compensations ReleaseInventory, RefundPayment, CancelShipment; pattern: Garcia-Molina & Salem,
 * "Sagas", 1987, orchestrated as in Richardson's Microservices Patterns).
 * @module
 */

/** Undoes a completed step. Must be safe to run after a partial failure elsewhere. */
export interface SagaCompensation<Ctx> {
  readonly name: string;
  run(ctx: Ctx, signal: AbortSignal): Promise<void>;
}

/**
 * One step. `execute` does the work and may return changes to merge (shallowly) into the context for
 * the next steps; it should honour `signal`, which aborts on the step's or the saga's deadline.
 * `timeoutMs` bounds both `execute` and `compensation.run`.
 */
export interface SagaStep<Ctx> {
  readonly name: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: `void` lets an async step that returns nothing type-check.
  execute(ctx: Ctx, signal: AbortSignal): Promise<Partial<Ctx> | void>;
  readonly compensation?: SagaCompensation<Ctx>;
  readonly timeoutMs?: number;
}

/**
 * A saga: a name, steps run in order, and an overall deadline in milliseconds for the forward steps
 * (compensations are bounded only by their own step's `timeoutMs`, so they still run after the saga's
 * deadline has passed). The context must be JSON-serialisable: it is saved after every step.
 */
export interface SagaDefinition<Ctx> {
  readonly name: string;
  readonly steps: readonly SagaStep<Ctx>[];
  readonly timeoutMs?: number;
}
