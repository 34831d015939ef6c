import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import type { SagaDefinition, SagaStep } from "./saga-definition.ts";
import type { SagaInstance } from "./saga-instance.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";

interface OrderCtx {
  orderId: string;
  reservationId?: string;
  paymentId?: string;
  shipmentId?: string;
}

type Behaviour = (signal: AbortSignal) => Promise<void>;

/** Seed 000's CreateOrderSaga; `calls` records every execute and compensation in order. */
function createOrderSaga(
  opts: { fail?: Partial<Record<string, Behaviour>>; timeoutMs?: number; stepTimeoutMs?: number } = {},
) {
  const calls: string[] = [];
  const step = (name: string, compensation: string, patch: Partial<OrderCtx>): SagaStep<OrderCtx> => ({
    name,
    ...(opts.stepTimeoutMs === undefined ? {} : { timeoutMs: opts.stepTimeoutMs }),
    async execute(ctx, signal) {
      calls.push(`${name}(${ctx.orderId},${Object.keys(ctx).length})`);
      await opts.fail?.[name]?.(signal);
      return patch;
    },
    compensation: {
      name: compensation,
      async run(_ctx, signal) {
        calls.push(compensation);
        await opts.fail?.[compensation]?.(signal);
      },
    },
  });
  const saga: SagaDefinition<OrderCtx> = {
    name: "CreateOrderSaga",
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    steps: [
      step("ValidateInventory", "ReleaseInventory", { reservationId: "r-1" }),
      step("ReservePayment", "RefundPayment", { paymentId: "p-1" }),
      step("CreateShipment", "CancelShipment", { shipmentId: "s-1" }),
    ],
  };
  return { saga, calls };
}

/** A store that also keeps every saved snapshot, to check "saved after every step". */
class RecordingStore extends InMemorySagaStateStore {
  readonly saves: SagaInstance[] = [];
  override async save(instance: SagaInstance): Promise<void> {
    this.saves.push(structuredClone(instance));
    await super.save(instance);
  }
}

function setup(saga: SagaDefinition<OrderCtx>) {
  const store = new RecordingStore();
  const orchestrator = new SagaOrchestrator({
    store,
    clock: new ManualClock(Date.UTC(2025, 0, 1)),
    ids: sequentialIds("saga"),
  });
  orchestrator.register(saga);
  return { store, orchestrator };
}

const fails =
  (message: string): Behaviour =>
  () =>
    Promise.reject(new Error(message));
/** Never finishes on its own; rejects when aborted, as a well-behaved step does. */
const hangs =
  (started: () => void): Behaviour =>
  (signal) =>
    new Promise((_, reject) => {
      started();
      signal.addEventListener("abort", () => reject(signal.reason));
    });

const outcomes = (i: SagaInstance) =>
  i.log.map((e) => (e.action === "saga" ? `saga ${e.outcome}` : `${e.action} ${e.step} ${e.outcome}`));

describe("SagaOrchestrator", () => {
  test("runs CreateOrderSaga to completion, merging each step's output into the context", async () => {
    const { saga, calls } = createOrderSaga();
    const { orchestrator, store } = setup(saga);
    const run = await orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    assert.equal(run.status, "completed");
    assert.deepEqual(run.context, {
      orderId: "o-1",
      reservationId: "r-1",
      paymentId: "p-1",
      shipmentId: "s-1",
    });
    assert.deepEqual(calls, ["ValidateInventory(o-1,1)", "ReservePayment(o-1,2)", "CreateShipment(o-1,3)"]);
    assert.deepEqual(run.completedSteps, ["ValidateInventory", "ReservePayment", "CreateShipment"]);
    assert.deepEqual(outcomes(run), [
      "saga started",
      "execute ValidateInventory started",
      "execute ValidateInventory succeeded",
      "execute ReservePayment started",
      "execute ReservePayment succeeded",
      "execute CreateShipment started",
      "execute CreateShipment succeeded",
      "saga completed",
    ]);
    assert.equal(run.startedAt, "2025-01-01T00:00:00.000Z");
    assert.equal(run.finishedAt, "2025-01-01T00:00:00.000Z");
    assert.deepEqual(await orchestrator.get("saga-1"), run);
    assert.deepEqual(
      (await orchestrator.list({ status: "completed" })).map((i) => i.id),
      ["saga-1"],
    );
    const completedAfterEachSave = store.saves.map((s) => s.completedSteps.length);
    assert.deepEqual(
      completedAfterEachSave,
      [0, 0, 1, 1, 2, 2, 3, 3],
      "saved at start, around every step, and at the end",
    );
  });

  test("a failure at step 3 compensates steps 2 and 1 in reverse order, once each", async () => {
    const { saga, calls } = createOrderSaga({ fail: { CreateShipment: fails("carrier down") } });
    const { orchestrator } = setup(saga);
    const run = await orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    assert.equal(run.status, "compensated");
    assert.equal(run.error, 'step "CreateShipment" failed: carrier down');
    assert.deepEqual(calls.slice(3), ["RefundPayment", "ReleaseInventory"]);
    assert.deepEqual(run.compensatedSteps, ["ReservePayment", "ValidateInventory"]);
    assert.deepEqual(outcomes(run).slice(5), [
      "execute CreateShipment started",
      "execute CreateShipment failed",
      "compensate ReservePayment started",
      "compensate ReservePayment succeeded",
      "compensate ValidateInventory started",
      "compensate ValidateInventory succeeded",
      "saga compensated",
    ]);
    const failed = run.log[6];
    assert.equal(failed?.action === "execute" && failed.error, "carrier down");
    const refund = run.log[7];
    assert.equal(refund?.action === "compensate" && refund.compensation, "RefundPayment");
    assert.equal((await orchestrator.get(run.id))?.status, "compensated");
  });

  test("a step that outlives its timeout is aborted, logged timed-out, and the completed steps compensated", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let signal: AbortSignal | undefined;
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const { saga, calls } = createOrderSaga({
      stepTimeoutMs: 5_000,
      fail: {
        ReservePayment: (s) => {
          signal = s;
          return hangs(markStarted)(s);
        },
      },
    });
    const { orchestrator } = setup(saga);
    const running = orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    await started;
    t.mock.timers.tick(4_999);
    assert.equal(signal?.aborted, false);
    t.mock.timers.tick(1);
    const run = await running;
    assert.equal(signal?.aborted, true);
    assert.ok(hasErrorCode(signal?.reason, "timeout"));
    assert.equal(run.status, "compensated");
    assert.equal(run.error, 'step "ReservePayment" failed: step "ReservePayment" timed out after 5000 ms');
    assert.deepEqual(outcomes(run).slice(4, 6), [
      "execute ReservePayment timed-out",
      "compensate ValidateInventory started",
    ]);
    assert.deepEqual(calls.slice(2), ["ReleaseInventory"]);
  });

  test("the saga's overall timeout aborts the step in flight, even one that ignores its signal", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const ignoresSignal: Behaviour = () => {
      markStarted();
      return new Promise(() => {});
    };
    const { saga } = createOrderSaga({ timeoutMs: 300_000, fail: { CreateShipment: ignoresSignal } });
    const { orchestrator } = setup(saga);
    const running = orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    await started;
    t.mock.timers.tick(300_000);
    const run = await running;
    assert.equal(run.status, "compensated");
    assert.match(run.error ?? "", /saga "CreateOrderSaga" timed out after 300000 ms/);
    assert.equal(
      run.log.find((e) => e.action === "execute" && e.step === "CreateShipment" && e.outcome !== "started")
        ?.outcome,
      "timed-out",
    );
    assert.deepEqual(
      run.compensatedSteps,
      ["ReservePayment", "ValidateInventory"],
      "compensations still run after the deadline",
    );
  });

  test("a failing compensation ends the saga failed, still attempting the remaining compensations", async () => {
    const { saga, calls } = createOrderSaga({
      fail: { CreateShipment: fails("carrier down"), RefundPayment: fails("payment provider down") },
    });
    const { orchestrator } = setup(saga);
    const run = await orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    assert.equal(run.status, "failed");
    assert.deepEqual(calls.slice(3), ["RefundPayment", "ReleaseInventory"]);
    assert.deepEqual(run.compensatedSteps, ["ValidateInventory"]);
    assert.equal(
      run.error,
      'step "CreateShipment" failed: carrier down; compensation "RefundPayment" failed: payment provider down',
    );
    assert.deepEqual(outcomes(run).slice(7, 9), [
      "compensate ReservePayment started",
      "compensate ReservePayment failed",
    ]);
    assert.deepEqual(
      (await orchestrator.list({ status: "failed" })).map((i) => i.id),
      [run.id],
    );
  });

  test("a failure at the first step has nothing to compensate", async () => {
    const { saga, calls } = createOrderSaga({ fail: { ValidateInventory: fails("out of stock") } });
    const { orchestrator } = setup(saga);
    const run = await orchestrator.start<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    assert.equal(run.status, "compensated");
    assert.deepEqual(calls, ["ValidateInventory(o-1,1)"]);
  });

  test("validates definitions and rejects unknown sagas", async () => {
    const orchestrator = new SagaOrchestrator();
    const invalid = (e: unknown) => hasErrorCode(e, "validation");
    assert.throws(() => orchestrator.register({ name: "Empty", steps: [] }), invalid);
    const step = { name: "A", execute: async () => {} };
    assert.throws(() => orchestrator.register({ name: "Twice", steps: [step, step] }), invalid);
    assert.throws(() => orchestrator.register({ name: "Slow", steps: [step], timeoutMs: 0 }), invalid);
    orchestrator.register({ name: "Ok", steps: [step] });
    assert.throws(
      () => orchestrator.register({ name: "Ok", steps: [step] }),
      (e) => hasErrorCode(e, "conflict"),
    );
    await assert.rejects(orchestrator.start("Missing", {}), (e) => hasErrorCode(e, "not-found"));
  });

  test("begin answers with the running instance at once; finished settles when the saga ends", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { saga } = createOrderSaga({ fail: { ReservePayment: () => gate } });
    const { orchestrator } = setup(saga);
    const { instance, finished } = await orchestrator.begin<OrderCtx>("CreateOrderSaga", { orderId: "o-1" });
    assert.equal(instance.status, "running");
    assert.deepEqual(instance.completedSteps, []);
    assert.equal(
      (await orchestrator.recover()).skipped.includes(instance.id),
      true,
      "a running begin is not recovered",
    );
    release();
    const run = await finished;
    assert.equal(run.id, instance.id);
    assert.equal(run.status, "completed");
  });
});
