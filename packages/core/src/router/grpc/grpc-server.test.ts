import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { Client, credentials, status } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { createLogger } from "../../observability/logger.ts";
import { userHandlers } from "../users.fixture.ts";
import {
  failureOf,
  loadEmittedProto,
  responseOf,
  type TestClient,
  testClient,
} from "./grpc-client.fixture.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";
import { CODE_TRAILER, ISSUES_TRAILER } from "./grpc-status.ts";
import { reflectServices } from "./reflection-client.ts";

const silent = createLogger({ service: "grpc-test", level: "silent" });

describe("startGrpcServer, users fixture, client built from the emitted .proto", () => {
  let server: GrpcServer;
  let users: TestClient;

  before(async () => {
    server = await startGrpcServer({
      handlers: userHandlers(),
      package: "allframe.users.v1",
      port: 0,
      logger: silent,
    });
    users = testClient(await loadEmittedProto(server.proto), "allframe.users.v1.UserService", server.address);
  });
  after(async () => {
    users.client.close();
    await server.stop(1_000);
  });

  it("emits a proto that protobufjs parses, with the service the server speaks", () => {
    const root = protobuf.parse(server.proto, { keepCase: true }).root;
    assert.ok(root.lookupService("allframe.users.v1.UserService").methods.WatchUsers?.responseStream);
    assert.ok(server.port > 0);
    assert.equal(server.address, `127.0.0.1:${server.port}`);
  });

  it("creates, reads and lists users", async () => {
    const created = responseOf(
      await users.unary("CreateUser", { email: "ada@example.com", name: "Ada", age: 36 }),
    );
    assert.deepEqual(created, { id: created.id, email: "ada@example.com", name: "Ada", age: 36, tags: [] });
    const plain = responseOf(await users.unary("CreateUser", { email: "bob@example.com", name: "Bob" }));
    assert.equal(plain.age, undefined, "an absent optional field stays absent");
    assert.deepEqual(responseOf(await users.unary("GetUser", { id: created.id })), created);
    const listed = responseOf(await users.unary("ListUsers", {}));
    assert.deepEqual(
      (listed.users as Array<{ email: string }>).map((u) => u.email),
      ["ada@example.com", "bob@example.com"],
      "the zod default limit applies when the optional field is absent",
    );
    const one = responseOf(await users.unary("ListUsers", { limit: 1 }));
    assert.equal((one.users as unknown[]).length, 1);
  });

  it("maps errors: not-found → NOT_FOUND, validation → INVALID_ARGUMENT with issues, conflict → ALREADY_EXISTS", async () => {
    const missing = failureOf(await users.unary("GetUser", { id: "nobody" }));
    assert.equal(missing.code, status.NOT_FOUND);
    assert.equal(missing.details, "user nobody does not exist");
    assert.deepEqual(missing.metadata.get(CODE_TRAILER), ["not-found"]);

    const invalid = failureOf(await users.unary("CreateUser", { email: "not-an-email", name: "Eve" }));
    assert.equal(invalid.code, status.INVALID_ARGUMENT);
    assert.match(invalid.details, /email: Invalid email address/);
    const [issues] = invalid.metadata.get(ISSUES_TRAILER);
    assert.deepEqual(JSON.parse(String(issues)), [{ path: ["email"], message: "Invalid email address" }]);

    const tooMany = failureOf(await users.unary("ListUsers", { limit: 0 }));
    assert.equal(
      tooMany.code,
      status.INVALID_ARGUMENT,
      "an explicit 0 is present, so zod sees it (no default)",
    );
    assert.deepEqual(JSON.parse(String(tooMany.metadata.get(ISSUES_TRAILER)[0]))[0].path, ["limit"]);

    await users.unary("CreateUser", { email: "dup@example.com", name: "Dup" });
    const duplicate = failureOf(await users.unary("CreateUser", { email: "dup@example.com", name: "Dup" }));
    assert.equal(duplicate.code, status.ALREADY_EXISTS);
    assert.deepEqual(duplicate.metadata.get(CODE_TRAILER), ["conflict"]);
  });

  it("streams WatchUsers: a subscriber receives users created after it subscribed", async () => {
    const stream = users.stream("WatchUsers", {});
    const first = once(stream, "data") as Promise<[{ type: string; user: { email: string } }]>;
    let received: { type: string; user: { email: string } } | undefined;
    const created: string[] = [];
    // The subscription starts on the server at some point after the call is sent; create users until
    // one arrives (the assertion is on which one, never on timing).
    for (let n = 0; received === undefined; n++) {
      const email = `watch${n}@example.com`;
      responseOf(await users.unary("CreateUser", { email, name: `Watcher ${n}` }));
      created.push(email);
      received = await Promise.race([first.then(([event]) => event), delay(20).then(() => undefined)]);
    }
    assert.equal(received.type, "TYPE_CREATED");
    assert.ok(created.includes(received.user.email));
    const ended = once(stream, "error");
    stream.cancel();
    const [error] = (await ended) as [{ code: number }];
    assert.equal(error.code, status.CANCELLED);
  });

  it("serves reflection: a reflection client lists UserService and resolves its types", async () => {
    const client = new Client(server.address, credentials.createInsecure());
    try {
      const { root, services } = await reflectServices(client, 5_000);
      assert.deepEqual(services, ["allframe.users.v1.UserService"]);
      const service = root.lookupService("allframe.users.v1.UserService");
      assert.deepEqual(Object.keys(service.methods), ["CreateUser", "GetUser", "ListUsers", "WatchUsers"]);
      const user = root.lookupType("allframe.users.v1.User");
      assert.deepEqual(
        user.fieldsArray.map((f) => `${f.name}:${f.type}`),
        ["id:string", "email:string", "name:string", "age:int64", "tags:string"],
      );
      assert.equal(user.fields.age?.options?.proto3_optional, true, "proto3 optional survives reflection");
    } finally {
      client.close();
    }
  });
});
