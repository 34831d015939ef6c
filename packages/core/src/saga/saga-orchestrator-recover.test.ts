import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import {
  type CreateOrderSagaOptions,
  createOrderSaga,
  FreezeAfter,
  type OrderContext,
  readEffects,
} from "./create-order-saga.fixture.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import type { SagaStep, SagaStepInfo } from "./saga-definition.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-saga-recover-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** An instance frozen after step 2 in `store`; returns the effects file. */
async function frozenAfterStep2(
  store: InMemorySagaStateStore,
  clock: ManualClock,
  opts: Partial<CreateOrderSagaOptions> = {},
) {
  const effects = join(dir, `${++files}.log`);
  let frozen = () => {};
  const reached = new Promise<void>((resolve) => (frozen = resolve));
  const o = new SagaOrchestrator({
    store: new FreezeAfter(store, "execute:ReservePayment:succeeded", frozen),
    clock,
    ids: () => "s-1",
  });
  o.register(createOrderSaga({ effects, ...opts }));
  void o.start("CreateOrderSaga", { orderId: "o-1" });
  await reached;
  return effects;
}

describe("SagaOrchestrator.recover", () => {
  test("passes each step its saga id, name, idempotency key and attempt", async () => {
    const seen: SagaStepInfo[] = [];
    const o = new SagaOrchestrator({ ids: () => "s-1" });
    o.register({
      name: "One",
      steps: [{ name: "A", execute: async (_c, _s, info) => void seen.push(info) }],
    });
    await o.start("One", {});
    assert.deepEqual(seen, [{ sagaId: "s-1", saga: "One", step: "A", idempotencyKey: "s-1:A", attempt: 1 }]);
  });

  test("leaves alone other sagas' instances and ones active within minIdleMs; reports mismatched ones", async () => {
    const store = new InMemorySagaStateStore();
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const effects = await frozenAfterStep2(store, clock);
    const stranger = new SagaOrchestrator({ store });
    stranger.register({ name: "Other", steps: [{ name: "X", execute: async () => {} }] });
    assert.deepEqual(await stranger.recover(), { resumed: [], lost: [], skipped: ["s-1"], failed: [] });

    const renamed = new SagaOrchestrator({ store, clock });
    renamed.register({ name: "CreateOrderSaga", steps: [{ name: "Validate", execute: async () => {} }] });
    const mismatch = await renamed.recover();
    assert.equal(mismatch.failed[0]?.id, "s-1");
    assert.ok(hasErrorCode(mismatch.failed[0]?.error, "conflict"));

    const o = new SagaOrchestrator({ store, clock });
    o.register(createOrderSaga({ effects }));
    clock.advance(29_999);
    assert.deepEqual((await o.recover({ minIdleMs: 30_000 })).skipped, ["s-1"]);
    clock.advance(1);
    const report = await o.recover({ minIdleMs: 30_000 });
    assert.deepEqual(
      report.resumed.map((i) => i.status),
      ["completed"],
    );
    assert.deepEqual(
      readEffects(effects).map((e) => e.name),
      ["ValidateInventory", "ReservePayment", "CreateShipment"],
    );
  });

  test("a saga resumed before its deadline gets only the time left", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const store = new InMemorySagaStateStore();
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    await frozenAfterStep2(store, clock, { timeoutMs: 60_000 });
    clock.advance(50_000);
    let signal: AbortSignal | undefined;
    let started = () => {};
    const inStep3 = new Promise<void>((resolve) => (started = resolve));
    const o = new SagaOrchestrator({ store, clock });
    const base = createOrderSaga({ effects: join(dir, `${++files}.log`), timeoutMs: 60_000 });
    /** Step 3 ignores its signal, so only the saga's deadline can end it. */
    const hangs = (_ctx: OrderContext, sig: AbortSignal) => {
      signal = sig;
      started();
      return new Promise<never>(() => {});
    };
    const steps = base.steps.map(
      (s): SagaStep<OrderContext> => (s.name === "CreateShipment" ? { ...s, execute: hangs } : s),
    );
    o.register({ ...base, steps });
    const recovering = o.recover();
    await inStep3;
    t.mock.timers.tick(9_999);
    assert.equal(signal?.aborted, false);
    t.mock.timers.tick(1);
    const [run] = (await recovering).resumed;
    assert.equal(run?.status, "compensated");
    assert.equal(run?.error, 'step "CreateShipment" failed: saga "CreateOrderSaga" timed out after 60000 ms');
  });

  test("start throws concurrency when another orchestrator took the instance over mid-run", async () => {
    const store = new InMemorySagaStateStore();
    let inside = () => {};
    const reached = new Promise<void>((resolve) => (inside = resolve));
    let proceed = () => {};
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const effects = join(dir, `${++files}.log`);
    /** The first run of ReservePayment waits for the gate, long enough to be taken over. */
    const slow = (info: SagaStepInfo) => {
      if (info.attempt > 1) return undefined;
      inside();
      return gate;
    };
    const first = new SagaOrchestrator({ store, ids: () => "s-1" });
    first.register(createOrderSaga({ effects, after: { ReservePayment: slow } }));
    const running = first.start("CreateOrderSaga", { orderId: "o-1" });
    await reached;
    const second = new SagaOrchestrator({ store });
    second.register(createOrderSaga({ effects }));
    assert.equal((await second.recover()).resumed[0]?.status, "completed");
    proceed();
    await assert.rejects(running, (e) => hasErrorCode(e, "concurrency"));
    assert.equal((await store.load("s-1"))?.status, "completed");
  });
});
