import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import type { ResolvedArchitecture } from "../config/resolve.ts";
import { loadInline } from "../config/test-support.ts";
import type { ServicePlan } from "./archetype.ts";
import { bffArchetype, DATALOADER_VERSION } from "./bff.ts";

const REFERENCE = new URL("../../../../examples/architecture.toml", import.meta.url);

function load(text: string): ResolvedArchitecture {
  const loaded = loadInline(text);
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics, null, 2));
  return loaded.architecture;
}

/** Plans `name` and answers the plan and the files it wrote (paths relative to the service). */
function plan(
  architecture: ResolvedArchitecture,
  name: string,
): { plan: ServicePlan; files: Map<string, string> } {
  const service = architecture.services.find((s) => s.name === name);
  assert.ok(service);
  const files = new Map<string, string>();
  const result = bffArchetype.plan({ architecture, service, files: { write: (p, c) => files.set(p, c) } });
  return { plan: result, files };
}

describe("bff archetype", () => {
  it("gives the reference web-bff typed clients of user-service and order-service, and degrades product-service", async () => {
    const loaded = loadInline(await readFile(REFERENCE, "utf8"));
    assert.ok(loaded.ok);
    const { plan: web, files } = plan(loaded.architecture, "web-bff");
    const users = files.get("src/clients/user-service-client.ts") ?? "";
    for (const entity of ["User", "Profile", "Session"]) {
      assert.match(users, new RegExp(`export interface ${entity} \\{`));
      assert.match(
        users,
        new RegExp(`get${entity}Many\\(ids: readonly string\\[\\]\\): Promise<Array<${entity} \\| Error>>`),
      );
    }
    assert.match(
      users,
      /getUserMany[^{]*\{\s*return this\.eachById\(ids, \(id\) => this\.getUser\(id\)\);/,
      "user-service serves no GraphQL: one GET per id",
    );
    const orders = files.get("src/clients/order-service-client.ts") ?? "";
    assert.match(orders, /startSaga\(context: Record<string, unknown>\): Promise<SagaInstance>/);
    assert.match(orders, /sagaLog\(id: string\): Promise<SagaLogEntry\[\]>/);
    assert.equal(files.has("src/clients/product-service-client.ts"), false);
    assert.match(web.body, /new OverviewAggregator\(clients, \["product-service"\]/);
    assert.match(web.body, /strategy: "stale-while-revalidate",\s*ttlMs: 60000,/);
    assert.deepEqual(
      web.env.map((e) => e.name),
      ["USER_SERVICE_URL", "ORDER_SERVICE_URL"],
    );
    assert.match(web.env[0]?.schema ?? "", /z\.url\(\)\.default\("http:\/\/127\.0\.0\.1:8080"\)/);
    assert.deepEqual(web.dependencies, { dataloader: DATALOADER_VERSION });
    assert.ok(files.has("src/aggregators/record-reader.test.ts"));
    assert.ok(files.has("src/clients/order-service-client.test.ts"));
  });

  it("names records by service when two aggregated services serve the same entity", () => {
    const architecture = load(`
      [architecture]
      name = "twins"
      [[services]]
      name = "eu-users"
      type = "stateless"
      [services.domain]
      entities = ["User"]
      [[services]]
      name = "us-users"
      type = "stateless"
      [services.domain]
      entities = ["User"]
      [[services]]
      name = "bff"
      type = "bff"
      protocols = ["rest", "graphql"]
      [services.bff]
      aggregates = ["eu-users", "us-users"]
    `);
    const { plan: bff, files } = plan(architecture, "bff");
    assert.match(bff.body, /field: "euUsersUser", listField: "euUsersUsers"/);
    assert.match(bff.body, /typeName: "UsUsersUser"/);
    assert.match(files.get("src/domain/records.ts") ?? "", /export const usUsersUserRecord = z\.looseObject/);
    assert.match(bff.body, /strategy: "ttl"/, "no strategy given: plain ttl");
  });

  it("needs no DataLoader when no aggregated service has records to read", () => {
    const architecture = load(`
      [architecture]
      name = "thin"
      [[services]]
      name = "mailer"
      type = "consumer"
      [services.consumer]
      events = ["X"]
      channels = ["email"]
      [[services]]
      name = "bff"
      type = "bff"
      [services.bff]
      aggregates = ["mailer", "ghost"]
    `);
    const { plan: bff, files } = plan(architecture, "bff");
    assert.equal(bff.dependencies, undefined);
    assert.equal(files.has("src/aggregators/record-reader.ts"), false);
    assert.match(bff.body, /const mailerClient = new ServiceClient\("mailer"/);
    assert.ok(bff.imports.includes('import { ServiceClient } from "./clients/service-client.ts";'));
  });
});
