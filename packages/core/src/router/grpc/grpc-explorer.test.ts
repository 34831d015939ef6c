import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { userHandlers } from "../users.fixture.ts";
import type { ExplorerPageData } from "./explorer-page.ts";
import { type ExplorerHttp, serveExplorer } from "./explorer-server.fixture.ts";
import { createGrpcExplorer, type GrpcExplorer, type GrpcExplorerOptions } from "./grpc-explorer.ts";
import type { InvokeResult } from "./grpc-invoke.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";

const silent = createLogger({ service: "grpc-test", level: "silent" });
const USERS = "allframe.users.v1.UserService";

async function pageOf(
  url: string,
): Promise<{ status: number; headers: Headers; html: string; data: ExplorerPageData }> {
  const res = await fetch(`${url}/grpc`);
  const html = await res.text();
  const json = /<script type="application\/json" id="grpc-data">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json !== undefined, "the page embeds its data");
  return { status: res.status, headers: res.headers, html, data: JSON.parse(json) as ExplorerPageData };
}

async function invoke(
  url: string,
  body: unknown,
): Promise<{ status: number; json: InvokeResult & { error?: { code?: string; message?: string } } }> {
  const res = await fetch(`${url}/grpc/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as InvokeResult };
}

describe("createGrpcExplorer over HTTP", () => {
  const open: Array<{ explorer: GrpcExplorer; http: ExplorerHttp }> = [];
  const servers: GrpcServer[] = [];
  let users: GrpcServer;

  const explore = async (options: Partial<GrpcExplorerOptions> & { target: string }) => {
    const explorer = createGrpcExplorer({ package: "allframe.users.v1", logger: silent, ...options });
    const http = await serveExplorer(explorer);
    open.push({ explorer, http });
    return http.url;
  };

  before(async () => {
    users = await startGrpcServer({
      handlers: userHandlers(),
      package: "allframe.users.v1",
      port: 0,
      logger: silent,
    });
    servers.push(users);
  });
  after(async () => {
    for (const { explorer, http } of open) {
      explorer.close();
      await http.close();
    }
    for (const server of servers) await server.stop(1_000);
  });

  it("serves a self-contained page listing the services found by server reflection", async () => {
    const url = await explore({ target: users.address });
    const page = await pageOf(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.doesNotMatch(page.html, /(src|href)=["']?https?:/, "no external scripts, styles or links");
    assert.equal(page.data.source, "reflection");
    assert.deepEqual(
      page.data.services.map((s) => [
        s.name,
        s.methods.map((m) => `${m.name}${m.serverStreaming ? " (stream)" : ""}`),
      ]),
      [[USERS, ["CreateUser", "GetUser", "ListUsers", "WatchUsers (stream)"]]],
    );
    const create = page.data.services[0]?.methods[0];
    assert.deepEqual(create?.example, { email: "", name: "" }, "optional fields are left out of the example");
    assert.equal(page.data.invokePath, "/grpc/invoke");
  });

  it("invokes unary methods through a real gRPC call and reports the gRPC status", async () => {
    const url = await explore({ target: users.address });
    const created = await invoke(url, {
      service: USERS,
      method: "CreateUser",
      request: { email: "page@example.com", name: "Page", age: 7 },
    });
    assert.equal(created.status, 200);
    assert.equal(created.json.status, 0);
    assert.deepEqual(created.json.response, {
      id: (created.json.response as { id: string }).id,
      email: "page@example.com",
      name: "Page",
      age: 7,
      tags: [],
    });

    const missing = await invoke(url, { service: USERS, method: "GetUser", request: { id: "nobody" } });
    assert.equal(missing.status, 200);
    assert.equal(missing.json.status, 5);
    assert.equal(missing.json.statusName, "NOT_FOUND");
    assert.equal(missing.json.error?.details, "user nobody does not exist");
    assert.equal(
      (missing.json.error as { metadata: Record<string, string> }).metadata["allframe-code"],
      "not-found",
    );
  });

  it("collects a server stream until the message limit", async () => {
    const url = await explore({ target: users.address, maxStreamMessages: 1, streamWindowMs: 60_000 });
    let settled = false;
    const watching = invoke(url, { service: USERS, method: "WatchUsers", request: {} }).finally(() => {
      settled = true;
    });
    // The stream sees only users created after it subscribed: create until it has one.
    for (let n = 0; !settled; n++) {
      await invoke(url, {
        service: USERS,
        method: "CreateUser",
        request: { email: `stream${n}@example.com`, name: "S" },
      });
    }
    const { json } = await watching;
    assert.equal(json.status, 0);
    assert.equal(json.stopped, "max-messages");
    const events = json.response as Array<{ type: string; user: { email: string } }>;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, "TYPE_CREATED");
    assert.match(events[0]?.user.email ?? "", /^stream\d+@example\.com$/);
  });

  it("stops a quiet stream when its window closes", async () => {
    const url = await explore({ target: users.address, streamWindowMs: 0 });
    const { json } = await invoke(url, { service: USERS, method: "WatchUsers", request: {} });
    assert.deepEqual(json, { status: 0, statusName: "OK", response: [], stopped: "window" });
  });

  it("rejects bad invoke requests with an error body", async () => {
    const url = await explore({ target: users.address });
    const cases: Array<[unknown, number, RegExp]> = [
      ["{not json", 400, /not JSON/],
      [{ method: "GetUser" }, 400, /"service"/],
      [{ service: USERS, method: "Nope" }, 404, /lists no method allframe.users.v1.UserService\/Nope/],
      [
        { service: "grpc.reflection.v1.ServerReflection", method: "ServerReflectionInfo" },
        404,
        /lists no method/,
      ],
      [
        { service: USERS, method: "GetUser", request: { idx: "u1" } },
        400,
        /GetUserRequest has no field "idx"; its fields are: id/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await invoke(url, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.json.error?.message ?? "", message);
    }
  });

  it("falls back to the given .proto when the server has no reflection, and says so", async () => {
    const bare = await startGrpcServer({
      handlers: userHandlers(),
      package: "allframe.users.v1",
      port: 0,
      logger: silent,
      reflection: false,
    });
    servers.push(bare);
    const url = await explore({ target: bare.address, proto: bare.proto });
    const page = await pageOf(url);
    assert.equal(page.data.source, "proto");
    assert.match(page.data.notice ?? "", /server reflection failed/);
    assert.deepEqual(
      page.data.services.map((s) => s.name),
      [USERS],
    );
    const created = await invoke(url, {
      service: USERS,
      method: "CreateUser",
      request: { email: "proto@example.com", name: "P" },
    });
    assert.equal(created.json.status, 0);

    const blind = await explore({ target: bare.address });
    const failed = await pageOf(blind);
    assert.equal(failed.status, 502);
    assert.match(failed.data.notice ?? "", /cannot list the services of 127\.0\.0\.1:\d+/);
  });
});
