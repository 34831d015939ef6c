import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { type Client, createClient } from "graphql-ws";
import { WebSocket, WebSocketServer } from "ws";
import type { HandlerDefinition, StreamHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import {
  type GraphqlTestHost,
  type ObservedStream,
  observeStream,
  startGraphqlTestHost,
} from "./graphql-test-host.ts";

const USER_CREATED = "subscription { userCreated { type user { id email } } }";

describe("GraphQL subscriptions over graphql-ws", () => {
  let host: GraphqlTestHost;
  let client: Client;
  let stream: ObservedStream;
  before(async () => {
    const handlers = userHandlers();
    stream = observeStream(handlers.find((h) => h.name === "userCreated") as StreamHandler);
    const served: HandlerDefinition[] = handlers.map((h) => (h.name === "userCreated" ? stream.wrapped : h));
    host = await startGraphqlTestHost({ handlers: served });
    client = createClient({ url: host.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  });
  after(async () => {
    await client.dispose();
    await host.close();
  });

  it("delivers userCreated after a mutation, then stops the handler when the client completes", async () => {
    const events = client.iterate({ query: USER_CREATED });
    const first = events.next();
    await stream.listening(1);
    await host.post('mutation { createUser(input: { email: "ada@example.com", name: "Ada" }) { id } }');
    assert.deepEqual((await first).value, {
      data: { userCreated: { type: "created", user: { id: "u1", email: "ada@example.com" } } },
    });
    const signal = stream.subscribers[0]?.signal;
    assert.equal(signal?.aborted, false);
    await events.return?.();
    if (signal !== undefined && !signal.aborted) await once(signal, "abort");
    assert.equal(signal?.aborted, true);
  });

  it("runs queries and reports errors with the same codes as HTTP", async () => {
    const results = [];
    for await (const result of client.iterate({ query: '{ user(id: "nobody") { id } }' }))
      results.push(result);
    assert.equal(results.length, 1);
    assert.deepEqual(results[0]?.errors?.[0]?.extensions, { code: "NOT_FOUND" });
    await assert.rejects(
      async () => {
        for await (const _ of client.iterate({ query: "subscription { nothing }" })) break;
      },
      (errors: Array<{ extensions?: { code?: string } }>) =>
        errors[0]?.extensions?.code === "GRAPHQL_VALIDATION_FAILED",
    );
  });

  it("aborts every subscription's signal when the connection closes", async () => {
    const own = createClient({ url: host.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const before = stream.subscribers.length;
    const events = own.iterate({ query: USER_CREATED });
    const pending = events.next().catch(() => undefined);
    await stream.listening(before + 1);
    const signal = stream.subscribers[before]?.signal;
    await own.dispose();
    if (signal !== undefined && !signal.aborted) await once(signal, "abort");
    assert.equal(signal?.aborted, true);
    await pending;
  });

  it("leaves other paths' upgrades to the server's other listeners", async () => {
    const other = new WebSocketServer({ noServer: true });
    const onUpgrade = (
      req: import("node:http").IncomingMessage,
      socket: import("node:stream").Duplex,
      head: Buffer,
    ) => {
      if (req.url === "/echo")
        other.handleUpgrade(req, socket, head, (ws) => ws.on("message", (m) => ws.send(m)));
    };
    host.server.on("upgrade", onUpgrade);
    try {
      const echo = new WebSocket(host.wsUrl.replace("/graphql", "/echo"));
      await once(echo, "open");
      echo.send("hello");
      const [message] = await once(echo, "message");
      assert.equal(String(message), "hello");
      echo.close();
      await once(echo, "close");
    } finally {
      host.server.off("upgrade", onUpgrade);
      other.close();
    }
    const refused = new WebSocket(host.wsUrl.replace("/graphql", "/nowhere"));
    refused.on("error", () => {}); // terminate() below reports "closed before the connection was established"
    const [, response] = await once(refused, "unexpected-response");
    assert.equal((response as import("node:http").IncomingMessage).statusCode, 404);
    refused.terminate();
  });
});
