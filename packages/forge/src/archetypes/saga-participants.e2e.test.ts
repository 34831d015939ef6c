/**
 * End to end for saga steps as commands to real participants (issue 7): ignites order-service
 * (CreateOrderSaga), inventory-service (event-sourced), payment-gateway and notification-service, then,
 * in the workspace, runs them in one process on one in-process bus (as `allframe dev` does): the saga
 * completes through the participants; with FAKE_PROVIDER_FAILURE_RATE=1 ReservePayment fails, the saga
 * compensates the completed step only and cancels the order, and the gateway's breaker opens. Also runs
 * the services' generated tests, the type-check and the lint. The workspace borrows this checkout's
 * node_modules (which links `@allframe/core`), so no install is needed.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";
import { runInWorkspace } from "../verify/workspace-process.ts";

const SERVICES = ["order-service", "inventory-service", "payment-gateway", "notification-service"];

const ARCHITECTURE = `
[architecture]
name = "saga-shop"
version = "0.1.0"

[[services]]
name = "order-service"
type = "saga-orchestrator"
[services.saga]
name = "CreateOrderSaga"
steps = ["ValidateInventory", "ReservePayment", "CreateShipment"]
compensation = ["ReleaseInventory", "RefundPayment", "CancelShipment"]

[[services]]
name = "inventory-service"
type = "event-sourced"

[[services]]
name = "payment-gateway"
type = "gateway"
[services.integrations]
providers = ["stripe"]
circuit_breaker = { failure_threshold = 5, timeout_ms = 30000 }
retry = { max_attempts = 3, initial_interval_ms = 5, max_interval_ms = 20, idempotent_only = true }

[[services]]
name = "notification-service"
type = "consumer"
[services.consumer]
events = ["OrderCreated", "PaymentSucceeded", "ShipmentDispatched"]
channels = ["email"]
`;

/** The flow, run inside the workspace: every service on one shared in-process bus. */
const FLOW_TEST = `
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type EventEnvelope, InProcessEventBus, type ServiceHost } from "@allframe/core";
${SERVICES.map((s, i) => `import { createService as create${i} } from "../services/${s}/src/service.ts";`).join("\n")}

type Saga = { id: string; status: string; completedSteps: string[]; compensatedSteps: string[]; log: Array<{ step?: string; outcome: string; error?: string }> };

async function system(extra: Record<string, string>) {
  const bus = new InProcessEventBus();
  const published: EventEnvelope[] = [];
  bus.subscribe("*", async (event) => void published.push(event), { group: "recorder" });
  const env = { LOG_LEVEL: "silent", DATABASE_URL: "memory:", SAGA_COMMAND_STORE_URL: "memory:", ...extra };
  const hosts: ServiceHost[] = [];
  for (const create of [create0, create1, create2, create3]) hosts.push(await create({ env, bus, port: 0 }));
  const [orders, inventory, payments, notifications] = await Promise.all(hosts.map(async (h) => (await h.start()).url));
  const get = async <T>(url: string) => (await (await fetch(url)).json()) as T;
  const startSaga = async () => {
    const res = await fetch(\`\${orders}/sagas\`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ orderId: "o-1", amount: 1200 }) });
    const { id } = (await res.json()) as Saga;
    return until(async () => {
      const saga = await get<Saga>(\`\${orders}/sagas/\${id}\`);
      return saga.status !== "running" && saga.status !== "compensating" && saga;
    });
  };
  const ofSaga = (type: string, id: string) => published.filter((e) => e.type === type && (e.data as { id?: string }).id === id);
  const stop = async () => {
    for (const host of hosts.reverse()) await host.stop();
    await bus.close();
  };
  return { get, startSaga, ofSaga, inventory, payments, notifications, stop };
}

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not met within 5 s");
}

const statuses = (events: EventEnvelope[]) => events.map((e) => (e.data as { status: string }).status);

describe("CreateOrderSaga through real participants", () => {
  it("completes: inventory appends, the gateway's provider charges, the order is confirmed and notified", async () => {
    const sys = await system({});
    try {
      const saga = await sys.startSaga();
      assert.equal(saga.status, "completed", JSON.stringify(saga.log));
      assert.deepEqual(saga.completedSteps, ["ValidateInventory", "ReservePayment", "CreateShipment"]);
      const stream = await sys.get<{ events: Array<{ type: string; data: { command: string } }> }>(\`\${sys.inventory}/inventories/\${saga.id}/events\`);
      assert.deepEqual(stream.events.map((e) => e.data.command), ["ValidateInventory"]);
      await until(() => statuses(sys.ofSaga("OrderStatusChanged", saga.id)).includes("confirmed"));
      assert.deepEqual(statuses(sys.ofSaga("OrderStatusChanged", saga.id)), ["pending", "confirmed"]);
      assert.equal(sys.ofSaga("PaymentSucceeded", saga.id).length, 1);
      const notified = await until(async () => {
        const { items } = await sys.get<{ items: Array<{ event: string }> }>(\`\${sys.notifications}/notifications\`);
        const events = new Set(items.map((n) => n.event));
        return events.size === 3 && [...events].sort();
      });
      assert.deepEqual(notified, ["OrderCreated", "PaymentSucceeded", "ShipmentDispatched"]);
    } finally {
      await sys.stop();
    }
  });

  it("compensates when the payment provider fails: inventory released, order cancelled, breaker open", async () => {
    const sys = await system({ FAKE_PROVIDER_FAILURE_RATE: "1" });
    try {
      const saga = await sys.startSaga();
      assert.equal(saga.status, "compensated", JSON.stringify(saga.log));
      assert.deepEqual(saga.completedSteps, ["ValidateInventory"]);
      assert.deepEqual(saga.compensatedSteps, ["ValidateInventory"]);
      assert.match(saga.log.find((e) => e.step === "ReservePayment" && e.outcome === "failed")?.error ?? "", /stripe \\(fake\\) failed/);
      const stream = await sys.get<{ events: Array<{ data: { command: string } }> }>(\`\${sys.inventory}/inventories/\${saga.id}/events\`);
      assert.deepEqual(stream.events.map((e) => e.data.command), ["ValidateInventory", "ReleaseInventory"]);
      await until(() => statuses(sys.ofSaga("OrderStatusChanged", saga.id)).includes("cancelled"));
      assert.deepEqual(statuses(sys.ofSaga("OrderStatusChanged", saga.id)), ["pending", "cancelling", "cancelled"]);
      assert.equal(sys.ofSaga("OrderCreated", saga.id).length, 1);
      assert.equal(sys.ofSaga("PaymentSucceeded", saga.id).length, 0);
      const breaker = async () =>
        (await sys.get<{ items: Array<{ name: string; breaker: string }> }>(\`\${sys.payments}/providers\`)).items[0]?.breaker;
      for (let sagas = 1; (await breaker()) !== "open" && sagas < 5; sagas++) await sys.startSaga();
      assert.equal(await breaker(), "open");
      const rejected = await sys.startSaga();
      assert.equal(rejected.status, "compensated");
      assert.match(rejected.log.find((e) => e.step === "ReservePayment" && e.outcome === "failed")?.error ?? "", /circuit breaker .* is open/);
    } finally {
      await sys.stop();
    }
  });
});
`;

describe("generated saga participants: order-service's saga through inventory-service and payment-gateway", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "saga" });
  const read = (path: string) => workspace.read(`services/${path}`);
  before(async () => {
    await mkdir(join(workspace.dir, "e2e"));
    await writeFile(join(workspace.dir, "e2e", "saga-flow.test.ts"), FLOW_TEST);
  });

  it("routes each command by its noun and documents the mapping", async () => {
    const saga = await read("order-service/src/domain/sagas/create-order-saga.ts");
    assert.match(
      saga,
      /ValidateInventory → inventory-service, ReservePayment → payment-gateway, CreateShipment → order-service/,
    );
    const readme = await read("order-service/README.md");
    assert.match(
      readme,
      /\| ReservePayment +\| step +\| payment-gateway +\| runs it through its provider port \(breaker, retry\); then publishes PaymentSucceeded *\|/,
    );
    assert.match(
      readme,
      /\| CreateShipment +\| step +\| order-service +\| records it in the orchestrator's store; then publishes ShipmentDispatched *\|/,
    );
    const doc = await workspace.read("docs/architecture.md");
    assert.match(doc, /## Sagas[\s\S]*\| ReleaseInventory +\| compensation +\| inventory-service +\|/);
    assert.match(
      await read("payment-gateway/src/service.ts"),
      /serveSagaCommands\(\s*bus,\s*sagaCommandHandlers\(/,
    );
    assert.match(
      await read("inventory-service/src/domain/aggregates/inventory.ts"),
      /type: "HandleInventorySagaCommand"/,
    );
  });

  it("completes and compensates through the real participants on one bus", async () => {
    const flow = await runInWorkspace(workspace.dir, process.execPath, ["--test", "e2e/saga-flow.test.ts"]);
    assert.equal(flow.code, 0, flow.output);
    assert.match(flow.output, /^ℹ pass 2$/m, flow.output);
  });

  it("passes the services' generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, [
      ...SERVICES.slice(0, 3).map((s) => `services/${s}/src/service.test.ts`),
    ]);
    assert.match(tests, /carries out ReservePayment for order-service's saga once per idempotency key/);
    assert.match(
      tests,
      /compensates completed steps in reverse when ReservePayment fails, and cancels the Order/,
    );
    await assertTypecheckAndLint(workspace.dir);
  });
});
