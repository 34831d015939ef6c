import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { createLogger } from "../observability/logger.ts";
import { createMemoryLogDestination } from "../observability/memory-log-destination.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { runEventBusContract } from "./event-bus.contract.ts";
import type { EventEnvelope } from "./event-envelope.ts";
import { createEvent } from "./event-envelope.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";

const silent = createLogger({ service: "test", level: "silent" });
runEventBusContract("in-process", () => new InProcessEventBus({ logger: silent }), {
  skip: { redelivery: "nothing is persisted in-process; the Consumer runtime retries in place" },
});

const ids = sequentialIds("e");
const event = (type: string, data: unknown = {}) => createEvent(type, data, { source: "test", ids });

describe("createEvent", () => {
  it("fills id, time and headers from the injected clock and ids", () => {
    const e = createEvent(
      "order.placed",
      { n: 1 },
      {
        source: "orders",
        key: "o-1",
        clock: new ManualClock(Date.parse("2025-03-01T10:00:00Z")),
        ids: sequentialIds("x"),
      },
    );
    assert.deepEqual(e, {
      id: "x-1",
      type: "order.placed",
      source: "orders",
      time: "2025-03-01T10:00:00.000Z",
      data: { n: 1 },
      key: "o-1",
      headers: {},
    });
    assert.throws(
      () => createEvent("*", {}, { source: "s" }),
      (err) => hasErrorCode(err, "validation"),
    );
    assert.throws(
      () => createEvent("a", {}, { source: "" }),
      (err) => hasErrorCode(err, "validation"),
    );
  });
});

describe("InProcessEventBus", () => {
  it("round-robins a group's events among its members", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    const got: string[] = [];
    bus.subscribe("job", async () => void got.push("a"), { group: "workers" });
    bus.subscribe("job", async () => void got.push("b"), { group: "workers" });
    for (let i = 0; i < 4; i++) await bus.publish(event("job"));
    await bus.close();
    assert.deepEqual(got, ["a", "b", "a", "b"]);
  });

  it("hands every handler one deeply frozen JSON copy: none can change what another sees", async () => {
    const failures: unknown[] = [];
    const bus = new InProcessEventBus({ logger: silent, onError: (_, error) => failures.push(error) });
    const seen: EventEnvelope[] = [];
    const mutate = async (e: EventEnvelope) => {
      seen.push(e);
      (e.data as { n: number }).n += 1;
    };
    bus.subscribe("x", mutate);
    bus.subscribe("x", mutate);
    const sent = event("x", { n: 1, at: new Date(0), lines: [{ sku: "a" }] });
    await bus.publish(sent);
    (sent.data as { n: number }).n = 99;
    await bus.close();
    assert.equal(seen.length, 2);
    for (const e of seen) {
      assert.deepEqual(e.data, { n: 1, at: "1970-01-01T00:00:00.000Z", lines: [{ sku: "a" }] });
      assert.ok(Object.isFrozen(e) && Object.isFrozen(e.data) && Object.isFrozen(e.headers));
      assert.ok(Object.isFrozen((e.data as { lines: object[] }).lines[0]));
    }
    assert.equal(failures.length, 2);
    assert.ok(failures.every((error) => error instanceof TypeError));
    assert.deepEqual(sent.data, { n: 99, at: new Date(0), lines: [{ sku: "a" }] });
  });

  it("starts the deliveries published in one turn in publish order, in a later turn", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    const got: number[] = [];
    bus.subscribe("n", async (e) => void got.push((e.data as { i: number }).i));
    for (let i = 0; i < 5; i++) await bus.publish(event("n", { i }));
    assert.deepEqual(got, []);
    assert.equal(bus.pendingDeliveries, 5);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    await bus.close();
    assert.equal(bus.pendingDeliveries, 0);
  });

  it("lets a handler await its own unsubscribe after an await, and waits for deliveries of other turns", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowDone = false;
    let unsubscribing = false;
    let unsubscribed = false;
    const subscription = bus.subscribe("job", async (e) => {
      if ((e.data as { slow?: boolean }).slow) {
        await slow;
        slowDone = true;
        return;
      }
      await new Promise((resolve) => setImmediate(resolve));
      unsubscribing = true;
      await subscription.unsubscribe();
      unsubscribed = true;
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await bus.publish(event("job", { slow: true }));
    await turn();
    await bus.publish(event("job", {}));
    while (!unsubscribing) await turn();
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(unsubscribed, false, "waits for the slow delivery of an earlier turn");
    releaseSlow();
    await bus.close();
    assert.ok(slowDone && unsubscribed);
  });

  it("rejects events that are not JSON-serialisable", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    await assert.rejects(bus.publish(event("x", { big: 1n })), (e) => hasErrorCode(e, "validation"));
  });

  it("reports handler failures to onError and the log", async () => {
    const logs = createMemoryLogDestination();
    const failures: Array<[string, string, string | undefined]> = [];
    const bus = new InProcessEventBus({
      logger: createLogger({ service: "t", destination: logs }),
      onError: (e, error, group) => failures.push([e.type, (error as Error).message, group]),
    });
    bus.subscribe(
      "x",
      async () => {
        throw new Error("nope");
      },
      { group: "g" },
    );
    bus.subscribe("x", () => {
      throw new Error("sync");
    });
    await bus.publish(event("x"));
    await bus.close();
    assert.deepEqual(failures.sort(), [
      ["x", "nope", "g"],
      ["x", "sync", undefined],
    ]);
    assert.equal(logs.entries().filter((e) => e.msg === "event handler failed").length, 2);
  });

  it("does not deliver to a subscription made after publish", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    const late: EventEnvelope[] = [];
    await bus.publish(event("x"));
    bus.subscribe("x", async (e) => void late.push(e));
    await bus.close();
    assert.deepEqual(late, []);
  });

  it("lets a handler await its own unsubscribe", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    let calls = 0;
    const subscription = bus.subscribe("once", async () => {
      calls += 1;
      await subscription.unsubscribe();
    });
    await bus.publish(event("once"));
    await bus.publish(event("once"));
    await bus.close();
    assert.equal(calls, 1);
  });

  it("refuses to subscribe after close and validates arguments", async () => {
    const bus = new InProcessEventBus({ logger: silent });
    assert.throws(
      () => bus.subscribe("", async () => {}),
      (e) => hasErrorCode(e, "validation"),
    );
    assert.throws(
      () => bus.subscribe("x", async () => {}, { group: " " }),
      (e) => hasErrorCode(e, "validation"),
    );
    await bus.close();
    assert.throws(
      () => bus.subscribe("x", async () => {}),
      (e) => hasErrorCode(e, "unavailable"),
    );
  });
});
