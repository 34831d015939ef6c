import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import {
  type AsyncMethod,
  circuitBreaker,
  type ResilienceDecorator,
  rateLimited,
  resilient,
  retry,
} from "./decorators.ts";
import { advance, fakeNow, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

type Method = AsyncMethod<unknown, never[], unknown>;

/**
 * Applies a method decorator the way the TC39 protocol (and tsc's `__esDecorate`) does: call it with
 * the method and a context, and install what it returns in place of the method.
 */
function decorate(target: { prototype: object }, name: string, decorator: ResilienceDecorator): void {
  const method = Object.getOwnPropertyDescriptor(target.prototype, name)?.value as Method;
  const context = {
    kind: "method",
    name,
    static: false,
    private: false,
    access: { has: (o: object) => name in o, get: (o: object) => (o as Record<string, unknown>)[name] },
    addInitializer: () => {},
    metadata: {},
  } as unknown as ClassMethodDecoratorContext;
  Object.defineProperty(target.prototype, name, {
    value: decorator(method, context),
    writable: true,
    configurable: true,
  });
}

const down = new AllFrameError("unavailable", "provider down");

describe("resilience decorators", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  it("wrap a plain function: retry(policy)(fn)", async () => {
    let calls = 0;
    const fetchStock = retry({ maxAttempts: 3, initialIntervalMs: 10, jitter: "none" })(
      async (sku: string) => {
        calls += 1;
        if (calls < 3) throw down;
        return `${sku}: 7`;
      },
    );
    const result = track(fetchStock("sku-1"));
    await advance(10);
    await advance(20);
    assert.equal(await result.promise, "sku-1: 7");
    assert.equal(calls, 3);
  });

  it("decorate a method through the standard protocol, keeping `this` and the arguments", async () => {
    const orchestrator = new ResilienceOrchestrator({ now: fakeNow });
    class PaymentClient {
      attempts = 0;
      readonly provider: string;
      constructor(provider: string) {
        this.provider = provider;
      }
      async refund(orderId: string, cents: number): Promise<string> {
        this.attempts += 1;
        if (this.attempts === 1) throw down;
        return `${this.provider} refunded ${cents} on ${orderId}`;
      }
    }
    decorate(
      PaymentClient,
      "refund",
      retry(
        { initialIntervalMs: 10, jitter: "none", idempotentOnly: true },
        { orchestrator, idempotent: true },
      ),
    );
    const client = new PaymentClient("stripe");
    const refund = track(client.refund("o-1", 500));
    await advance(10);
    assert.equal(await refund.promise, "stripe refunded 500 on o-1");
    assert.equal(client.attempts, 2);
  });

  it("give each decorated method its own breaker, named after it", async () => {
    const orchestrator = new ResilienceOrchestrator({ now: fakeNow });
    const breaker = circuitBreaker({ failureThreshold: 1 }, { orchestrator });
    class Erp {
      calls: string[] = [];
      async orders(): Promise<string> {
        this.calls.push("orders");
        throw down;
      }
      async stock(): Promise<string> {
        this.calls.push("stock");
        return "stock";
      }
    }
    decorate(Erp, "orders", breaker);
    decorate(Erp, "stock", breaker);
    const erp = new Erp();
    await assert.rejects(erp.orders(), /provider down/);
    await assert.rejects(
      erp.orders(),
      (e: unknown) => hasErrorCode(e, "unavailable") && /"orders" is open/.test(e.message),
    );
    assert.equal(await erp.stock(), "stock");
    assert.deepEqual(erp.calls, ["orders", "stock"]);
  });

  it("share the state of a policy registered by name", async () => {
    const orchestrator = new ResilienceOrchestrator({
      policies: { erp: { circuitBreaker: { failureThreshold: 1 } } },
    });
    const failing = resilient("erp", { orchestrator })(async () => {
      throw down;
    });
    const other = resilient("erp", { orchestrator })(async () => "never called");
    await assert.rejects(failing());
    await assert.rejects(
      other(),
      (e: unknown) => hasErrorCode(e, "unavailable") && e.details.reason === "circuit-open",
    );
  });

  it("rate-limit per key taken from the arguments", async () => {
    const dashboard = rateLimited(
      { rps: 1, burst: 1, per: "user" },
      { orchestrator: new ResilienceOrchestrator({ now: fakeNow }), key: (userId: string) => userId },
    )(async (userId: string) => `dashboard of ${userId}`);
    assert.equal(await dashboard("alice"), "dashboard of alice");
    assert.equal(await dashboard("bob"), "dashboard of bob");
    await assert.rejects(dashboard("alice"), (e: unknown) => hasErrorCode(e, "rate-limited"));
    await advance(1_000);
    assert.equal(await dashboard("alice"), "dashboard of alice");
  });

  it("refuse anything but a method, and an invalid policy at once", () => {
    const field = { kind: "field", name: "handler" } as unknown as ClassMethodDecoratorContext;
    assert.throws(
      () => retry()(async () => 1, field),
      (e: unknown) =>
        hasErrorCode(e, "configuration") && /apply to methods; "handler" is a field/.test(e.message),
    );
    assert.throws(
      () => retry({ maxAttempts: 0 }),
      (e: unknown) => hasErrorCode(e, "configuration"),
    );
  });
});
