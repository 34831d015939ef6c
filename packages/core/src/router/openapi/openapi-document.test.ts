import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import { defineHandler } from "../handler.ts";
import { type RestTestHost, restUserHandlers, startRestHost } from "../rest/rest-test-host.ts";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi-document.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests walk a JSON document by known keys
type Json = Record<string, any>;

async function assertValid(document: OpenApiDocument): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(
    structuredClone(document) as unknown as Parameters<Validator["validate"]>[0],
  );
  assert.deepEqual(result, { valid: true }, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, "3.1");
}

const TreeNode: z.ZodType<{ name: string; children: unknown[] }> = z.object({
  name: z.string(),
  get children() {
    return z.array(TreeNode);
  },
});

describe("buildOpenApiDocument", () => {
  const document = buildOpenApiDocument(restUserHandlers(), {
    title: "users",
    version: "1.0.0",
    description: "The user service.",
    servers: [{ url: "https://users.example.com", description: "production" }],
  });
  const paths = document.paths as Json;

  it("is a valid OpenAPI 3.1 document by an independent validator", async () => {
    await assertValid(document);
    assert.deepEqual(document.info, { title: "users", version: "1.0.0", description: "The user service." });
    assert.deepEqual(document.servers, [{ url: "https://users.example.com", description: "production" }]);
  });

  it("turns /users/:id into a path template with a required path parameter", () => {
    assert.deepEqual(Object.keys(paths).sort(), ["/users", "/users/events", "/users/{id}"]);
    const getUser = paths["/users/{id}"].get;
    assert.equal(getUser.operationId, "getUser");
    assert.equal(getUser.summary, "Reads one user by id.");
    assert.deepEqual(getUser.parameters, [
      { name: "id", in: "path", required: true, schema: { type: "string", minLength: 1 } },
    ]);
  });

  it("documents query parameters for GET and a JSON body for POST", () => {
    assert.deepEqual(paths["/users"].get.parameters, [
      {
        name: "limit",
        in: "query",
        required: false,
        schema: { default: 20, type: "integer", minimum: 1, maximum: 100 },
      },
    ]);
    const body = paths["/users"].post.requestBody;
    assert.equal(body.required, true);
    const schema = body.content["application/json"].schema;
    assert.deepEqual(Object.keys(schema.properties), ["email", "name", "age"]);
    assert.deepEqual(schema.required, ["email", "name"]);
    assert.equal(schema.properties.email.format, "email");
  });

  it("lists the success status with the output schema, 400 and each declared error", () => {
    const responses = paths["/users"].post.responses;
    assert.deepEqual(Object.keys(responses), ["201", "400", "409"]);
    assert.deepEqual(responses["201"].content["application/json"].schema.required, [
      "id",
      "email",
      "name",
      "tags",
    ]);
    for (const status of ["400", "409"]) {
      assert.deepEqual(responses[status].content["application/json"].schema, {
        $ref: "#/components/schemas/Error",
      });
    }
    assert.deepEqual(Object.keys(paths["/users/{id}"].get.responses), ["200", "400", "404"]);
    const error = document.components.schemas.Error as Json;
    assert.deepEqual(error.properties.error.required, ["code", "message"]);
    assert.ok(error.properties.error.properties.code.enum.includes("not-found"));
  });

  it("documents a stream handler as server-sent events with its item schema", () => {
    const ok = paths["/users/events"].get.responses["200"];
    assert.deepEqual(Object.keys(ok.content), ["text/event-stream"]);
    assert.match(ok.description, /WatchUsersEvent/);
    assert.deepEqual((document.components.schemas.WatchUsersEvent as Json).required, ["type", "user"]);
  });

  it("moves recursive schemas into components, keeping the document valid", async () => {
    const saveTree = defineHandler({
      kind: "unary",
      name: "saveTree",
      input: z.object({ id: z.string(), tree: TreeNode }),
      output: TreeNode,
      rest: { method: "PUT", path: "/trees/:id" },
      handle: ({ tree }) => tree,
    });
    const doc = buildOpenApiDocument([saveTree], { title: "trees", version: "1.0.0" });
    await assertValid(doc);
    const put = (doc.paths as Json)["/trees/{id}"].put;
    assert.deepEqual(put.requestBody.content["application/json"].schema.properties.tree, {
      $ref: "#/components/schemas/SaveTreeInput__schema0",
    });
    assert.deepEqual(
      put.parameters.map((p: Json) => [p.name, p.in]),
      [["id", "path"]],
    );
    assert.ok(!JSON.stringify(doc).includes("#/$defs/"));
  });
});

describe("GET /openapi.json on the service host", () => {
  let t: RestTestHost;
  before(async () => {
    t = await startRestHost();
  });
  after(() => t.host.stop("test done"));

  it("shares a schema named with .meta({ id }) as one component; a different schema of that name is prefixed", async () => {
    const User = z.looseObject({ id: z.string(), name: z.string().optional() }).meta({ id: "User" });
    const OtherUser = z.object({ login: z.string() }).meta({ id: "User" });
    const read = (name: string, path: string, output: z.ZodType) =>
      defineHandler({
        kind: "unary",
        name,
        input: z.object({}),
        output,
        rest: { method: "GET", path },
        handle: () => ({ id: "1", login: "ada" }),
      });
    const doc = buildOpenApiDocument(
      [
        read("getUser", "/users/me", User),
        read("listUsers", "/users", z.object({ items: z.array(User) })),
        read("getLegacy", "/legacy", OtherUser),
      ],
      { title: "t", version: "1" },
    );
    const schemas = doc.components?.schemas ?? {};
    assert.deepEqual(
      Object.keys(schemas)
        .filter((name) => name.includes("User"))
        .sort(),
      ["GetLegacyOutputUser", "User"],
    );
    assert.equal((schemas.User as { additionalProperties?: unknown }).additionalProperties, true);
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it("serves the document of the served handlers, valid, titled with the service", async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const document = (await res.json()) as OpenApiDocument;
    assert.deepEqual(document.info, { title: "users", version: "1.0.0" });
    assert.equal((document.paths as Json)["/users/{id}"].get.operationId, "getUser");
    await assertValid(document);
  });
});
