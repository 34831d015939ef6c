import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { createOrderSaga } from "./create-order-saga.fixture.ts";
import { replaySagaLog } from "./replay-saga-log.ts";
import type { SagaLogEntry } from "./saga-instance.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-saga-replay-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const invalid = (e: unknown) => hasErrorCode(e, "validation");

describe("replaySagaLog", () => {
  test("rebuilds completed, compensated and failed instances exactly as stored", async () => {
    const runs = [[], ["CreateShipment"], ["CreateShipment", "RefundPayment"], ["ValidateInventory"]];
    for (const [n, fail] of runs.entries()) {
      const saga = createOrderSaga({ effects: join(dir, `${n}.log`), fail });
      const orchestrator = new SagaOrchestrator({ clock: new ManualClock(0), ids: sequentialIds("s") });
      orchestrator.register(saga);
      const run = await orchestrator.start("CreateOrderSaga", { orderId: "o-1" });
      const log = await orchestrator.log(run.id);
      assert.deepEqual(log, run.log);
      assert.deepEqual(replaySagaLog(saga, log), run, `run ${n} (${run.status})`);
      assert.deepEqual(await orchestrator.replay(run.id), await orchestrator.get(run.id));
      assert.equal(run.revision, run.log.length, "one save per entry");
    }
  });

  test("rejects logs that do not fit the definition", () => {
    const saga = createOrderSaga({ effects: join(dir, "x.log") });
    const at = "2025-01-01T00:00:00.000Z";
    const started: SagaLogEntry = {
      at,
      action: "saga",
      outcome: "started",
      sagaId: "s-1",
      saga: "CreateOrderSaga",
      context: {},
    };
    assert.throws(() => replaySagaLog(saga, []), invalid);
    assert.throws(() => replaySagaLog(saga, [{ at, action: "saga", outcome: "resumed" }]), invalid);
    assert.throws(() => replaySagaLog(saga, [{ ...started, saga: "Other" }]), invalid);
    assert.throws(() => replaySagaLog(saga, [started, started]), invalid);
    assert.throws(
      () =>
        replaySagaLog(saga, [
          started,
          { at, action: "execute", step: "Teleport", outcome: "started", attempt: 1 },
        ]),
      /does not have/,
    );
  });

  test("log and replay of an unknown instance are not-found", async () => {
    const orchestrator = new SagaOrchestrator();
    await assert.rejects(orchestrator.log("nope"), (e) => hasErrorCode(e, "not-found"));
    await assert.rejects(orchestrator.replay("nope"), (e) => hasErrorCode(e, "not-found"));
  });
});
