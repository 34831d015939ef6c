import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { defineHandler, type HandlerContext } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import { type GraphqlTestHost, startGraphqlTestHost } from "./graphql-test-host.ts";

/** A promise with its resolver, for handlers that report what they saw. */
function signalled<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const started = signalled<void>();
const sawAbort = signalled<boolean>();

const testHandlers = [
  defineHandler({
    kind: "unary",
    name: "whoAmI",
    input: z.object({}),
    output: z.object({ protocol: z.string(), user: z.string().nullable() }),
    graphql: { operation: "query" },
    handle: (_input, ctx: HandlerContext) => ({
      protocol: ctx.protocol,
      user: ctx.headers["x-user"] ?? null,
    }),
  }),
  defineHandler({
    kind: "unary",
    name: "explode",
    input: z.object({}),
    output: z.object({ ok: z.boolean() }),
    graphql: { operation: "query" },
    handle: () => {
      throw new Error("connection to db failed: password hunter2 rejected");
    },
  }),
  defineHandler({
    kind: "unary",
    name: "waitForAbort",
    input: z.object({}),
    output: z.object({ ok: z.boolean() }),
    graphql: { operation: "query" },
    handle: (_input, ctx) =>
      new Promise<{ ok: boolean }>((resolve) => {
        ctx.signal.addEventListener("abort", () => {
          sawAbort.resolve(true);
          resolve({ ok: false });
        });
        started.resolve();
      }),
  }),
];

describe("GraphQL endpoint over HTTP", () => {
  let host: GraphqlTestHost;
  before(async () => {
    host = await startGraphqlTestHost({
      handlers: [...userHandlers(), ...testHandlers],
      maxBodyBytes: 4_096,
    });
  });
  after(() => host.close());

  it("runs a mutation and a query posted as JSON", async () => {
    const created = await host.post(
      "mutation Create($input: CreateUserInput!) { createUser(input: $input) { id email name age tags } }",
      { input: { email: "ada@example.com", name: "Ada", age: 36 } },
    );
    assert.equal(created.status, 200);
    assert.deepEqual(created.body, {
      data: { createUser: { id: "u1", email: "ada@example.com", name: "Ada", age: 36, tags: [] } },
    });
    const read = await host.post('{ user(id: "u1") { id name } users(limit: 5) { users { email } } }');
    assert.deepEqual(read.body, {
      data: { user: { id: "u1", name: "Ada" }, users: { users: [{ email: "ada@example.com" }] } },
    });
  });

  it("runs a query sent with GET and refuses a mutation over GET (405)", async () => {
    const params = new URLSearchParams({
      query: "query One($id: String!) { user(id: $id) { name } }",
      variables: '{"id":"u1"}',
    });
    const res = await fetch(`${host.url}?${params}`, { headers: { accept: "application/json" } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { user: { name: "Ada" } } });
    const mutation = new URLSearchParams({
      query: 'mutation { createUser(input: { email: "x@example.com", name: "X" }) { id } }',
    });
    const refused = await fetch(`${host.url}?${mutation}`, { headers: { accept: "application/json" } });
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get("allow"), "POST");
  });

  it("reports not-found as NOT_FOUND with the handler's message and the field path", async () => {
    const { status, body } = await host.post('{ user(id: "nobody") { id } }');
    assert.equal(status, 200);
    assert.deepEqual(body.data, { user: null });
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(body.errors?.[0]?.extensions, { code: "NOT_FOUND" });
    assert.equal(body.errors?.[0]?.message, "user nobody does not exist");
    assert.deepEqual(body.errors?.[0]?.path, ["user"]);
  });

  it("reports invalid input as BAD_USER_INPUT with issues naming the fields", async () => {
    const mutation = await host.post(
      'mutation { createUser(input: { email: "not-an-email", name: "" }) { id } }',
    );
    const [error] = mutation.body.errors ?? [];
    assert.equal(error?.extensions?.code, "BAD_USER_INPUT");
    const issues = error?.extensions?.issues as Array<{ path: string[]; message: string }>;
    assert.deepEqual(
      issues.map((issue) => issue.path),
      [["email"], ["name"]],
    );
    const query = await host.post("{ users(limit: 500) { users { id } } }");
    assert.deepEqual(
      (query.body.errors?.[0]?.extensions?.issues as Array<{ path: string[] }> | undefined)?.map(
        (issue) => issue.path,
      ),
      [["limit"]],
    );
  });

  it("reports a duplicate as CONFLICT", async () => {
    const { body } = await host.post(
      'mutation { createUser(input: { email: "ada@example.com", name: "Ada" }) { id } }',
    );
    assert.equal(body.errors?.[0]?.extensions?.code, "CONFLICT");
    assert.equal(body.errors?.[0]?.message, "a user with email ada@example.com exists");
  });

  it("hides an unexpected error behind 'internal error' and logs it", async () => {
    host.logs.clear();
    const { body } = await host.post("{ explode { ok } whoAmI { protocol } }");
    assert.deepEqual(body.errors, [
      {
        message: "internal error",
        locations: [{ line: 1, column: 3 }],
        path: ["explode"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    assert.deepEqual(
      body.data,
      { explode: null, whoAmI: { protocol: "graphql" } },
      "other root fields still resolve",
    );
    const logged = host.logs.entries().find((entry) => entry.msg === "GraphQL execution failed");
    assert.match(String((logged?.err as { message?: string } | undefined)?.message), /hunter2/);
  });

  it("passes protocol and lower-cased headers to the handler", async () => {
    const { body } = await host.post("{ whoAmI { protocol user } }", undefined, { "X-User": "ada" });
    assert.deepEqual(body.data, { whoAmI: { protocol: "graphql", user: "ada" } });
  });

  it("reports request errors per GraphQL over HTTP: parse, validation, variables", async () => {
    const syntax = await host.post("{ user(id: ");
    assert.equal(syntax.body.errors?.[0]?.extensions?.code, "GRAPHQL_PARSE_FAILED");
    const variables = await host.post("query ($id: String!) { user(id: $id) { id } }", { id: 7 });
    assert.equal(variables.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    const res = await fetch(host.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: "{ nothing }" }),
    });
    assert.equal(res.status, 400, "application/graphql-response+json answers request errors with 400");
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    assert.equal(body.errors[0]?.extensions.code, "GRAPHQL_VALIDATION_FAILED");
  });

  it("parses and validates a repeated query once", async () => {
    const before = host.endpoint.documents.size;
    await host.post('{ user(id: "u1") { email } }');
    await host.post('{ user(id: "u1") { email } }');
    assert.equal(host.endpoint.documents.size, before + 1);
  });

  it("answers 413 for a body over maxBodyBytes", async () => {
    const { status, body } = await host.post(`{ user(id: "${"x".repeat(5_000)}") { id } }`);
    assert.equal(status, 413);
    assert.match(body.errors?.[0]?.message ?? "", /larger than 4096 bytes/);
  });

  it("aborts the handler's signal when the client goes away", async () => {
    const req = request(host.url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("error", () => {});
    req.end(JSON.stringify({ query: "{ waitForAbort { ok } }" }));
    await started.promise;
    req.destroy();
    assert.equal(await sawAbort.promise, true);
  });

  it("serves GraphiQL to browsers, self-contained (no CDN), gzip when accepted", async () => {
    const res = await fetch(host.url, { headers: { accept: "text/html", "accept-encoding": "identity" } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.match(html, /<div id="root"><\/div>/);
    assert.match(html, /"endpoint":"\/graphql"/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="https?:|unpkg\.com|jsdelivr|cdnjs/);
    const zipped = await new Promise<Buffer>((resolve, reject) => {
      request(host.url, { headers: { accept: "text/html", "accept-encoding": "gzip" } }, (reply) => {
        assert.equal(reply.headers["content-encoding"], "gzip");
        const chunks: Buffer[] = [];
        reply
          .on("data", (chunk: Buffer) => chunks.push(chunk))
          .on("end", () => resolve(Buffer.concat(chunks)));
      })
        .on("error", reject)
        .end();
    });
    assert.ok(zipped.length < html.length / 2);
    assert.equal(gunzipSync(zipped).toString("utf8"), html);
  });
});
