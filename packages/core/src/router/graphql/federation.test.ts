import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { printSubgraphSchema } from "@apollo/subgraph";
import { z } from "zod";
import { defineHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import { buildSubgraphHandlerSchema } from "./federation.ts";
import { type GraphqlTestHost, startGraphqlTestHost } from "./graphql-test-host.ts";

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on GetUserOutput { id name email } }
}`;

describe("GraphQL federation subgraph", () => {
  let host: GraphqlTestHost;
  before(async () => {
    host = await startGraphqlTestHost({ handlers: userHandlers(), federation: true });
  });
  after(() => host.close());

  it("answers _service { sdl } with the federation link and an entity key on the id-bearing type", async () => {
    const { body } = await host.post("{ _service { sdl } }");
    const sdl = (body.data?._service as { sdl: string } | undefined)?.sdl ?? "";
    assert.match(
      sdl,
      /extend schema\s+@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.3", import: \["@key"\]\)/,
    );
    assert.match(sdl, /type GetUserOutput\s+@key\(fields: "id"\)\s*\{/);
    assert.doesNotMatch(sdl, /type UserCreatedOutput\s+@key/, "a type without id is not an entity");
    assert.match(sdl, /user\(id: String!\): GetUserOutput/);
    assert.match(host.endpoint.sdl, /type GetUserOutput\s+@key\(fields: "id"\)/);
  });

  it("resolves _entities through the query handler that takes { id }", async () => {
    await host.post('mutation { createUser(input: { email: "ada@example.com", name: "Ada" }) { id } }');
    const { body } = await host.post(ENTITIES, {
      representations: [
        { __typename: "GetUserOutput", id: "u1" },
        { __typename: "GetUserOutput", id: "u404" },
      ],
    });
    assert.deepEqual(body.data, { _entities: [{ id: "u1", name: "Ada", email: "ada@example.com" }, null] });
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(body.errors?.[0]?.path, ["_entities", 1]);
    assert.deepEqual(body.errors?.[0]?.extensions, { code: "NOT_FOUND" });
  });

  it("still serves the handlers' own fields", async () => {
    const { body } = await host.post('{ user(id: "u1") { name } }');
    assert.deepEqual(body.data, { user: { name: "Ada" } });
  });

  it("marks an entity without a lookup handler resolvable: false", () => {
    const Order = z.object({ id: z.string(), total: z.number() }).meta({ id: "Order" });
    const schema = buildSubgraphHandlerSchema([
      defineHandler({
        kind: "unary",
        name: "placeOrder",
        input: z.object({ total: z.number() }),
        output: Order,
        graphql: { operation: "mutation" },
        handle: ({ total }) => ({ id: "o1", total }),
      }),
    ]);
    assert.match(printSubgraphSchema(schema), /type Order\s+@key\(fields: "id", resolvable: false\)/);
  });
});
