/**
 * The contract every {@link EventBus} adapter passes (house style rule 4; shaped like Hono's
 * `runTest({ newRouter })`). Run it from the adapter's test file:
 * `runEventBusContract("in-process", () => new InProcessEventBus({ logger }))`.
 * Tests use `close()` as the barrier after which every accepted event has been delivered.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { sequentialIds } from "../runtime/clock.ts";
import type { EventBus } from "./event-bus.ts";
import { createEvent, type EventEnvelope } from "./event-envelope.ts";

/** Makes a fresh, empty bus for one test. */
export type EventBusFactoryForTest = () => EventBus | Promise<EventBus>;

/** Cases an adapter may skip, each with the written reason. */
export type EventBusContractSkips = Partial<Record<"asyncDelivery" | "closeRejectsPublish", string>>;

/** Collects events and resolves `until(n)` once `n` have arrived (fails after `timeoutMs`, default 2000). */
function collector(timeoutMs = 2000) {
  const events: EventEnvelope[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  return {
    events,
    handler: async (event: EventEnvelope) => {
      events.push(event);
      if (waiter !== undefined && events.length >= waiter.n) waiter.resolve();
    },
    until(n: number): Promise<void> {
      if (events.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${events.length} of ${n} events arrived`)),
          timeoutMs,
        );
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
  };
}

/** Registers the event bus contract as a `describe` block. */
export function runEventBusContract(
  name: string,
  factory: EventBusFactoryForTest,
  skip: EventBusContractSkips = {},
): void {
  const ids = sequentialIds("evt");
  const event = (type: string, data: unknown = {}, key?: string) =>
    createEvent(type, data, {
      source: "contract",
      ids,
      headers: { "x-trace": "t1" },
      ...(key === undefined ? {} : { key }),
    });

  describe(`event bus contract: ${name}`, () => {
    it("delivers an event intact to subscribers of its type only", async () => {
      const bus = await factory();
      const placed = collector();
      const cancelled = collector();
      bus.subscribe("order.placed", placed.handler);
      bus.subscribe("order.cancelled", cancelled.handler);
      const sent = event("order.placed", { orderId: "o-1", lines: [{ sku: "a", qty: 2 }] }, "o-1");
      await bus.publish(sent);
      await placed.until(1);
      await bus.close();
      assert.deepEqual(placed.events, [sent]);
      assert.deepEqual(cancelled.events, []);
    });

    it("delivers asynchronously, never inside publish", { skip: skip.asyncDelivery }, async () => {
      const bus = await factory();
      let called = false;
      bus.subscribe("ping", async () => {
        called = true;
      });
      const publishing = bus.publish(event("ping"));
      assert.equal(called, false);
      await publishing;
      await bus.close();
      assert.equal(called, true);
    });

    it('"*" receives every type', async () => {
      const bus = await factory();
      const all = collector();
      bus.subscribe("*", all.handler);
      await bus.publish(event("a.happened"));
      await bus.publish(event("b.happened"));
      await all.until(2);
      await bus.close();
      assert.deepEqual(all.events.map((e) => e.type).sort(), ["a.happened", "b.happened"]);
    });

    it("members of one group share events; each group and each ungrouped subscriber gets every event", async () => {
      const bus = await factory();
      const [billing1, billing2, shipping, audit] = [collector(), collector(), collector(), collector()];
      bus.subscribe("order.placed", billing1.handler, { group: "billing" });
      bus.subscribe("order.placed", billing2.handler, { group: "billing" });
      bus.subscribe("order.placed", shipping.handler, { group: "shipping" });
      bus.subscribe("order.placed", audit.handler);
      const sent = Array.from({ length: 10 }, (_, i) => event("order.placed", { i }));
      for (const e of sent) await bus.publish(e);
      await shipping.until(10);
      await audit.until(10);
      await bus.close();
      const billed = [...billing1.events, ...billing2.events].map((e) => e.id).sort();
      assert.deepEqual(billed, sent.map((e) => e.id).sort(), "each event billed exactly once");
      assert.equal(shipping.events.length, 10);
      assert.equal(audit.events.length, 10);
    });

    it("a failing handler neither reaches publish nor stops later deliveries", async () => {
      const bus = await factory();
      const ok = collector();
      let failures = 0;
      bus.subscribe("job", async () => {
        failures += 1;
        throw new Error("handler failed");
      });
      bus.subscribe("job", ok.handler);
      await bus.publish(event("job"));
      await bus.publish(event("job"));
      await ok.until(2);
      await bus.close();
      assert.equal(failures, 2);
    });

    it("unsubscribe stops delivery", async () => {
      const bus = await factory();
      const seen = collector();
      const subscription = bus.subscribe("tick", seen.handler);
      await bus.publish(event("tick"));
      await seen.until(1);
      await subscription.unsubscribe();
      await bus.publish(event("tick"));
      await bus.close();
      assert.equal(seen.events.length, 1);
    });

    it("close waits for in-flight handlers, then publish is unavailable", {
      skip: skip.closeRejectsPublish,
    }, async () => {
      const bus = await factory();
      let finished = false;
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      bus.subscribe("slow", async () => {
        started();
        await new Promise((resolve) => setImmediate(resolve));
        finished = true;
      });
      await bus.publish(event("slow"));
      await running;
      await bus.close();
      assert.equal(finished, true);
      await assert.rejects(bus.publish(event("slow")), (e) => hasErrorCode(e, "unavailable"));
      await bus.close();
    });
  });
}
