import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { afterEach, describe, it, mock } from "node:test";
import { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger } from "../observability/logger.ts";
import { createMemoryLogDestination } from "../observability/memory-log-destination.ts";
import { ManualClock } from "./clock.ts";
import { createServiceHost, type ServiceHost, type ServiceHostOptions } from "./service-host.ts";
import { readJson } from "./validation.ts";

const hosts: ServiceHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop("test done")));
});

function makeHost(overrides: Partial<ServiceHostOptions> = {}) {
  const logs = createMemoryLogDestination();
  const host = createServiceHost({
    name: "orders",
    version: "1.2.3",
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({ service: "orders", level: "debug", destination: logs }),
    ...overrides,
  });
  hosts.push(host);
  return { host, logs };
}

describe("service host", () => {
  it("serves /health with service, version and uptime", async () => {
    const clock = new ManualClock(Date.parse("2025-01-01T00:00:00Z"));
    const { host } = makeHost({ clock });
    const { url, port } = await host.start();
    assert.ok(port > 0);
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.ok(host.httpServer?.listening);
    clock.advance(61_500);
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: "ok",
      service: "orders",
      version: "1.2.3",
      uptimeSeconds: 61,
    });
  });

  it("runs start hooks in order once listening, with the HTTP server available", async () => {
    const { host } = makeHost();
    const seen: string[] = [];
    host.onStart("first", () => {
      seen.push(`first:${host.httpServer?.listening === true}`);
    });
    host.onStart("second", async () => {
      seen.push("second");
    });
    await host.start();
    assert.deepEqual(seen, ["first:true", "second"]);
    assert.throws(() => host.onStart("late", () => {}), /added after start/);
  });

  it("rejects start() naming a failing start hook", async () => {
    const { host } = makeHost();
    host.onStart("consumer", () => {
      throw new Error("broker down");
    });
    await assert.rejects(host.start(), /start hook "consumer" of orders failed: broker down/);
  });

  it("reports readiness from its checks, and not-ready when one fails", async () => {
    const { host } = makeHost();
    let dbUp = true;
    host.addReadinessCheck("database", () => dbUp);
    host.addReadinessCheck("bus", async () => true);
    const { url } = await host.start();
    let res = await fetch(`${url}/ready`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ready", checks: { database: true, bus: true } });
    dbUp = false;
    res = await fetch(`${url}/ready`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: "not-ready", checks: { database: false, bus: true } });
    assert.throws(() => host.addReadinessCheck("bus", () => true), /already registered/);
  });

  it("counts a throwing readiness check as false", async () => {
    const { host } = makeHost();
    host.addReadinessCheck("broken", () => {
      throw new Error("no");
    });
    const res = await host.app.request("/ready");
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: "not-ready", checks: { broken: false } });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { host } = makeHost();
    const { url } = await host.start();
    const res = await fetch(`${url}/nope?x=1`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: "not-found", message: "no route GET /nope" } });
  });

  it("maps AllFrame errors to their HTTP status, with validation issues", async () => {
    const { host, logs } = makeHost();
    host.app.get("/users/:id", (c) => {
      throw new AllFrameError("not-found", `user ${c.req.param("id")} does not exist`);
    });
    host.app.post("/orders", async (c) => {
      const input = await readJson(c, z.object({ sku: z.string(), quantity: z.number().int().positive() }));
      return c.json(input, 201);
    });
    const { url } = await host.start();

    let res = await fetch(`${url}/users/42`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: "not-found", message: "user 42 does not exist" } });

    res = await fetch(`${url}/orders`, { method: "POST", body: JSON.stringify({ sku: 7, quantity: 0 }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string; issues: unknown[] } };
    assert.equal(body.error.code, "validation");
    assert.match(body.error.message, /sku: .*; quantity: /);
    assert.deepEqual(
      body.error.issues.map((i) => (i as { path: unknown[] }).path),
      [["sku"], ["quantity"]],
    );

    res = await fetch(`${url}/orders`, { method: "POST", body: "{not json" });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: { code: "validation", message: "request body is not valid JSON" },
    });

    res = await fetch(`${url}/orders`, { method: "POST", body: JSON.stringify({ sku: "a", quantity: 2 }) });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { sku: "a", quantity: 2 });

    const requestLines = logs.entries().filter((e) => e.msg === "request");
    assert.deepEqual(
      requestLines.map((e) => [e.method, e.path, e.status, e.level]),
      [
        ["GET", "/users/42", 404, "info"],
        ["POST", "/orders", 400, "info"],
        ["POST", "/orders", 400, "info"],
        ["POST", "/orders", 201, "debug"],
      ],
    );
    assert.ok(requestLines.every((e) => typeof e.durationMs === "number"));
  });

  it("turns unknown throwables into an opaque 500 and logs the stack", async () => {
    const { host, logs } = makeHost();
    host.app.get("/boom", () => {
      throw new Error("secret connection string postgres://u:p@db");
    });
    host.app.get("/string", () => {
      throw "a bare string";
    });
    host.app.get("/internal", () => {
      throw new AllFrameError("internal", "disk /var/secret is full");
    });
    for (const path of ["/boom", "/string", "/internal"]) {
      const res = await host.app.request(path);
      assert.equal(res.status, 500, path);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { error: { code: "internal", message: "internal error" } });
      assert.doesNotMatch(text, /secret/);
    }
    const logged = logs.entries().find((e) => e.path === "/boom" && e.level === "error");
    const err = logged?.err as { stack?: string } | undefined;
    assert.match(String(err?.stack), /secret connection string/);
  });

  it("drains an in-flight request, then runs drain hooks before close hooks, each in reverse order", async () => {
    const { host } = makeHost();
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const order: string[] = [];
    host.app.get("/slow", async (c) => {
      entered.resolve();
      await release.promise;
      order.push("request finished");
      return c.json({ done: true });
    });
    host.onShutdown("store", () => void order.push("close store"));
    host.onShutdown("consumer", () => void order.push("drain consumer"), "drain");
    host.onShutdown("pool", async () => void order.push("close pool"));
    host.onShutdown("scheduler", () => void order.push("drain scheduler"), "drain");
    const { url } = await host.start();

    const response = fetch(`${url}/slow`);
    await entered.promise;
    const stopping = host.stop("test");
    assert.equal(host.shutdownSignal.aborted, true);
    const ready = await host.app.request("/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: "shutting-down", checks: {} });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [], "hooks wait for the in-flight request");
    release.resolve();

    const res = await response;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { done: true });
    const report = await stopping;
    assert.deepEqual(order, [
      "request finished",
      "drain scheduler",
      "drain consumer",
      "close pool",
      "close store",
    ]);
    assert.equal(report.timedOut, false);
    assert.deepEqual(report.unfinished, []);
    assert.equal(host.httpServer, undefined);
    await assert.rejects(fetch(`${url}/health`), "no longer accepting connections");
  });

  it("cancels named background tasks at stop, after the service's own drain hooks, and keeps their results", async () => {
    const { host } = makeHost();
    const order: string[] = [];
    const poller = host.tasks.spawn(
      "poller",
      (signal) =>
        new Promise<string>((resolve) =>
          signal.addEventListener("abort", () => {
            order.push("task cancelled");
            resolve("stopped cleanly");
          }),
        ),
    );
    host.onShutdown("consumer", () => void order.push("consumer drained"), "drain");
    host.onShutdown("pool", () => void order.push("pool closed"), "close");
    await host.start();
    const report = await host.stop();
    assert.equal(await poller.result, "stopped cleanly");
    assert.deepEqual(order, ["consumer drained", "task cancelled", "pool closed"]);
    assert.equal(report.timedOut, false);
  });

  it("is safe to stop twice, and concurrent stops share one shutdown", async () => {
    const { host } = makeHost();
    let runs = 0;
    host.onShutdown("count", () => void runs++);
    await host.start();
    const [a, b] = [host.stop(), host.stop()];
    assert.equal(a, b);
    await a;
    await host.stop();
    assert.equal(runs, 1);
    await assert.rejects(host.start(), (e) => e instanceof AllFrameError && e.code === "unavailable");
  });

  it("logs a failing hook and still runs the others", async () => {
    const { host, logs } = makeHost();
    const ran: string[] = [];
    host.onShutdown("first", () => void ran.push("first"));
    host.onShutdown("broken", () => {
      throw new Error("cannot close");
    });
    const report = await host.stop();
    assert.deepEqual(ran, ["first"]);
    assert.deepEqual(report.failed, ["broken"]);
    assert.equal(report.timedOut, false);
    assert.ok(logs.entries().some((e) => e.hook === "broken" && e.level === "error"));
  });

  it("gives up at shutdownTimeoutMs and reports the hooks that did not finish", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const { host } = makeHost({ shutdownTimeoutMs: 5000 });
      let hookSignal: AbortSignal | undefined;
      host.onShutdown("never-runs", () => undefined);
      host.onShutdown(
        "hangs",
        (signal) => {
          hookSignal = signal;
          return new Promise(() => {});
        },
        "drain",
      );
      const stopping = host.stop();
      await new Promise((r) => setImmediate(r));
      assert.equal(hookSignal?.aborted, false);
      mock.timers.tick(5000);
      const report = await stopping;
      assert.equal(hookSignal?.aborted, true);
      assert.equal(report.timedOut, true);
      assert.deepEqual(report.unfinished, ["hangs", "never-runs"]);
    } finally {
      mock.timers.reset();
    }
  });

  it("cuts a request still running at the deadline and reports it", async () => {
    const { host } = makeHost({ shutdownTimeoutMs: 3000 });
    const entered = Promise.withResolvers<void>();
    host.app.get("/hang", async () => {
      entered.resolve();
      return new Promise<Response>(() => {});
    });
    const { url } = await host.start();
    const response = fetch(`${url}/hang`).then(
      () => "answered",
      () => "connection closed",
    );
    await entered.promise;
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const stopping = host.stop();
      mock.timers.tick(3000);
      const report = await stopping;
      assert.equal(report.timedOut, true);
      assert.deepEqual(report.unfinished, ["http-requests"]);
    } finally {
      mock.timers.reset();
    }
    assert.equal(await response, "connection closed");
  });

  it("lets a drain hook close upgraded connections, and destroys them at the deadline otherwise", async () => {
    for (const closeInHook of [true, false]) {
      const { host } = makeHost({ shutdownTimeoutMs: 3000 });
      const { port } = await host.start();
      const upgraded: Socket[] = [];
      host.httpServer?.on("upgrade", (_req, socket: Socket) => {
        upgraded.push(socket);
        socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
      });
      if (closeInHook) {
        host.onShutdown(
          "sockets",
          () => {
            for (const socket of upgraded) socket.end();
          },
          "drain",
        );
      }
      const client = connect(port, "127.0.0.1");
      const switched = new Promise((resolve) => client.once("data", resolve));
      client.on("error", () => {});
      client.write(`GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n`);
      await switched;
      const clientClosed = new Promise((resolve) => client.once("close", resolve));
      if (closeInHook) client.on("end", () => client.end());
      mock.timers.enable({ apis: ["setTimeout"] });
      try {
        const stopping = host.stop();
        if (!closeInHook) {
          await new Promise((resolve) => setImmediate(resolve));
          mock.timers.tick(3000);
        }
        const report = await stopping;
        assert.deepEqual(report.unfinished, closeInHook ? [] : ["http-server"], `closeInHook=${closeInHook}`);
      } finally {
        mock.timers.reset();
      }
      await clientClosed;
    }
  });

  it("stops on a signal and sets the exit code", async () => {
    const { host } = makeHost();
    await host.start();
    host.installSignalHandlers(["SIGHUP"]);
    const previous = process.exitCode;
    try {
      process.emit("SIGHUP", "SIGHUP");
      assert.equal(host.shutdownSignal.aborted, true);
      await host.stop();
      await new Promise((r) => setImmediate(r));
      assert.equal(process.exitCode, 0);
    } finally {
      process.exitCode = previous;
      process.removeAllListeners("SIGHUP");
    }
  });

  it("rejects a bad port and reports a port in use", async () => {
    assert.throws(() => createServiceHost({ name: "x", port: 70000 }), /not a TCP port/);
    const { host } = makeHost();
    const { port } = await host.start();
    const { host: second } = makeHost({ port });
    await assert.rejects(second.start(), /already in use; set PORT/);
  });
});
