import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RouteSpec, ServicePlan } from "../../archetypes/archetype.ts";
import { providerResource } from "./provider-resource.ts";

function plan(
  routes: Array<[RouteSpec["method"], string]>,
  example?: ServicePlan["idempotentExample"],
): ServicePlan {
  return {
    imports: [],
    body: "",
    env: [],
    tests: "",
    engines: {},
    routes: routes.map(([method, path]) => ({ method, path, summary: "" })),
    ...(example === undefined ? {} : { idempotentExample: example }),
  };
}

const CRUD: Array<[RouteSpec["method"], string]> = [
  ["POST", "/users"],
  ["GET", "/users"],
  ["GET", "/users/:id"],
];

describe("providerResource", () => {
  it("finds a listable resource when POST, GET :id and GET list are all served", () => {
    assert.deepEqual(providerResource(plan(CRUD, { path: "/users", body: { label: "first" } })), {
      path: "/users",
      createBody: { label: "first" },
      state: "an item created by POST /users exists",
      listable: true,
    });
  });

  it("reads one item without a list route (an event-sourced aggregate)", () => {
    const resource = providerResource(
      plan(
        [
          ["POST", "/inventories"],
          ["GET", "/inventories/:id"],
        ],
        { path: "/inventories", body: { attributes: {} } },
      ),
    );
    assert.equal(resource?.listable, false);
  });

  it("has none without a create example, without a read route, or for a parameterised path", () => {
    assert.equal(providerResource(plan(CRUD)), undefined);
    assert.equal(providerResource(plan([["POST", "/users"]], { path: "/users", body: {} })), undefined);
    assert.equal(
      providerResource(
        plan(
          [
            ["POST", "/events/:type"],
            ["GET", "/events/:type/:id"],
          ],
          { path: "/events/:type", body: {} },
        ),
      ),
      undefined,
    );
  });
});
