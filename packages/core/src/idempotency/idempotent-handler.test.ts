import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { invokeHandler, type UnaryHandler } from "../router/handler.ts";
import { userHandlers } from "../router/users.fixture.ts";
import { idempotentHandlers } from "./idempotent-handler.ts";
import { MemoryIdempotencyStore } from "./memory-idempotency-store.ts";

function setup() {
  const store = new MemoryIdempotencyStore();
  const handlers = idempotentHandlers(userHandlers(), { store });
  const byName = (name: string) => handlers.find((h) => h.name === name) as UnaryHandler;
  const call = (name: string, input: unknown, headers: Record<string, string> = {}) =>
    invokeHandler(byName(name), input, { protocol: "grpc", headers, signal: new AbortController().signal });
  const count = async () => ((await call("listUsers", {})) as { users: unknown[] }).users.length;
  return { handlers, call, count };
}

const ada = { email: "ada@example.com", name: "Ada" };

describe("idempotentHandlers", () => {
  it("runs a retried call once and replays its output", async () => {
    const { call, count } = setup();
    const first = await call("createUser", ada, { "idempotency-key": "k1" });
    const retry = await call(
      "createUser",
      { name: "Ada", email: "ada@example.com" },
      { "idempotency-key": "k1" },
    );
    assert.deepEqual(retry, first);
    assert.equal(await count(), 1);
  });

  it("refuses the key with another input (unprocessable) and runs calls without a key", async () => {
    const { call, count } = setup();
    await call("createUser", ada, { "idempotency-key": "k1" });
    await assert.rejects(
      call("createUser", { ...ada, name: "Grace" }, { "idempotency-key": "k1" }),
      (error) => hasErrorCode(error, "unprocessable"),
    );
    await call("createUser", { email: "grace@example.com", name: "Grace" });
    assert.equal(await count(), 2);
  });

  it("50 concurrent calls with one key: exactly one execution", async () => {
    const { call, count } = setup();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => call("createUser", ada, { "idempotency-key": "same" })),
    );
    assert.equal(await count(), 1);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected")
        assert.ok(hasErrorCode(outcome.reason, "conflict"), String(outcome.reason));
    }
  });

  it("replays a caller's error (409 conflict) rather than running again", async () => {
    const { call } = setup();
    await call("createUser", ada);
    const first = call("createUser", ada, { "idempotency-key": "k2" });
    await assert.rejects(first, (error) => hasErrorCode(error, "conflict"));
    await assert.rejects(
      call("createUser", ada, { "idempotency-key": "k2" }),
      (error) => hasErrorCode(error, "conflict") && error.details.replayed === true,
    );
  });

  it("scopes keys per tenant and leaves queries unwrapped", async () => {
    const { call, count, handlers } = setup();
    await call("createUser", ada, { "idempotency-key": "k", "x-tenant-id": "t1" });
    await assert.rejects(call("createUser", ada, { "idempotency-key": "k", "x-tenant-id": "t2" }), (error) =>
      hasErrorCode(error, "conflict"),
    );
    assert.equal(await count(), 1);
    const original = userHandlers().find((h) => h.name === "getUser");
    assert.equal(handlers.find((h) => h.name === "getUser")?.description, original?.description);
  });
});
