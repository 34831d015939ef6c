/**
 * The contract every {@link EventBus} adapter passes (house style rule 4; shaped like Hono's
 * `runTest({ newRouter })`). Run it from the adapter's test file:
 * `runEventBusContract("in-process", () => new InProcessEventBus({ logger }))`.
 * Tests wait for the deliveries they expect rather than using `close()` as a barrier, so broker
 * adapters (where a published event is in the broker, not in the bus) run the same cases.
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
export type EventBusContractSkips = Partial<
  Record<"asyncDelivery" | "closeRejectsPublish" | "redelivery", string>
>;

/** Adapter facts the contract needs. */
export interface EventBusContractOptions {
  /** Cases skipped, each with its reason. */
  skip?: EventBusContractSkips;
  /** The `maxDeliver` the factory's buses use (for the redelivery cases). Default 5. */
  maxDeliver?: number;
  /** How long a case waits for expected deliveries, ms. Default 5000. */
  timeoutMs?: number;
}

/** Polls `condition` every 5 ms; fails after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects events and resolves `until(n)` once `n` have arrived (fails after `timeoutMs`). */
function newCollector(timeoutMs: number) {
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
  options: EventBusContractOptions = {},
): void {
  const skip = options.skip ?? {};
  const maxDeliver = options.maxDeliver ?? 5;
  const timeoutMs = options.timeoutMs ?? 5000;
  const collector = () => newCollector(timeoutMs);
  const waitFor = (condition: () => boolean, what: string) => eventually(condition, timeoutMs, what);
  const ids = sequentialIds(`evt-${Date.now().toString(36)}`);
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
      await waitFor(() => called, "the handler");
      await bus.close();
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
      await waitFor(() => billing1.events.length + billing2.events.length >= 10, "billing");
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
      await waitFor(() => failures >= 2, "both failures");
      await bus.close();
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

    it("carries headers, trace context included, end to end", async () => {
      const bus = await factory();
      const seen = collector();
      bus.subscribe("traced", seen.handler, { group: "tracing" });
      const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const sent = createEvent(
        "traced",
        { n: 1 },
        {
          source: "contract",
          ids,
          headers: { traceparent, tracestate: "rojo=00f067aa0ba902b7", "x-correlation-id": "c-1" },
        },
      );
      await bus.publish(sent);
      await seen.until(1);
      await bus.close();
      assert.deepEqual(seen.events[0]?.headers, sent.headers);
    });

    it("hands a group the events of one key one at a time, in publish order", async () => {
      const bus = await factory();
      const order = new Map<string, number[]>();
      const running = new Set<string>();
      let overlaps = 0;
      let done = 0;
      bus.subscribe(
        "account.changed",
        async (e) => {
          const key = e.key ?? "";
          if (running.has(key)) overlaps += 1;
          running.add(key);
          await new Promise((resolve) => setTimeout(resolve, (e.data as { i: number }).i % 3));
          order.set(key, [...(order.get(key) ?? []), (e.data as { i: number }).i]);
          running.delete(key);
          done += 1;
        },
        { group: "ledger", prefetch: 16 },
      );
      const keys = ["a-1", "a-2", "a-3"];
      for (let i = 0; i < 30; i++) await bus.publish(event("account.changed", { i }, keys[i % 3]));
      await waitFor(() => done >= 30, "30 deliveries");
      await bus.close();
      assert.equal(overlaps, 0, "no two events of one key ran at once");
      keys.forEach((key, k) => {
        const expected = Array.from({ length: 10 }, (_, j) => j * 3 + k);
        assert.deepEqual(order.get(key), expected, `order of key ${key}`);
      });
    });

    it("redelivers a rejected event, then takes the ack", { skip: skip.redelivery }, async () => {
      const bus = await factory();
      const deliveries: string[] = [];
      bus.subscribe(
        "payment.requested",
        async (e) => {
          deliveries.push(e.id);
          if (deliveries.length === 1) throw new Error("gateway timeout");
        },
        { group: "payments" },
      );
      const sent = event("payment.requested", { amount: 5 });
      await bus.publish(sent);
      await waitFor(() => deliveries.length >= 2, "the redelivery");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await bus.close();
      assert.deepEqual(deliveries, [sent.id, sent.id], "delivered twice, acked once");
    });

    it("gives up on an event after maxDeliver deliveries while others keep flowing", {
      skip: skip.redelivery,
    }, async () => {
      const bus = await factory();
      let poisonDeliveries = 0;
      const fine = collector();
      bus.subscribe(
        "row.imported",
        async (e) => {
          if ((e.data as { poison?: boolean }).poison) {
            poisonDeliveries += 1;
            throw new Error("cannot parse row");
          }
          await fine.handler(e);
        },
        { group: "importer" },
      );
      await bus.publish(event("row.imported", { poison: true }));
      for (let i = 0; i < 5; i++) await bus.publish(event("row.imported", { i }));
      await fine.until(5);
      await waitFor(() => poisonDeliveries >= maxDeliver, `${maxDeliver} deliveries of the poison event`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await bus.close();
      assert.equal(poisonDeliveries, maxDeliver);
    });
  });
}
