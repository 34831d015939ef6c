import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, credentials, status } from "@grpc/grpc-js";
import { z } from "zod";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createMemoryLogDestination } from "../../observability/memory-log-destination.ts";
import { defineHandler, type HandlerContext } from "../handler.ts";
import {
  failureOf,
  loadEmittedProto,
  responseOf,
  type TestClient,
  testClient,
} from "./grpc-client.fixture.ts";
import { invokeMethod } from "./grpc-invoke.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";
import { CODE_TRAILER, INTERNAL_DETAILS, ISSUES_TRAILER } from "./grpc-status.ts";
import { reflectServices } from "./reflection-client.ts";

const Address = z.object({ street: z.string(), city: z.string() });
const Thing = z.object({
  title: z.string(),
  status: z.enum(["draft", "in-progress"]),
  count: z.int32(),
  big: z.number().int(),
  ratio: z.number(),
  active: z.boolean().optional(),
  limit: z.number().int().min(1).max(50).default(10),
  labels: z.record(z.string(), z.string()),
  extra: z.union([z.string(), z.number()]),
  maybe: z.string().nullable(),
  matrix: z.array(z.array(z.number())),
  home: Address,
  tags: z.array(z.string()).optional(),
});

let seen: { input: unknown; ctx: HandlerContext; abortedDuringCall: boolean } | undefined;

const handlers = [
  defineHandler({
    kind: "unary",
    name: "echoThing",
    input: Thing,
    output: Thing.extend({ protocol: z.string(), requestId: z.string().optional() }),
    grpc: { service: "ThingService" },
    handle: (input, ctx) => {
      seen = { input, ctx, abortedDuringCall: ctx.signal.aborted };
      return { ...input, protocol: ctx.protocol, requestId: ctx.headers["x-request-id"] };
    },
  }),
  defineHandler({
    kind: "unary",
    name: "splitWords",
    input: z.object({ text: z.string() }),
    output: z.array(z.string()),
    grpc: { service: "ThingService" },
    handle: ({ text }) => text.split(" "),
  }),
  defineHandler({
    kind: "unary",
    name: "fail",
    input: z.object({ how: z.enum(["bug", "internal", "bad-output", "forbidden"]) }),
    output: z.object({ ok: z.boolean() }),
    grpc: { service: "ThingService" },
    handle: ({ how }) => {
      if (how === "bug") throw new TypeError("secret database password in message");
      if (how === "internal") throw new AllFrameError("internal", "secret internal detail");
      if (how === "forbidden") throw new AllFrameError("forbidden", "only admins may fail");
      return { ok: "yes" } as unknown as { ok: boolean };
    },
  }),
];

const request = {
  title: "Box",
  status: "STATUS_IN_PROGRESS",
  count: -7,
  big: 2 ** 40 + 1,
  ratio: 0.25,
  labels: { fields: { color: { stringValue: "red" } } },
  extra: { numberValue: 5 },
  maybe: { nullValue: "NULL_VALUE" },
  matrix: [
    { listValue: { values: [{ numberValue: 1 }, { numberValue: 2 }] } },
    { listValue: { values: [] } },
  ],
  home: { street: "1 Main St", city: "Springfield" },
};

describe("startGrpcServer, every field shape, errors and context", () => {
  const logs = createMemoryLogDestination();
  let server: GrpcServer;
  let things: TestClient;

  before(async () => {
    const logger = createLogger({ service: "grpc-test", destination: logs });
    server = await startGrpcServer({ handlers, package: "acme.things.v1", port: 0, logger });
    things = testClient(await loadEmittedProto(server.proto), "acme.things.v1.ThingService", server.address);
  });
  after(async () => {
    things.client.close();
    await server.stop(1_000);
  });

  it("decodes to the zod input shape and encodes the output back", async () => {
    const response = responseOf(await things.unary("EchoThing", request, { "x-request-id": "req-1" }));
    assert.deepEqual(seen?.input, {
      title: "Box",
      status: "in-progress",
      count: -7,
      big: 2 ** 40 + 1,
      ratio: 0.25,
      limit: 10,
      labels: { color: "red" },
      extra: 5,
      maybe: null,
      matrix: [[1, 2], []],
      home: { street: "1 Main St", city: "Springfield" },
    });
    assert.equal(seen?.ctx.protocol, "grpc");
    assert.equal(seen?.ctx.headers["x-request-id"], "req-1");
    assert.equal(seen?.abortedDuringCall, false);
    assert.deepEqual(response, {
      ...request,
      limit: 10,
      protocol: "grpc",
      request_id: "req-1",
      tags: [],
      maybe: { nullValue: "NULL_VALUE" },
    });
  });

  it("keeps present optional values, even falsy ones", async () => {
    responseOf(await things.unary("EchoThing", { ...request, active: false, limit: 3, tags: ["a"] }));
    const input = seen?.input as { active?: boolean; limit: number; tags?: string[] };
    assert.equal(input.active, false);
    assert.equal(input.limit, 3);
    assert.deepEqual(input.tags, ["a"]);
  });

  it("reports an unspecified enum or a missing message as a validation issue naming the field", async () => {
    const failure = failureOf(
      await things.unary("EchoThing", { ...request, status: "STATUS_UNSPECIFIED", home: undefined }),
    );
    assert.equal(failure.code, status.INVALID_ARGUMENT);
    const issues = JSON.parse(String(failure.metadata.get(ISSUES_TRAILER)[0])) as Array<{ path: string[] }>;
    assert.deepEqual(
      issues.map((issue) => issue.path.join(".")),
      ["status", "home"],
    );
  });

  it("wraps a non-object output in the response's value field", async () => {
    assert.deepEqual(responseOf(await things.unary("SplitWords", { text: "one handler three protocols" })), {
      value: ["one", "handler", "three", "protocols"],
    });
  });

  it("answers INTERNAL without the message for unexpected errors, internal errors and bad output, and logs them", async () => {
    for (const how of ["HOW_BUG", "HOW_INTERNAL", "HOW_BAD_OUTPUT"]) {
      const failure = failureOf(await things.unary("Fail", { how }));
      assert.equal(failure.code, status.INTERNAL, how);
      assert.equal(failure.details, INTERNAL_DETAILS);
      assert.deepEqual(failure.metadata.get(ISSUES_TRAILER), []);
    }
    const logged = logs.entries().map((entry) => JSON.stringify(entry));
    assert.ok(logged.some((line) => line.includes("secret database password in message")));
    assert.ok(logged.some((line) => line.includes("does not match its output schema")));
  });

  it("maps other AllFrame codes through ERROR_CODE_MAPPING", async () => {
    const failure = failureOf(await things.unary("Fail", { how: "HOW_FORBIDDEN" }));
    assert.equal(failure.code, status.PERMISSION_DENIED);
    assert.equal(failure.details, "only admins may fail");
    assert.deepEqual(failure.metadata.get(CODE_TRAILER), ["forbidden"]);
  });

  it("serves the struct import over reflection, so a JSON client (the explorer's) round-trips Struct and Value", async () => {
    const client = new Client(server.address, credentials.createInsecure());
    try {
      const { root } = await reflectServices(client, 5_000);
      const labels = root.lookupType("acme.things.v1.EchoThingRequest").fields.labels;
      assert.equal(labels?.resolve().resolvedType?.fullName, ".google.protobuf.Struct");
      assert.equal(
        root.lookupType("google.protobuf.Struct").fields.fields?.map,
        true,
        "map fields survive reflection",
      );
      const json = {
        ...request,
        status: "STATUS_DRAFT",
        labels: { color: "red" },
        extra: "x",
        maybe: null,
        matrix: [[1], []],
      };
      const result = await invokeMethod(
        client,
        root,
        { service: "acme.things.v1.ThingService", method: "EchoThing" },
        json,
        {
          deadlineMs: 5_000,
          maxStreamMessages: 1,
          streamWindowMs: 1_000,
        },
      );
      assert.equal(result.status, 0);
      assert.deepEqual(seen?.input, { ...json, status: "draft", limit: 10 });
      const response = result.response as Record<string, unknown>;
      assert.deepEqual(
        [response.labels, response.extra, response.maybe, response.matrix],
        [{ color: "red" }, "x", null, [[1], []]],
      );
    } finally {
      client.close();
    }
  });
});
