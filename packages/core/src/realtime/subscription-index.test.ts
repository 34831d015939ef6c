import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ANY_EVENT, SubscriptionIndex } from "./subscription-index.ts";

describe("SubscriptionIndex", () => {
  test("keeps each subscriber's event types in subscription order, without duplicates", () => {
    const index = new SubscriptionIndex<string>(10);
    assert.deepEqual(index.subscribe("a", ["OrderPlaced", "OrderShipped"]), ["OrderPlaced", "OrderShipped"]);
    assert.deepEqual(index.subscribe("a", ["OrderShipped", "OrderPaid", "OrderPaid"]), [
      "OrderPlaced",
      "OrderShipped",
      "OrderPaid",
    ]);
    assert.deepEqual(index.unsubscribe("a", ["OrderShipped", "NeverSubscribed"]), [
      "OrderPlaced",
      "OrderPaid",
    ]);
    assert.deepEqual(index.events("a"), ["OrderPlaced", "OrderPaid"]);
    assert.deepEqual(index.events("nobody"), []);
  });

  test("matching yields the subscribers of the type and of '*', each once", () => {
    const index = new SubscriptionIndex<string>(10);
    index.subscribe("orders", ["OrderPlaced"]);
    index.subscribe("all", [ANY_EVENT]);
    index.subscribe("both", ["OrderPlaced", ANY_EVENT]);
    index.subscribe("other", ["UserCreated"]);
    assert.deepEqual([...index.matching("OrderPlaced")].sort(), ["all", "both", "orders"]);
    assert.deepEqual([...index.matching("UserCreated")].sort(), ["all", "both", "other"]);
    assert.deepEqual([...index.matching("Unknown")].sort(), ["all", "both"]);
    assert.deepEqual([...index.matching(ANY_EVENT)].sort(), ["all", "both"]);
    assert.equal(index.has("orders", "OrderPlaced"), true);
    assert.equal(index.has("all", "Unknown"), true, '"*" holds every type');
    assert.equal(index.has("orders", "UserCreated"), false);
    assert.equal(index.has("nobody", "OrderPlaced"), false);
  });

  test("refuses a subscription over the limit and changes nothing", () => {
    const index = new SubscriptionIndex<string>(2);
    index.subscribe("a", ["E1"]);
    assert.equal(index.subscribe("a", ["E2", "E3"]), undefined);
    assert.deepEqual(index.events("a"), ["E1"]);
    assert.deepEqual([...index.matching("E2")], []);
    assert.deepEqual(index.subscribe("a", ["E1", "E2"]), ["E1", "E2"]);
  });

  test("remove and unsubscribing everything forget the subscriber everywhere", () => {
    const index = new SubscriptionIndex<string>(10);
    index.subscribe("a", ["E1", ANY_EVENT]);
    index.subscribe("b", ["E1"]);
    index.remove("a");
    assert.deepEqual(index.events("a"), []);
    assert.deepEqual([...index.matching("E1")], ["b"]);
    assert.deepEqual(index.unsubscribe("b", ["E1"]), []);
    assert.deepEqual([...index.matching("E1")], []);
    index.remove("never-subscribed");
    assert.deepEqual(index.subscribe("b", ["E2"]), ["E2"]);
    assert.deepEqual([...index.matching("E2")], ["b"]);
  });
});
