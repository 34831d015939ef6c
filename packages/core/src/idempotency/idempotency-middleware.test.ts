import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { AllFrameError } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import type { ServiceHost } from "../runtime/service-host.ts";
import { deferred, type IdempotentApp, startIdempotentApp } from "./idempotency-middleware.fixture.ts";
import { HOUR_MS, type IdempotencyOptions } from "./idempotency-middleware.ts";
import { MemoryIdempotencyStore } from "./memory-idempotency-store.ts";

const hosts: ServiceHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop("test done")));
});

const order = { sku: "sku-1", quantity: 2 };
const key = (k: string) => ({ "Idempotency-Key": k });

async function start(
  overrides: Partial<IdempotencyOptions> = {},
): Promise<IdempotentApp & { clock: ManualClock }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const app = await startIdempotentApp({ store: new MemoryIdempotencyStore({ clock }), ...overrides }, hosts);
  return { ...app, clock };
}

describe("idempotency middleware (Stripe semantics, through a real service host)", () => {
  it("runs the handler once and replays status, chosen headers and body for the same key and body", async () => {
    const app = await start();
    const first = await app.post("/orders", order, key("k-1"));
    const second = await app.post("/orders", order, key("k-1"));
    assert.equal(first.status, 201);
    assert.equal(first.headers.get("idempotent-replayed"), null);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.equal(second.text, first.text);
    assert.match(second.headers.get("content-type") ?? "", /application\/json/);
    assert.equal(second.headers.get("location"), "/orders/o-1");
    assert.equal(second.headers.get("x-not-replayed"), null, "only replayHeaders are stored");
    assert.equal(app.runs.get("orders"), 1);
  });

  it("answers 422 when the key is reused with a different body or a different path", async () => {
    const app = await start();
    assert.equal((await app.post("/orders", order, key("k-1"))).status, 201);
    const otherBody = await app.post("/orders", { ...order, quantity: 3 }, key("k-1"));
    assert.equal(otherBody.status, 422);
    assert.match(JSON.parse(otherBody.text).error.message, /already used with a different request/);
    assert.equal(JSON.parse(otherBody.text).error.code, "unprocessable");
    assert.equal((await app.post("/payments/p-1/capture", {}, key("k-2"))).status, 201);
    assert.equal(
      (await app.post("/payments/p-2/capture", {}, key("k-2"))).status,
      422,
      "same route, other path",
    );
    assert.equal((await app.post("/payments/p-1/capture?x=1", {}, key("k-2"))).status, 422, "other query");
    assert.equal(app.runs.get("orders"), 1);
    assert.equal(app.runs.get("payments"), 1);
  });

  it("answers 409 to a duplicate while the first request is still in flight", async () => {
    const app = await start();
    const gate = deferred();
    const entered = deferred();
    app.beforeOrderReply.hook = () => {
      entered.resolve();
      return gate.promise;
    };
    const first = app.post("/orders", order, key("k-1"));
    await entered.promise;
    const duplicate = await app.post("/orders", order, key("k-1"));
    assert.equal(duplicate.status, 409);
    assert.equal(JSON.parse(duplicate.text).error.code, "conflict");
    const changed = await app.post("/orders", { ...order, quantity: 9 }, key("k-1"));
    assert.equal(changed.status, 422, "a different request under an in-flight key is still a reused key");
    gate.resolve();
    assert.equal((await first).status, 201);
    assert.equal(app.runs.get("orders"), 1);
  });

  it("50 parallel requests with one key: the handler runs exactly once, one 201, the rest 409, then replays", async () => {
    const app = await start();
    const gate = deferred();
    let waiting = 0;
    const allOthersAnswered = deferred();
    app.beforeOrderReply.hook = () => gate.promise;
    const requests = Array.from({ length: 50 }, () =>
      app.post("/orders", order, key("hot")).then((reply) => {
        if (reply.status === 409 && ++waiting === 49) allOthersAnswered.resolve();
        return reply;
      }),
    );
    await allOthersAnswered.promise;
    gate.resolve();
    const replies = await Promise.all(requests);
    assert.deepEqual(
      replies.map((r) => r.status).sort(),
      [201, ...Array.from({ length: 49 }, () => 409)].sort(),
    );
    assert.equal(app.runs.get("orders"), 1);
    const later = await app.post("/orders", order, key("hot"));
    assert.equal(later.headers.get("idempotent-replayed"), "true");
    assert.equal(app.runs.get("orders"), 1);
  });

  it("does not store a failed validation: the corrected retry with the same key runs", async () => {
    const app = await start();
    const bad = await app.post("/orders", { sku: "", quantity: 0 }, key("k-1"));
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.text).error.code, "validation");
    const notJson = await app.post("/orders", "{oops", key("k-1"));
    assert.equal(notJson.status, 400);
    const fixed = await app.post("/orders", order, key("k-1"));
    assert.equal(fixed.status, 201);
    assert.equal(fixed.headers.get("idempotent-replayed"), null);
    assert.equal(app.runs.get("orders"), 1);
  });

  it("does not store a 5xx: the retry runs the handler again", async () => {
    const app = await start();
    app.paymentOutcome.next = (run) => (run === 1 ? "throw-500" : "ok");
    assert.equal((await app.post("/payments/p-1/capture", {}, key("k-1"))).status, 500);
    const retry = await app.post("/payments/p-1/capture", {}, key("k-1"));
    assert.equal(retry.status, 201);
    assert.equal(JSON.parse(retry.text).run, 2);
    assert.equal(
      (await app.post("/payments/p-1/capture", {}, key("k-1"))).headers.get("idempotent-replayed"),
      "true",
    );
  });

  it("stores and replays other 4xx outcomes (the handler ran), like Stripe", async () => {
    const app = await start();
    app.paymentOutcome.next = () => "throw-not-found";
    assert.equal((await app.post("/payments/p-9/capture", {}, key("k-1"))).status, 404);
    const replay = await app.post("/payments/p-9/capture", {}, key("k-1"));
    assert.equal(replay.status, 404);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(JSON.parse(replay.text).error.code, "not-found");
    assert.equal(app.runs.get("payments"), 1);
  });

  it("forgets a key after ttlMs (fake time): the same request then runs again", async () => {
    const app = await start({ ttlMs: 24 * HOUR_MS });
    await app.post("/orders", order, key("k-1"));
    app.clock.advance(24 * HOUR_MS - 1);
    assert.equal((await app.post("/orders", order, key("k-1"))).headers.get("idempotent-replayed"), "true");
    app.clock.advance(1);
    const after = await app.post("/orders", order, key("k-1"));
    assert.equal(after.status, 201);
    assert.equal(after.headers.get("idempotent-replayed"), null);
    assert.equal(app.runs.get("orders"), 2);
  });

  it("scopes keys per tenant and per route", async () => {
    const app = await start();
    assert.equal((await app.post("/orders", order, { ...key("k"), "X-Tenant-ID": "acme" })).status, 201);
    assert.equal((await app.post("/orders", order, { ...key("k"), "X-Tenant-ID": "globex" })).status, 201);
    assert.equal((await app.post("/refunds", order, { ...key("k"), "X-Tenant-ID": "acme" })).status, 201);
    assert.equal(app.runs.get("orders"), 2);
    assert.equal(app.runs.get("refunds"), 1);
    const replay = await app.post("/orders", order, { ...key("k"), "X-Tenant-ID": "globex" });
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
  });

  it("refuses an empty key or one longer than 255 characters with 400; accepts 255", async () => {
    const app = await start();
    const long = await app.post("/orders", order, key("x".repeat(256)));
    assert.equal(long.status, 400);
    assert.equal(JSON.parse(long.text).error.code, "validation");
    assert.match(JSON.parse(long.text).error.message, /1 to 255 characters/);
    assert.equal((await app.post("/orders", order, key('""'))).status, 400);
    assert.equal((await app.post("/orders", order, key("x".repeat(255)))).status, 201);
    assert.equal(app.runs.get("orders"), 1);
  });

  it("treats an IETF quoted key and the bare key as one key", async () => {
    const app = await start();
    await app.post("/orders", order, key('"8e03978e"'));
    assert.equal(
      (await app.post("/orders", order, key("8e03978e"))).headers.get("idempotent-replayed"),
      "true",
    );
  });

  it("lets requests without a key, and methods not listed, through every time", async () => {
    const app = await start({ methods: ["POST"] });
    await app.post("/orders", order);
    await app.post("/orders", order);
    assert.equal(app.runs.get("orders"), 2);
    const put = () => fetch(`${app.url}/payments/p-1/capture`, { method: "PUT", headers: key("k-put") });
    assert.equal((await put()).status, 201);
    assert.equal((await put()).headers.get("idempotent-replayed"), null);
    assert.equal(app.runs.get("payments"), 2);
  });

  it("uses the configured key header, and refuses a missing key when required", async () => {
    const app = await start({ keyHeader: "X-Request-Key", required: true });
    const missing = await app.post("/orders", order, key("ignored"));
    assert.equal(missing.status, 400);
    assert.match(JSON.parse(missing.text).error.message, /X-Request-Key header is required/);
    await app.post("/orders", order, { "X-Request-Key": "k-1" });
    const replay = await app.post("/orders", order, { "X-Request-Key": "k-1" });
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
  });

  it("answers 503 without running the handler when the store is unavailable", async () => {
    const store = new MemoryIdempotencyStore();
    await store.close();
    const app = await startIdempotentApp({ store }, hosts);
    const reply = await app.post("/orders", order, key("k-1"));
    assert.equal(reply.status, 503);
    assert.equal(app.runs.get("orders"), undefined);
  });

  it("still answers the handler's response when storing it fails, and reports the failure", async () => {
    const store = new MemoryIdempotencyStore();
    const reported: AllFrameError[] = [];
    const app = await startIdempotentApp({ store, onStoreError: (e) => reported.push(e) }, hosts);
    app.beforeOrderReply.hook = () => store.close();
    const reply = await app.post("/orders", order, key("k-1"));
    assert.equal(reply.status, 201);
    assert.equal(reported[0]?.code, "unavailable");
  });
});
