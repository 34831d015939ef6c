import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

describe("event flow", () => {
  const result = loadInline(`${HEADER}
[[services]]
name = "orders"
type = "event-sourced"
[services.domain]
events = ["OrderCreated"]

[[services]]
name = "mailer"
type = "consumer"
[services.consumer]
events = ["OrderCreated", "OrderCreatd"]
`);

  it("warns about a consumed event that no service publishes, at the consumption", () => {
    assert.ok(result.ok);
    const d = onlyDiagnostic(result, "event-without-publisher");
    assert.equal(d.severity, "warning");
    assert.equal(d.message, '"OrderCreatd" is consumed but no service publishes it');
    assert.match(d.hint, /^did you mean "OrderCreated"\? add it to a service's domain\.events/);
    assert.deepEqual(d.path, ["services", 1, "consumer", "events", 1]);
    assertAt(d, 14, 27);
  });

  it("catalogs publishers and consumers per event, sorted by name", () => {
    assert.ok(result.ok);
    assert.deepEqual(result.architecture.events, [
      { name: "OrderCreatd", publishers: [], consumers: ["mailer"] },
      { name: "OrderCreated", publishers: ["orders"], consumers: ["mailer"] },
      // The event-sourced service's own aggregate events (config/implied-publications.ts).
      { name: "OrdersArchived", publishers: ["orders"], consumers: [] },
      { name: "OrdersCreated", publishers: ["orders"], consumers: [] },
      { name: "OrdersUpdated", publishers: ["orders"], consumers: [] },
    ]);
    assert.deepEqual(result.architecture.graph.edges, [
      { from: "orders", to: "mailer", kind: "event", event: "OrderCreated" },
    ]);
  });

  it("counts messaging.publishes and producer.events as publishers", () => {
    const ok = loadInline(`${HEADER}
[[services]]
name = "clicks"
type = "producer"
producer = { events = ["Clicked"] }
messaging = { publishes = ["Viewed"] }

[[services]]
name = "cache"
type = "cache"
cache = { invalidation = ["Clicked"] }
subscriptions = { events = ["Viewed"] }
`);
    assert.ok(ok.ok);
    assert.ok(!ok.diagnostics.some((d) => d.code === "event-without-publisher"));
  });
});
