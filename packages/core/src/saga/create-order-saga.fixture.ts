/**
 * Test fixtures: seed 000's CreateOrderSaga with steps whose side effect is a line appended to a file
 * (so a killed process leaves evidence of what ran), and a store wrapper that freezes the orchestrator
 * at a chosen save, as if its process died right after that save.
 * @module
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { SagaDefinition, SagaStep, SagaStepInfo } from "./saga-definition.ts";
import type { SagaInstance, SagaLogEntry } from "./saga-instance.ts";
import type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";

/** The saga's context. */
export interface OrderContext {
  orderId: string;
  reservationId?: string;
  paymentId?: string;
  shipmentId?: string;
}

/** Options of {@link createOrderSaga}. */
export interface CreateOrderSagaOptions {
  /** File each step and compensation appends `"<name> <idempotencyKey> <attempt>"` to. */
  readonly effects: string;
  /** Step or compensation names that throw instead of taking effect. */
  readonly fail?: readonly string[];
  /** Called after the named step's or compensation's side effect, before it returns. */
  readonly after?: Readonly<Record<string, (info: SagaStepInfo) => Promise<void> | undefined>>;
  readonly timeoutMs?: number;
}

/** CreateOrderSaga: ValidateInventory, ReservePayment, CreateShipment / ReleaseInventory, RefundPayment, CancelShipment. */
export function createOrderSaga(opts: CreateOrderSagaOptions): SagaDefinition<OrderContext> {
  const act = async (name: string, info: SagaStepInfo) => {
    if (opts.fail?.includes(name)) throw new Error(`${name} refused`);
    appendFileSync(opts.effects, `${name} ${info.idempotencyKey} ${info.attempt}\n`);
    await opts.after?.[name]?.(info);
  };
  const step = (
    name: string,
    compensation: string,
    output: Partial<OrderContext>,
  ): SagaStep<OrderContext> => ({
    name,
    async execute(_ctx, _signal, info) {
      await act(name, info);
      return output;
    },
    compensation: { name: compensation, run: (_ctx, _signal, info) => act(compensation, info) },
  });
  return {
    name: "CreateOrderSaga",
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    steps: [
      step("ValidateInventory", "ReleaseInventory", { reservationId: "r-1" }),
      step("ReservePayment", "RefundPayment", { paymentId: "p-1" }),
      step("CreateShipment", "CancelShipment", { shipmentId: "s-1" }),
    ],
  };
}

/** The lines of an effects file, each split into `{ name, key, attempt }`. */
export function readEffects(file: string): { name: string; key: string; attempt: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [name = "", key = "", attempt = "0"] = line.split(" ");
      return { name, key, attempt: Number(attempt) };
    });
}

/** The names in an effects file, in order. */
export const effectNames = (file: string): string[] => readEffects(file).map((e) => e.name);

/** `"execute:ReservePayment:succeeded"`, `"compensate:ReservePayment:started"`, `"saga:started"`. */
export function describeEntry(entry: SagaLogEntry): string {
  return entry.action === "saga" ? `saga:${entry.outcome}` : `${entry.action}:${entry.step}:${entry.outcome}`;
}

/**
 * Delegates to `inner` until the save whose new log entry is described by `point` (see
 * {@link describeEntry}); that save is written, `onFreeze` is called, and the save never returns: the
 * orchestrator stops there as if its process had died.
 */
export class FreezeAfter implements SagaStateStore {
  readonly #inner: SagaStateStore;
  readonly #point: string;
  readonly #onFreeze: () => void;

  constructor(inner: SagaStateStore, point: string, onFreeze: () => void) {
    this.#inner = inner;
    this.#point = point;
    this.#onFreeze = onFreeze;
  }

  async save(instance: SagaInstance): Promise<void> {
    await this.#inner.save(instance);
    const last = instance.log.at(-1);
    if (last === undefined || describeEntry(last) !== this.#point) return;
    this.#onFreeze();
    await new Promise<never>(() => {});
  }

  load(id: string): Promise<SagaInstance | undefined> {
    return this.#inner.load(id);
  }

  list(opts?: SagaListOptions): Promise<SagaInstance[]> {
    return this.#inner.list(opts);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
