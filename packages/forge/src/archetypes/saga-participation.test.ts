import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import type { ResolvedArchitecture } from "../config/resolve.ts";
import { commandNoun } from "../config/saga-routes.ts";
import { loadInline } from "../config/test-support.ts";
import { commandsHandledBy, sagaRoutes } from "./saga-participation.ts";

const REFERENCE = new URL("../../../../examples/architecture.toml", import.meta.url);

function load(text: string): ResolvedArchitecture {
  const loaded = loadInline(text);
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics, null, 2));
  return loaded.architecture;
}

function routesOf(architecture: ResolvedArchitecture, orchestrator = "order-service") {
  const service = architecture.services.find((s) => s.name === orchestrator);
  assert.ok(service);
  return sagaRoutes(architecture, service).map((r) => `${r.command} → ${r.service} (${r.kind}, ${r.by})`);
}

const SMALL = `
[architecture]
name = "shop"

[[services]]
name = "order-service"
type = "saga-orchestrator"
[services.saga]
steps = ["ReserveStock", "ChargeCard", "ShipParcel"]
compensation = ["ReleaseStock", "RefundCard", "ReturnParcel"]
participants = { ChargeCard = "billing", RefundCard = "order-service" }

[[services]]
name = "warehouse"
type = "event-sourced"
[services.domain]
entities = ["Stock"]

[[services]]
name = "billing"
type = "gateway"
[services.integrations]
providers = ["stripe"]

[[services]]
name = "parcel-service"
type = "stateless"
`;

describe("saga participation", () => {
  it("takes the noun after the verb", () => {
    assert.equal(commandNoun("ValidateInventory"), "Inventory");
    assert.equal(commandNoun("CreateShipmentLabel"), "ShipmentLabel");
    assert.equal(commandNoun("Ship"), "Ship");
  });

  it("routes the reference saga by noun: inventory and payment to their services, shipment kept local", async () => {
    const architecture = load(await readFile(REFERENCE, "utf8"));
    assert.deepEqual(routesOf(architecture), [
      "ValidateInventory → inventory-service (event-sourced, noun)",
      "ReservePayment → payment-gateway (gateway, noun)",
      "CreateShipment → order-service (local, local)",
      "ReleaseInventory → inventory-service (event-sourced, noun)",
      "RefundPayment → payment-gateway (gateway, noun)",
      "CancelShipment → order-service (local, local)",
    ]);
    const payments = architecture.services.find((s) => s.name === "payment-gateway");
    assert.ok(payments);
    assert.deepEqual(
      commandsHandledBy(architecture, payments).map((r) => [r.command, r.role, r.succeeded]),
      [
        ["ReservePayment", "step", ["PaymentSucceeded"]],
        ["RefundPayment", "compensation", []],
      ],
    );
  });

  it("follows [services.saga] participants first, matches an aggregate, keeps a stateless noun local", () => {
    assert.deepEqual(routesOf(load(SMALL)), [
      "ReserveStock → warehouse (event-sourced, noun)",
      "ChargeCard → billing (gateway, configured)",
      "ShipParcel → order-service (local, local)",
      "ReleaseStock → warehouse (event-sourced, noun)",
      "RefundCard → order-service (local, configured)",
      "ReturnParcel → order-service (local, local)",
    ]);
  });

  it("announces a consumed, otherwise unpublished <Noun><Word> event after a forward step only", () => {
    const architecture = load(`${SMALL}
[[services]]
name = "mailer"
type = "consumer"
[services.consumer]
events = ["CardCharged", "CardRefunded", "StockCreated", "CardChargedTwice"]
`);
    const order = architecture.services.find((s) => s.name === "order-service");
    assert.ok(order);
    const succeeded = Object.fromEntries(
      sagaRoutes(architecture, order).map((r) => [r.command, r.succeeded]),
    );
    assert.deepEqual(succeeded.ChargeCard, ["CardCharged", "CardRefunded"]);
    assert.deepEqual(succeeded.RefundCard, []);
    assert.deepEqual(succeeded.ReserveStock, [], "StockCreated is the warehouse aggregate's own event");
  });
});
