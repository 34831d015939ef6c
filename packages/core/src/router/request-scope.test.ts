import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { type GraphqlTestHost, startGraphqlTestHost } from "./graphql/graphql-test-host.ts";
import { defineHandler } from "./handler.ts";
import { requestScoped } from "./request-scope.ts";

describe("requestScoped", () => {
  let host: GraphqlTestHost;
  let created = 0;
  // Each request gets a numbered scope; every field reports the scope it saw.
  const scopeOf = requestScoped(() => ({ id: ++created }));
  before(async () => {
    host = await startGraphqlTestHost({
      handlers: [
        defineHandler({
          kind: "unary",
          name: "scope",
          input: z.object({ tag: z.string() }),
          output: z.object({ tag: z.string(), scope: z.number().int() }),
          graphql: { operation: "query" },
          handle: async ({ tag }, ctx) => ({ tag, scope: scopeOf(ctx).id }),
        }),
      ],
    });
  });
  after(() => host.close());

  it("gives every root field of one GraphQL operation the same value, and the next operation a new one", async () => {
    const query = '{ a: scope(tag: "a") { scope } b: scope(tag: "b") { scope } }';
    const first = await host.post(query);
    assert.deepEqual(first.body.data, { a: { scope: 1 }, b: { scope: 1 } });
    const second = await host.post(query);
    assert.deepEqual(second.body.data, { a: { scope: 2 }, b: { scope: 2 } });
    assert.equal(created, 2);
  });
});
