/**
 * Issue 7's end-to-end flow on the generated reference workspace, run as `allframe dev` runs it (every
 * service in one process): first with the embedded defaults (in-process bus, SQLite files), then
 * against real PostgreSQL, NATS JetStream and Redis on loopback. Create a user → UserCreated; place an
 * order → CreateOrderSaga runs its three steps at inventory-service, payment-gateway and order-service
 * itself → notification-service sends OrderCreated on its dev channels → a WebSocket client with a
 * valid JWT receives OrderStatusChanged, one without is refused → analytics-processor emits a window
 * → web-bff answers one GraphQL query with the user and the order. Failure paths: the payment provider
 * failing opens the breaker and the saga compensates in reverse, the order ends cancelled; a poison
 * event lands in the DLQ while others flow; a service restarted mid-flow loses nothing (on NATS).
 *
 * The workspace borrows this checkout's node_modules (as the forge's e2e tests do), so no install.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createEvent, type EventBus, type EventEnvelope, openEventBus } from "@allframe/core";
import { ignite } from "@allframe/forge";
import { startNats } from "../../core/src/testing/nats-server.ts";
import { startPostgres } from "../../core/src/testing/postgres-server.ts";
import { startRedis } from "../../core/src/testing/redis-server.ts";
import { type DevSystem, startDevSystem } from "../src/commands/dev.ts";
import {
  call,
  closeAnalyticsWindow,
  devToken,
  eventually,
  notified,
  observe,
  PORTS,
  placeOrder,
  realtimeClient,
  seenEvent,
  upgradeWithoutToken,
} from "./reference-flow.scenario.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const WATCHED = [
  "UserCreated",
  "OrderCreated",
  "OrderStatusChanged",
  "PaymentSucceeded",
  "ShipmentDispatched",
  "ReleaseInventory",
  "AnalyticsResultsWindow",
];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Starts every service of `workspace` in this process with `env` on top of ours (logs at warn). */
async function startSystem(workspace: string, env: Record<string, string>): Promise<DevSystem> {
  const lines: string[] = [];
  const io = {
    out: (line: string) => lines.push(line),
    err: (line: string) => lines.push(line),
    env: { ...process.env, LOG_LEVEL: "error", ...env },
    cwd: workspace,
  };
  return startDevSystem(workspace, undefined, io);
}

/** The steps every run shares: the happy path, end to end. */
async function happyPath(seen: readonly EventEnvelope[]): Promise<void> {
  const user = await call<{ id: string }>(PORTS.user, "/users", { name: "Ada", email: "ada@example.com" });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  await seenEvent(
    seen,
    "UserCreated",
    (e) => e.type === "UserCreated" && (e.data as { id?: string }).id === user.body.id,
  );

  assert.equal(
    await upgradeWithoutToken(),
    401,
    "an upgrade without a token is refused before the handshake",
  );
  const client = await realtimeClient(await devToken(user.body.id), ["OrderStatusChanged"]);
  const someoneElse = await realtimeClient(await devToken("someone-else"), ["OrderStatusChanged"]);
  try {
    const saga = await placeOrder(user.body.id);
    assert.equal(saga.status, "completed");
    assert.deepEqual(saga.completedSteps, ["ValidateInventory", "ReservePayment", "CreateShipment"]);
    for (const type of ["OrderCreated", "PaymentSucceeded", "ShipmentDispatched"]) {
      await seenEvent(seen, type, (e) => e.type === type && (e.data as { id?: string }).id === saga.id);
    }
    await eventually(
      () => "notification-service did not send OrderCreated on its dev channels",
      10_000,
      async () => {
        const { body } = await call<{ items: Array<{ channel: string; event: string }> }>(
          PORTS.notification,
          "/notifications",
        );
        const channels = body.items.filter((n) => n.event === "OrderCreated").map((n) => n.channel);
        return ["email", "push", "sms"].every((c) => channels.includes(c)) ? true : undefined;
      },
    );
    await eventually(
      () => `the WebSocket client never got the order confirmed: ${JSON.stringify(client.frames)}`,
      10_000,
      async () =>
        client.frames.find(
          (f) =>
            f.type === "event" &&
            f.event === "OrderStatusChanged" &&
            f.payload?.data.id === saga.id &&
            f.payload.data.status === "confirmed",
        ),
    );
    assert.deepEqual(
      someoneElse.frames.filter((f) => f.type === "event"),
      [],
      "another user's connection gets none of this order's status changes",
    );

    const windowStart = await closeAnalyticsWindow();
    const window = await seenEvent(
      seen,
      "AnalyticsResultsWindow",
      (e) => e.type === "AnalyticsResultsWindow",
    );
    assert.equal((window.data as { start: string }).start, new Date(windowStart).toISOString());

    const query = `{ user(id: "${user.body.id}") { status record { name } } sagaInstance(id: "${saga.id}") { status record { status } } }`;
    const answer = await call<{ data: Record<string, { status: string; record: Record<string, string> }> }>(
      PORTS.bff,
      "/graphql",
      { query },
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.data.user, { status: "ok", record: { name: "Ada" } });
    assert.deepEqual(answer.body.data.sagaInstance, { status: "ok", record: { status: "completed" } });
  } finally {
    client.close();
    someoneElse.close();
  }
}

/** A poison event lands in notification-service's DLQ after its retries, while the next event flows. */
async function poisonToDlq(bus: EventBus): Promise<void> {
  const poison = createEvent("PaymentSucceeded", "not an object", { source: "e2e" });
  await bus.publish(poison);
  const fine = createEvent("PaymentSucceeded", { id: "order-after-poison" }, { source: "e2e" });
  await bus.publish(fine);
  await notified(fine.id, "the event after the poison one was not delivered");
  const letter = await eventually(
    () => "the poison event never reached the DLQ",
    15_000,
    async () => {
      const { body } = await call<{
        items: Array<{ event: { id: string }; attempts: number; error: { message: string } }>;
      }>(PORTS.notification, "/dlq");
      return body.items.find((l) => l.event.id === poison.id);
    },
  );
  assert.equal(letter.attempts, 1, "bad data fails the same way every time: dead-lettered without retries");
  assert.match(letter.error.message, /data must be a JSON object/);
}

describe("the reference system, end to end", () => {
  let root: string;
  let workspace: string;
  const cwd = process.cwd();
  before(async () => {
    for (const port of Object.values(PORTS)) {
      assert.ok(await portIsFree(port), `port ${port} is taken on this machine; free it to run this test`);
    }
    root = await mkdtemp(join(tmpdir(), "allframe-flow-"));
    workspace = join(root, "e-commerce-platform");
    const result = await ignite({ configPath: join(REPO, "examples/architecture.toml"), outDir: workspace });
    assert.ok(result.ok, JSON.stringify(result.diagnostics, null, 2));
    await symlink(join(REPO, "node_modules"), join(workspace, "node_modules"), "dir");
    // SQLite files default to .data/ under the working directory, as under `npm run dev`.
    process.chdir(workspace);
  });
  after(async () => {
    process.chdir(cwd);
    await rm(root, { recursive: true, force: true });
  });

  it("under allframe dev with embedded defaults: user, order saga, notifications, WebSocket, analytics, BFF", async () => {
    const system = await startSystem(workspace, {});
    try {
      const bus = system.bus as EventBus;
      const seen = await observe(bus, WATCHED);
      await happyPath(seen);
      await poisonToDlq(bus);
    } finally {
      await system.stop();
    }
  });

  it("with the payment provider failing: the breaker opens, the saga compensates in reverse, the order is cancelled", async () => {
    const system = await startSystem(workspace, { FAKE_PROVIDER_FAILURE_RATE: "1" });
    try {
      const seen = await observe(system.bus as EventBus, WATCHED);
      const saga = await placeOrder("u-broke");
      assert.equal(saga.status, "compensated");
      assert.deepEqual(saga.completedSteps, ["ValidateInventory"]);
      assert.deepEqual(saga.compensatedSteps, ["ValidateInventory"]);
      await seenEvent(seen, "ReleaseInventory", (e) => e.type === "ReleaseInventory");
      await seenEvent(
        seen,
        "OrderStatusChanged cancelled",
        (e) => e.type === "OrderStatusChanged" && (e.data as { status?: string }).status === "cancelled",
      );
      for (let i = 0; i < 5; i++) await placeOrder(`u-broke-${i}`);
      const providers = await call<{ items: Array<{ name: string; breaker: string }> }>(
        PORTS.payment,
        "/providers",
      );
      assert.equal(providers.body.items.find((p) => p.name === "stripe")?.breaker, "open");
    } finally {
      await system.stop();
    }
  });

  it("on real PostgreSQL, NATS and Redis: the same flow, and a restarted consumer loses nothing", async () => {
    const [postgres, nats, redis] = await Promise.all([startPostgres(), startNats(), startRedis()]);
    let system: DevSystem | undefined;
    let observer: EventBus | undefined;
    try {
      const database = await postgres.createDatabase("flow");
      system = await startSystem(workspace, {
        EVENT_BUS_URL: nats.url,
        DATABASE_URL: database,
        IDEMPOTENCY_STORE_URL: database,
        SAGA_COMMAND_STORE_URL: database,
        REDIS_URL: redis.url,
      });
      observer = await openEventBus({ url: nats.url });
      const seen = await observe(observer, WATCHED);
      await happyPath(seen);

      const published = createEvent("OrderCreated", { id: "order-during-restart" }, { source: "e2e" });
      await system.restart("notification-service", () => (observer as EventBus).publish(published));
      await notified(
        published.id,
        "an OrderCreated published while notification-service restarted was lost",
        15_000,
      );
    } finally {
      await system?.stop();
      await observer?.close();
      await Promise.all([postgres.stop(), nats.stop(), redis.stop()]);
    }
  });
});
