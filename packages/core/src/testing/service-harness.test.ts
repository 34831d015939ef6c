import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEvent } from "../messaging/event-envelope.ts";
import { createLogger } from "../observability/logger.ts";
import { createServiceHost } from "../runtime/service-host.ts";
import { type CreateServiceFn, startService } from "./service-harness.ts";

/** A tiny service: echoes JSON, and republishes every "Ping" as "Pong". */
const createEcho: CreateServiceFn = async ({ bus, port }) => {
  const host = createServiceHost({
    name: "echo",
    port,
    logger: createLogger({ service: "echo", level: "silent" }),
  });
  host.app.post("/echo", async (c) => c.json(await c.req.json(), 201));
  const sub = bus.subscribe("Ping", async (e) => {
    await bus.publish(createEvent("Pong", e.data, { source: "echo" }));
  });
  host.onShutdown("ping", () => sub.unsubscribe(), "drain");
  return host;
};

describe("startService", () => {
  it("serves requests, carries events both ways and records what was published", async () => {
    const svc = await startService(createEcho);
    try {
      const echoed = await svc.request<{ a: number }>("/echo", { method: "POST", body: { a: 1 } });
      assert.equal(echoed.status, 201);
      assert.deepEqual(echoed.body, { a: 1 });
      assert.equal((await svc.request("/missing")).status, 404);
      await svc.publish("Ping", { n: 7 });
      const pong = await svc.waitFor(() => svc.published.find((e) => e.type === "Pong"));
      assert.deepEqual(pong.data, { n: 7 });
    } finally {
      await svc.stop();
    }
  });

  it("rejects waitFor after its timeout, naming the condition", async () => {
    const svc = await startService(createEcho);
    try {
      await assert.rejects(
        svc.waitFor(() => false, 30),
        /condition not met within 30 ms/,
      );
    } finally {
      await svc.stop();
    }
  });
});
