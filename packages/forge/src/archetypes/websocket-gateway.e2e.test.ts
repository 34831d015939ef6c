/**
 * End to end for the generated websocket-gateway (issue 7): JWT authorization of upgrades
 * (`[services.subscriptions] authorization = "jwt"`), events addressed to one user, and Redis fan-out
 * when `REDIS_URL` is set. Ignites a one-service architecture, checks the wiring, runs the generated
 * tests, the type-check and the lint in the workspace, then starts two instances of the generated
 * service on one real Redis (`startRedis`) and checks that an event received by one instance reaches
 * a client of each once, and that presence spans both.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { SignJWT } from "jose";
import { WebSocket } from "ws";
import { startRedis } from "../../../core/src/testing/redis-server.ts";
import { type CreateServiceFn, startService } from "../../../core/src/testing/service-harness.ts";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";

const ARCHITECTURE = `
[architecture]
name = "realtime-shop"
version = "0.1.0"

[[services]]
name = "realtime-gateway"
type = "websocket-gateway"
responsibility = "Real-time event streaming to clients"
[services.websocket]
presence = true
heartbeat_interval_ms = 30000
max_connections_per_instance = 10000
[services.subscriptions]
events = ["OrderStatusChanged", "ChatMessage"]
authorization = "jwt"
`;

const SECRET = "an-e2e-secret-of-at-least-32-bytes";

const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(SECRET));

/** A subscribed client whose event frames queue up for `next()`. */
async function subscriber(url: string, sub: string, events: string[]) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws`, {
    headers: { authorization: `Bearer ${await token(sub)}` },
  });
  const frames: unknown[] = [];
  const waiters: ((frame: unknown) => void)[] = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { type: string };
    if (frame.type === "subscribed") ws.emit("subscribed");
    if (frame.type !== "event") return;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const confirmed = new Promise((resolve) => ws.once("subscribed", resolve));
  ws.send(JSON.stringify({ type: "subscribe", events }));
  await confirmed;
  const next = () =>
    frames.length > 0 ? Promise.resolve(frames.shift()) : new Promise((resolve) => waiters.push(resolve));
  return { ws, next };
}

describe("generated websocket-gateway: JWT authorization and Redis fan-out", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "realtime" });
  const read = (path: string) => workspace.read(`services/realtime-gateway/${path}`);

  it("verifies upgrades with JWT_SECRET or JWT_JWKS_URL and shares through Redis when REDIS_URL is set", async () => {
    const service = await read("src/service.ts");
    assert.match(service, /authorize: websocketAuthorize\(config\),/);
    assert.match(
      service,
      /\.\.\.\(config\.REDIS_URL === undefined\s*\? \{\}\s*: \{ backplane: new RedisBackplane\(\{ url: config\.REDIS_URL, prefix: SERVICE_NAME \}\) \}\),/,
    );
    assert.match(service, /await hub\.attach\(host\.httpServer\);/);
    const authorize = await read("src/presentation/websocket/authorize.ts");
    assert.match(
      authorize,
      /createJwtVerifier\(\{ secret: config\.JWT_SECRET, algorithms: \["HS256"\], \.\.\.claims \}\)/,
    );
    assert.match(authorize, /jwksUrl: config\.JWT_JWKS_URL,/);
    assert.match(authorize, /needs exactly one of JWT_SECRET \(HS256, for development\) or JWT_JWKS_URL/);
    const router = await read("src/subscriptions/router.ts");
    assert.match(router, /hub\.publish\(event\.type, frame, userId === undefined \? \{\} : \{ userId \}\);/);
    const config = await read("src/config.ts");
    for (const name of ["JWT_SECRET", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "REDIS_URL"]) {
      assert.match(config, new RegExp(`\\b${name}: z\\.`), `${name} in config.ts`);
    }
    assert.match(await read("package.json"), /"jose": "\^6/);
  });

  it("passes its generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, ["services/realtime-gateway/src/service.test.ts"]);
    assert.match(tests, /refuses a WebSocket upgrade without a valid token with 401/);
    assert.match(tests, /accepts a token signed with JWT_SECRET/);
    assert.match(tests, /refuses to start without JWT_SECRET or JWT_JWKS_URL/);
    assert.match(tests, /^ℹ pass 6$/m, tests);
    await assertTypecheckAndLint(workspace.dir);
  });

  it("two instances on one Redis: an event received by one reaches a client of each once; presence spans both", async () => {
    const redis = await startRedis();
    const module = (await import(
      pathToFileURL(join(workspace.dir, "services/realtime-gateway/src/service.ts")).href
    )) as { createService: CreateServiceFn };
    const env = { LOG_LEVEL: "silent", JWT_SECRET: SECRET, REDIS_URL: redis.url };
    const a = await startService(module.createService, { env });
    const b = await startService(module.createService, { env });
    try {
      const alice = await subscriber(a.url, "alice", ["OrderStatusChanged"]);
      const bob = await subscriber(b.url, "bob", ["OrderStatusChanged", "ChatMessage"]);
      await a.publish("OrderStatusChanged", { id: "o-1", status: "confirmed" });
      const received = await Promise.all([alice.next(), bob.next()]);
      for (const frame of received) {
        assert.partialDeepStrictEqual(frame, {
          type: "event",
          event: "OrderStatusChanged",
          payload: { data: { id: "o-1", status: "confirmed" } },
        });
      }
      await a.publish("ChatMessage", { userId: "bob", text: "hi" });
      assert.partialDeepStrictEqual(
        await bob.next(),
        { event: "ChatMessage", payload: { data: { text: "hi" } } },
        "bob's next event is his message on the other instance, not a second OrderStatusChanged",
      );
      const users = await b.waitFor(async () => {
        const { body } = await b.request<{ items: { userId: string }[] }>("/presence");
        return body.items.length === 2 && body.items.map((p) => p.userId);
      });
      assert.deepEqual(users, ["alice", "bob"]);
      alice.ws.close();
      bob.ws.close();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }
  });
});
