import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { z } from "zod";
import { createLogger } from "../../observability/logger.ts";
import { defineHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import { createRestRouter } from "./rest-router.ts";
import { postJson, type RestTestHost, restUserHandlers, startRestHost } from "./rest-test-host.ts";

const quiet = createLogger({ service: "test", level: "silent" });

describe("service host: raw mounts and the Hono fallback", () => {
  let t: RestTestHost;
  before(async () => {
    t = await startRestHost();
    t.host.router.mount(["GET", "POST"], "/raw/*", async (req, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end(`${req.method} ${req.url}`);
    });
    t.host.router.mount("GET", "/broken", async () => {
      throw new Error("mounted handler bug");
    });
    t.host.app.get("/legacy", (c) => c.json({ from: "hono" }));
    t.host.app.delete("/users/:id", (c) => c.json({ deleted: c.req.param("id") }));
  });
  after(() => t.host.stop("test done"));

  it("serves a mounted Node handler for its methods and maps its failures", async () => {
    let res = await fetch(`${t.url}/raw/graphql?x=1`, { method: "POST" });
    assert.equal(await res.text(), "POST /raw/graphql?x=1");
    res = await fetch(`${t.url}/broken`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error" } });
    res = await fetch(`${t.url}/raw/x`, { method: "PUT" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, POST");
  });

  it("falls back to host.app for every route the router lacks, probes included", async () => {
    assert.deepEqual(await (await fetch(`${t.url}/legacy`)).json(), { from: "hono" });
    await postJson(`${t.url}/users`, { email: "x@example.com", name: "X" });
    assert.equal((await fetch(`${t.url}/users/u1`)).status, 200, "GET /users/:id from the router");
    const res = await fetch(`${t.url}/users/u1`, { method: "DELETE" });
    assert.deepEqual(await res.json(), { deleted: "u1" }, "DELETE /users/:id from Hono");
    assert.equal((await fetch(`${t.url}/health`)).status, 200);
    assert.equal((await fetch(`${t.url}/ready`)).status, 200);
  });

  it("refuses a mount or handler on a route already taken", () => {
    assert.throws(
      () => t.host.router.mount("POST", "/users", async () => {}),
      /mount at \/users: cannot route POST \/users: .*give it another path/,
    );
    assert.throws(
      () => t.host.serve(userHandlers()),
      /name "createUser" is also used by handler "createUser"/,
    );
  });

  it("answers 413 for a chunked body over the limit and closes the connection", async () => {
    const { port } = new URL(t.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({
        port,
        method: "POST",
        path: "/users",
        headers: { "content-type": "application/json" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.write(`{"name":"${"x".repeat(700_000)}`);
      req.write(`${"y".repeat(700_000)}"}`);
      req.end();
    });
    assert.equal(status, 413);
  });
});

describe("service host: shutdown with router traffic in flight", () => {
  it("lets an in-flight handler finish and ends open event streams, without timing out", async () => {
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const slow = defineHandler({
      kind: "unary",
      name: "slow",
      input: z.object({}),
      output: z.object({ done: z.boolean() }),
      rest: { method: "GET", path: "/slow" },
      handle: async () => {
        entered.resolve();
        await release.promise;
        return { done: true };
      },
    });
    const t = await startRestHost([...restUserHandlers(), slow]);
    const stream = await fetch(`${t.url}/users/events`);
    const streamText = stream.text();
    const slowAnswer = fetch(`${t.url}/slow`);
    await entered.promise;
    const stopping = t.host.stop("test");
    assert.equal(await streamText, "", "the stream ends when shutdown begins");
    release.resolve();
    assert.deepEqual(await (await slowAnswer).json(), { done: true });
    const report = await stopping;
    assert.equal(report.timedOut, false);
    assert.deepEqual(report.unfinished, []);
  });
});

describe("createRestRouter on its own node:http server", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("serves handlers and answers 404 and 405 itself", async () => {
    const router = createRestRouter(userHandlers(), { logger: quiet });
    server = createServer(router.listener).listen(0, "127.0.0.1");
    await new Promise((resolve) => server?.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    assert.equal((await postJson(`${url}/users`, { email: "a@example.com", name: "A" })).status, 201);
    assert.equal((await fetch(`${url}/users`)).status, 200);
    const wrongMethod = await fetch(`${url}/users/u1`, { method: "PATCH" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET");
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  });

  it("rejects a non-positive body limit and paths without a leading slash", () => {
    assert.throws(() => createRestRouter([], { logger: quiet, bodyLimitBytes: 0 }), /bodyLimitBytes/);
    const router = createRestRouter([], { logger: quiet });
    assert.throws(() => router.mount("GET", "docs", async () => {}), /path "docs" must start with "\/"/);
  });
});
