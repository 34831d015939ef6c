/**
 * Issue 3's saga reliability tests with a real process death: a child runs CreateOrderSaga on a SQLite
 * file or a PostgreSQL database, is SIGKILLed at a chosen point, and a new orchestrator in this process
 * recovers the instance from the same database.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { killAtCrashPoint } from "../testing/crash-point.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { createOrderSaga, effectNames, readEffects } from "./create-order-saga.fixture.ts";
import { openSagaStateStore } from "./open-saga-state-store.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";

const CHILD = fileURLToPath(new URL("./saga-crash.fixture.ts", import.meta.url));
const ID = "order-saga-1";
const dir = mkdtempSync(join(tmpdir(), "allframe-saga-crash-"));
let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const crashAt = (args: string[]): Promise<void> => killAtCrashPoint(CHILD, ["--id", ID, ...args]);

async function recoverIn(url: string, effects: string) {
  const store = openSagaStateStore(url);
  const orchestrator = new SagaOrchestrator({ store });
  orchestrator.register(createOrderSaga({ effects }));
  const before = await orchestrator.get(ID);
  const report = await orchestrator.recover();
  const stored = await orchestrator.get(ID);
  assert.deepEqual(await orchestrator.replay(ID), stored, "the log replays to the stored instance");
  await store.close();
  return { before, report, stored };
}

const backends: { name: string; url: () => Promise<string> }[] = [
  { name: "sqlite", url: async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}` },
  { name: "postgres", url: () => server.createDatabase("saga_crash") },
];

for (const backend of backends) {
  describe(`saga crash recovery: ${backend.name}`, { timeout: 60_000 }, () => {
    test("SIGKILL right after step 2 is saved: recover runs step 3 once, steps 1-2 never again", async () => {
      const url = await backend.url();
      const effects = join(dir, `${backend.name}-between-steps.log`);
      await crashAt([
        "--store",
        url,
        "--effects",
        effects,
        "--freeze-after",
        "execute:ReservePayment:succeeded",
      ]);
      assert.deepEqual(effectNames(effects), ["ValidateInventory", "ReservePayment"]);
      const { before, report, stored } = await recoverIn(url, effects);
      assert.equal(before?.status, "running");
      assert.deepEqual(before?.completedSteps, ["ValidateInventory", "ReservePayment"]);
      assert.deepEqual(
        report.resumed.map((i) => i.id),
        [ID],
      );
      assert.deepEqual(effectNames(effects), ["ValidateInventory", "ReservePayment", "CreateShipment"]);
      assert.equal(stored?.status, "completed");
      assert.deepEqual(stored?.context, {
        orderId: "o-1",
        reservationId: "r-1",
        paymentId: "p-1",
        shipmentId: "s-1",
      });
    });

    test("SIGKILL inside step 2, before its success is saved: it runs again with the same idempotency key", async () => {
      const url = await backend.url();
      const effects = join(dir, `${backend.name}-inside-step.log`);
      await crashAt(["--store", url, "--effects", effects, "--hang-in", "ReservePayment"]);
      const { stored } = await recoverIn(url, effects);
      assert.equal(stored?.status, "completed");
      assert.deepEqual(readEffects(effects).slice(1, 3), [
        { name: "ReservePayment", key: `${ID}:ReservePayment`, attempt: 1 },
        { name: "ReservePayment", key: `${ID}:ReservePayment`, attempt: 2 },
      ]);
      assert.deepEqual(effectNames(effects), [
        "ValidateInventory",
        "ReservePayment",
        "ReservePayment",
        "CreateShipment",
      ]);
    });

    test("SIGKILL after the first compensation: recover runs the rest once each, in reverse, none twice", async () => {
      const url = await backend.url();
      const effects = join(dir, `${backend.name}-compensating.log`);
      await crashAt([
        ...["--store", url, "--effects", effects, "--fail", "CreateShipment"],
        ...["--freeze-after", "compensate:ReservePayment:succeeded"],
      ]);
      assert.deepEqual(effectNames(effects), ["ValidateInventory", "ReservePayment", "RefundPayment"]);
      const { before, report, stored } = await recoverIn(url, effects);
      assert.equal(before?.status, "compensating");
      assert.deepEqual(
        report.resumed.map((i) => i.status),
        ["compensated"],
      );
      assert.deepEqual(effectNames(effects), [
        "ValidateInventory",
        "ReservePayment",
        "RefundPayment",
        "ReleaseInventory",
      ]);
      assert.deepEqual(stored?.compensatedSteps, ["ReservePayment", "ValidateInventory"]);
      assert.equal(stored?.error, 'step "CreateShipment" failed: CreateShipment refused');
    });
  });
}
