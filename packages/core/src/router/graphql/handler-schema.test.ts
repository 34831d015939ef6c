import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSchema, type GraphQLObjectType, getNamedType, graphql, printSchema } from "graphql";
import { z } from "zod";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { defineHandler, type HandlerContext, type HandlerDefinition } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import { buildHandlerSchema } from "./handler-schema.ts";

const FIXTURE_SDL = `type Query {
  """
  Reads one user by id.
  
  Error codes (extensions.code): BAD_USER_INPUT, NOT_FOUND.
  """
  user(id: String!): GetUserOutput

  """
  Lists users, oldest first.
  
  Error codes (extensions.code): BAD_USER_INPUT.
  """
  users(limit: Int): ListUsersOutput
}

type GetUserOutput {
  """User id"""
  id: String!
  email: String!
  name: String!
  age: Int
  tags: [String!]!
}

type ListUsersOutput {
  users: [GetUserOutput!]!
}

type Mutation {
  """
  Creates a user; the email must be unused.
  
  Error codes (extensions.code): BAD_USER_INPUT, CONFLICT.
  """
  createUser(input: CreateUserInput!): GetUserOutput
}

input CreateUserInput {
  email: String!
  name: String!
  age: Int
}

type Subscription {
  """
  Yields every user created after the subscription starts.
  
  Error codes (extensions.code): BAD_USER_INPUT.
  """
  userCreated: UserCreatedOutput
}

type UserCreatedOutput {
  type: UserCreatedOutputType!
  user: GetUserOutput!
}

enum UserCreatedOutputType {
  created
}`;

const ctx: HandlerContext = { protocol: "graphql", headers: {}, signal: new AbortController().signal };

/** graphql-js builds results on null-prototype objects; compare their JSON. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function query(handler: Omit<HandlerDefinition, "kind" | "handle" | "subscribe">): HandlerDefinition {
  return defineHandler({
    ...handler,
    kind: "unary",
    graphql: handler.graphql ?? { operation: "query" },
    handle: () => ({}),
  });
}

describe("buildHandlerSchema", () => {
  it("emits the fixture's SDL, valid for buildSchema and identical on every build", () => {
    const sdl = printSchema(buildHandlerSchema(userHandlers()));
    assert.equal(sdl, FIXTURE_SDL);
    assert.equal(printSchema(buildSchema(sdl)), sdl);
    assert.equal(printSchema(buildHandlerSchema(userHandlers())), sdl);
  });

  it("maps zod kinds to GraphQL types and names types by .meta({ id }) or by handler", () => {
    const Role = z.enum(["admin", "member"]).meta({ id: "Role" });
    const Address = z.object({ city: z.string(), zip: z.string().nullable() }).meta({ id: "Address" });
    const schema = buildHandlerSchema([
      query({
        name: "search",
        input: z.object({
          text: z.string().describe("Words to look for"),
          page: z.int().default(1),
          near: Address.optional(),
          roles: z.array(Role),
        }),
        output: z.object({
          score: z.number(),
          count: z.int(),
          exact: z.boolean(),
          role: Role,
          home: Address,
          attributes: z.record(z.string(), z.string()),
          either: z.union([z.string(), z.number()]),
          status: z.enum(["in-progress", "done"]),
          kind: z.literal("hit"),
          nested: z.object({ rank: z.number().int() }),
          empty: z.object({}),
        }),
      }),
    ]);
    const sdl = printSchema(schema);
    assert.match(
      sdl,
      /search\(\s*"""Words to look for"""\s*text: String!\s*page: Int\s*near: AddressInput\s*roles: \[Role!\]!\s*\): SearchOutput/,
    );
    assert.match(
      sdl,
      /type SearchOutput \{\s*score: Float!\s*count: Int!\s*exact: Boolean!\s*role: Role!\s*home: Address!\s*attributes: JSON!\s*either: JSON!\s*status: String!\s*kind: String!\s*nested: SearchOutputNested!\s*empty: JSON!\s*\}/,
    );
    assert.match(sdl, /type Address \{\s*city: String!\s*zip: String\s*\}/);
    assert.match(sdl, /input AddressInput \{\s*city: String!\s*zip: String\s*\}/);
    assert.match(sdl, /enum Role \{\s*admin\s*member\s*\}/);
    assert.match(sdl, /scalar JSON/);
    assert.equal(printSchema(buildSchema(sdl)), sdl);
  });

  it("gives a zod object shared by several handlers one type, named by the first query", () => {
    const schema = buildHandlerSchema(userHandlers());
    const named = (op: GraphQLObjectType | null | undefined, field: string) =>
      getNamedType(op?.getFields()[field]?.type)?.name;
    assert.equal(named(schema.getMutationType(), "createUser"), "GetUserOutput");
    assert.equal(named(schema.getQueryType(), "user"), "GetUserOutput");
  });

  it("suffixes a name another type already took, keeping the first claimant's name plain", () => {
    const sdl = printSchema(
      buildHandlerSchema([
        query({ name: "a", input: z.object({}), output: z.object({ x: z.string() }).meta({ id: "Thing" }) }),
        query({
          name: "b",
          input: z.object({}),
          output: z.object({ y: z.string() }).meta({ title: "Thing" }),
        }),
      ]),
    );
    assert.match(sdl, /type Thing \{\s*x: String!/);
    assert.match(sdl, /type Thing2 \{\s*y: String!/);
  });

  it("resolves through the handler: flattened query arguments, one input for mutations", async () => {
    const schema = buildHandlerSchema(userHandlers());
    const created = await graphql({
      schema,
      source:
        'mutation { createUser(input: { email: "ada@example.com", name: "Ada", age: 36 }) { id age tags } }',
      contextValue: ctx,
    });
    assert.deepEqual(plain(created), { data: { createUser: { id: "u1", age: 36, tags: [] } } });
    const read = await graphql({
      schema,
      source: '{ user(id: "u1") { name } users { users { id } } }',
      contextValue: ctx,
    });
    assert.deepEqual(plain(read), { data: { user: { name: "Ada" }, users: { users: [{ id: "u1" }] } } });
  });

  it("adds Query.ping when there is no query, unless the schema becomes a federation subgraph", async () => {
    const handlers = userHandlers().filter((h) => h.graphql?.operation !== "query");
    const schema = buildHandlerSchema(handlers);
    assert.deepEqual(plain(await graphql({ schema, source: "{ ping }" })), { data: { ping: "pong" } });
    assert.equal(buildHandlerSchema(handlers, { federation: true }).getQueryType(), undefined);
  });

  it("refuses handlers that cannot form a schema, naming what to change", () => {
    assert.throws(
      () =>
        buildHandlerSchema(
          userHandlers().map((h) => ({
            ...h,
            graphql: undefined,
            rest: { method: "GET", path: `/${h.name}` },
          })),
        ),
      (error) =>
        hasErrorCode(error, "configuration") && /no handler has a graphql binding/.test(error.message),
    );
    assert.throws(
      () =>
        buildHandlerSchema([
          query({ name: "bad", input: z.object({}), output: z.object({ "first-name": z.string() }) }),
        ]),
      (error) =>
        hasErrorCode(error, "configuration") && /type BadOutput: field "first-name"/.test(error.message),
    );
  });
});
