/**
 * Issue 3's saga reliability rules on each store (memory, SQLite, PostgreSQL), in process: an
 * orchestrator is frozen at a chosen save (as if its process died there) and another one recovers.
 * `saga-crash.test.ts` does the same with a real SIGKILL.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../runtime/clock.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import {
  type CreateOrderSagaOptions,
  createOrderSaga,
  describeEntry,
  effectNames,
  FreezeAfter,
  readEffects,
} from "./create-order-saga.fixture.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { PostgresSagaStateStore } from "./postgres-saga-state-store.ts";
import type { SagaStepInfo } from "./saga-definition.ts";
import type { SagaInstance } from "./saga-instance.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";
import type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";
import { SqliteSagaStateStore } from "./sqlite-saga-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-saga-recovery-"));
let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One database; `connect()` opens another connection to it (the same object for memory). */
interface Database {
  connect(): SagaStateStore;
}

const backends: { name: string; open(): Promise<Database> }[] = [
  {
    name: "memory",
    open: async () => {
      const store = new InMemorySagaStateStore();
      return { connect: () => store };
    },
  },
  {
    name: "sqlite",
    open: async () => {
      const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
      return { connect: () => new SqliteSagaStateStore({ path }) };
    },
  },
  {
    name: "postgres",
    open: async () => {
      const url = await server.createDatabase("saga_recovery");
      return { connect: () => new PostgresSagaStateStore({ connectionString: url }) };
    },
  },
];

const ID = "order-saga-1";
const steps = (i: SagaInstance | undefined) => i?.log.map(describeEntry) ?? [];

for (const backend of backends) {
  describe(`saga recovery: ${backend.name}`, { timeout: 30_000 }, () => {
    const stores: SagaStateStore[] = [];
    let db: Database;
    let effects: string;
    let files = 0;
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    const connect = () => {
      const store = db.connect();
      stores.push(store);
      return store;
    };
    const orchestrator = (
      store: SagaStateStore,
      opts: Partial<CreateOrderSagaOptions> = {},
      clock?: ManualClock,
    ) => {
      const o = new SagaOrchestrator({ store, ids: () => ID, ...(clock === undefined ? {} : { clock }) });
      o.register(createOrderSaga({ effects, ...opts }));
      return o;
    };
    /** Starts the saga and returns once it froze at `point` (a `describeEntry` string). */
    const freezeAt = async (
      point: string,
      opts: Partial<CreateOrderSagaOptions> = {},
      clock?: ManualClock,
    ) => {
      db = await backend.open();
      effects = join(dir, `${backend.name}-${++files}.log`);
      let frozen = () => {};
      const reached = new Promise<void>((resolve) => (frozen = resolve));
      void orchestrator(new FreezeAfter(connect(), point, frozen), opts, clock).start("CreateOrderSaga", {
        orderId: "o-1",
      });
      await reached;
    };
    /** Recovers with a fresh orchestrator on a new connection; checks that replay gives the stored instance. */
    const recover = async (opts: Partial<CreateOrderSagaOptions> = {}, clock?: ManualClock) => {
      const o = orchestrator(connect(), opts, clock);
      const report = await o.recover();
      const stored = await o.get(ID);
      assert.deepEqual(await o.replay(ID), stored, "replaying the log gives the stored instance");
      return { report, stored, orchestrator: o };
    };

    test("a crash right after step 2 is saved: recover runs step 3 once, steps 1-2 never again", async () => {
      await freezeAt("execute:ReservePayment:succeeded");
      const { report, stored } = await recover();
      assert.deepEqual(
        report.resumed.map((i) => i.id),
        [ID],
      );
      assert.deepEqual(effectNames(effects), ["ValidateInventory", "ReservePayment", "CreateShipment"]);
      assert.equal(stored?.status, "completed");
      assert.deepEqual(steps(stored).slice(5), [
        "saga:resumed",
        "execute:CreateShipment:started",
        "execute:CreateShipment:succeeded",
        "saga:completed",
      ]);
    });

    test("a step started but not saved as completed runs again, with the same idempotency key (at-least-once)", async () => {
      let inside = () => {};
      const reached = new Promise<void>((resolve) => (inside = resolve));
      /** The first run takes effect, then its process "dies" before returning. */
      const hang = (info: SagaStepInfo) => {
        if (info.attempt > 1) return undefined;
        inside();
        return new Promise<void>(() => {});
      };
      db = await backend.open();
      effects = join(dir, `${backend.name}-${++files}.log`);
      void orchestrator(connect(), { after: { CreateShipment: hang } }).start("CreateOrderSaga", {
        orderId: "o-1",
      });
      await reached;
      const { stored } = await recover({ after: { CreateShipment: hang } });
      assert.equal(stored?.status, "completed");
      assert.deepEqual(readEffects(effects).slice(2), [
        { name: "CreateShipment", key: `${ID}:CreateShipment`, attempt: 1 },
        { name: "CreateShipment", key: `${ID}:CreateShipment`, attempt: 2 },
      ]);
    });

    test("a failing step compensates the completed steps in reverse order, each once", async () => {
      db = await backend.open();
      effects = join(dir, `${backend.name}-${++files}.log`);
      const o = orchestrator(connect(), { fail: ["CreateShipment"] });
      const run = await o.start("CreateOrderSaga", { orderId: "o-1" });
      assert.equal(run.status, "compensated");
      assert.deepEqual(effectNames(effects), [
        "ValidateInventory",
        "ReservePayment",
        "RefundPayment",
        "ReleaseInventory",
      ]);
      assert.deepEqual(await o.get(ID), run);
      assert.deepEqual(await o.replay(ID), run);
    });

    test("a crash after the failure is saved: recover runs every compensation once, in reverse", async () => {
      await freezeAt("execute:CreateShipment:failed", { fail: ["CreateShipment"] });
      const { stored } = await recover();
      assert.equal(stored?.status, "compensated");
      assert.deepEqual(effectNames(effects).slice(2), ["RefundPayment", "ReleaseInventory"]);
    });

    test("a crash after the first compensation: recover runs the remaining one once; none runs twice", async () => {
      await freezeAt("compensate:ReservePayment:succeeded", { fail: ["CreateShipment"] });
      assert.deepEqual(effectNames(effects).slice(2), ["RefundPayment"]);
      const { stored } = await recover();
      assert.equal(stored?.status, "compensated");
      assert.deepEqual(effectNames(effects).slice(2), ["RefundPayment", "ReleaseInventory"]);
      assert.deepEqual(stored?.compensatedSteps, ["ReservePayment", "ValidateInventory"]);
    });

    test("a compensation started but not saved as finished runs again as attempt 2", async () => {
      await freezeAt("compensate:ReservePayment:started", { fail: ["CreateShipment"] });
      const { stored } = await recover();
      const starts = stored?.log.filter((e) => e.action === "compensate" && e.outcome === "started");
      assert.deepEqual(
        starts?.map((e) => (e.action === "compensate" ? `${e.compensation}#${e.attempt}` : "")),
        ["RefundPayment#1", "RefundPayment#2", "ReleaseInventory#1"],
      );
      assert.deepEqual(effectNames(effects).slice(2), ["RefundPayment", "ReleaseInventory"]);
    });

    test("two orchestrators racing to recover one instance: only one advances it", async () => {
      await freezeAt("execute:ReservePayment:succeeded");
      let listed = 0;
      let release = () => {};
      const bothListed = new Promise<void>((resolve) => (release = resolve));
      /** Holds every `list` until both orchestrators have listed, so both read the same revision. */
      const gated = (inner: SagaStateStore): SagaStateStore => ({
        save: (i) => inner.save(i),
        load: (id) => inner.load(id),
        close: () => inner.close(),
        async list(opts?: SagaListOptions) {
          const found = await inner.list(opts);
          if (++listed === 4) release();
          await bothListed;
          return found;
        },
      });
      const a = orchestrator(gated(connect()));
      const b = orchestrator(gated(connect()));
      const reports = await Promise.all([a.recover(), b.recover()]);
      assert.deepEqual(reports.map((r) => r.resumed.length).sort(), [0, 1]);
      assert.deepEqual(reports.map((r) => r.lost.length).sort(), [0, 1]);
      assert.deepEqual(effectNames(effects), ["ValidateInventory", "ReservePayment", "CreateShipment"]);
      const stored = await a.get(ID);
      assert.equal(stored?.status, "completed");
      assert.equal(steps(stored).filter((s) => s === "saga:resumed").length, 1);
    });

    test("a saga resumed after its overall deadline (from startedAt) compensates instead of going on", async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      await freezeAt("execute:ReservePayment:succeeded", { timeoutMs: 60_000 }, clock);
      clock.advance(60_000);
      const { stored } = await recover({ timeoutMs: 60_000 }, clock);
      assert.equal(stored?.status, "compensated");
      assert.equal(stored?.error, 'saga "CreateOrderSaga" timed out after 60000 ms');
      assert.deepEqual(effectNames(effects).slice(2), ["RefundPayment", "ReleaseInventory"]);
      assert.deepEqual(steps(stored).slice(5, 7), ["saga:resumed", "saga:timed-out"]);
    });
  });
}
