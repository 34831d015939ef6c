import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { postJson, type RestTestHost, startRestHost } from "./rest-test-host.ts";

interface ErrorReply {
  error: { code: string; message: string; issues?: Array<{ path: unknown[]; message: string }> };
}

describe("REST router on the service host: the user handlers over fetch", () => {
  let t: RestTestHost;
  before(async () => {
    t = await startRestHost(undefined, { bodyLimitBytes: 1024 });
  });
  after(() => t.host.stop("test done"));

  it("creates a user (201), reads it back and lists it", async () => {
    let res = await postJson(`${t.url}/users`, { email: "ada@example.com", name: "Ada", age: 36 });
    assert.equal(res.status, 201);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const created = (await res.json()) as { id: string };
    assert.deepEqual(created, { id: "u1", email: "ada@example.com", name: "Ada", age: 36, tags: [] });

    res = await fetch(`${t.url}/users/u1`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), created);

    await postJson(`${t.url}/users`, { email: "grace@example.com", name: "Grace" });
    res = await fetch(`${t.url}/users?limit=1`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { users: [created] });
    res = await fetch(`${t.url}/users`);
    assert.deepEqual(
      ((await res.json()) as { users: Array<{ name: string }> }).users.map((u) => u.name),
      ["Ada", "Grace"],
    );
  });

  it("answers 400 naming each bad field, for the body and for the query", async () => {
    let res = await postJson(`${t.url}/users`, { email: "not-an-email", name: "" });
    assert.equal(res.status, 400);
    let body = (await res.json()) as ErrorReply;
    assert.equal(body.error.code, "validation");
    assert.match(body.error.message, /^input is invalid: email: .+; name: .+/);
    assert.deepEqual(
      body.error.issues?.map((issue) => issue.path),
      [["email"], ["name"]],
    );

    res = await fetch(`${t.url}/users?limit=0`);
    assert.equal(res.status, 400);
    body = (await res.json()) as ErrorReply;
    assert.deepEqual(
      body.error.issues?.map((issue) => issue.path),
      [["limit"]],
    );
  });

  it("maps the handlers' errors: not-found 404, conflict 409", async () => {
    let res = await fetch(`${t.url}/users/u404`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: "not-found", message: "user u404 does not exist" } });

    await postJson(`${t.url}/users`, { email: "dup@example.com", name: "One" });
    res = await postJson(`${t.url}/users`, { email: "dup@example.com", name: "Two" });
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), {
      error: { code: "conflict", message: "a user with email dup@example.com exists" },
    });
  });

  it("answers 405 with Allow for a known path, 404 for an unknown one", async () => {
    let res = await fetch(`${t.url}/users`, { method: "DELETE" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, POST");
    assert.deepEqual(await res.json(), {
      error: { code: "not-found", message: "no route DELETE /users; /users answers GET, POST" },
    });

    res = await fetch(`${t.url}/nowhere?x=1`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: "not-found", message: "no route GET /nowhere" } });
  });

  it("rejects bodies that are not JSON objects, not JSON, or too large", async () => {
    const send = (body: string, type = "application/json") =>
      fetch(`${t.url}/users`, { method: "POST", headers: { "content-type": type }, body });
    const cases: Array<[Response, number, string]> = [
      [await send("{not json"), 400, "request body is not valid JSON"],
      [await send("[1, 2]"), 400, "request body must be a JSON object, not an array"],
      [await send('{"email":"a@b.co"}', "text/plain"), 415, "request body must be JSON"],
      [await send(JSON.stringify({ name: "x".repeat(2000) })), 413, "request body exceeds 1024 bytes"],
    ];
    for (const [res, status, message] of cases) {
      assert.equal(res.status, status, message);
      const body = (await res.json()) as ErrorReply;
      assert.equal(body.error.code, "validation");
      assert.ok(body.error.message.startsWith(message), body.error.message);
    }
  });

  it("logs successes at debug, client errors at info", async () => {
    t.logs.clear();
    await fetch(`${t.url}/users/u1`);
    await fetch(`${t.url}/users/u999`);
    const lines = t.logs.entries().filter((entry) => entry.msg === "request");
    assert.deepEqual(
      lines.map((e) => [e.method, e.path, e.status, e.level]),
      [
        ["GET", "/users/u1", 200, "debug"],
        ["GET", "/users/u999", 404, "info"],
      ],
    );
    assert.ok(lines.every((e) => typeof e.durationMs === "number"));
  });
});
