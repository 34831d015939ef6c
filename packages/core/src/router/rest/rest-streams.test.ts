import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";
import { defineHandler } from "../handler.ts";
import { postJson, type RestTestHost, restUserHandlers, startRestHost } from "./rest-test-host.ts";

/** Reads server-sent events off a fetch body: each call returns the next event's raw text. */
function eventReader(res: Response): { next(): Promise<string | undefined>; cancel(): Promise<void> } {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next() {
      while (!buffer.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
      const end = buffer.indexOf("\n\n");
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      return event;
    },
    cancel: () => reader.cancel(),
  };
}

describe("REST router: server-sent events", () => {
  let t: RestTestHost;
  const countdownEnded = Promise.withResolvers<string>();
  const countdown = defineHandler({
    kind: "stream",
    name: "countdown",
    input: z.object({ from: z.coerce.number().int().min(1), failAt: z.coerce.number().int().optional() }),
    output: z.object({ n: z.number() }),
    rest: { method: "GET", path: "/countdown" },
    async *subscribe({ from, failAt }, ctx) {
      try {
        for (let n = from; n > 0; n--) {
          if (n === failAt) throw new AllFrameError("unavailable", `count failed at ${n}`);
          yield { n };
        }
        // Then wait for the client or the service to go away.
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      } finally {
        if (ctx.signal.aborted) countdownEnded.resolve((ctx.signal.reason as Error).message);
      }
    },
  });
  before(async () => {
    t = await startRestHost([...restUserHandlers(), countdown]);
  });
  after(() => t.host.stop("test done"));

  it("streams the fixture's created users as events", async () => {
    const res = await fetch(`${t.url}/users/events`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const events = eventReader(res);
    // Headers arrive once the subscription is set up, so this create is seen.
    await postJson(`${t.url}/users`, { email: "sse@example.com", name: "Sam" });
    const event = (await events.next()) ?? "";
    assert.match(event, /^data: /);
    assert.deepEqual(JSON.parse(event.slice("data: ".length)), {
      type: "created",
      user: { id: "u1", email: "sse@example.com", name: "Sam", tags: [] },
    });
    await events.cancel();
  });

  it("answers bad input with a JSON 400 before any event", async () => {
    const res = await fetch(`${t.url}/countdown?from=zero`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { issues: Array<{ path: unknown[] }> } };
    assert.deepEqual(body.error.issues[0]?.path, ["from"]);
  });

  it("sends a failure mid-stream as a last `event: error` and ends the stream", async () => {
    const events = eventReader(await fetch(`${t.url}/countdown?from=3&failAt=1`));
    assert.equal(await events.next(), 'data: {"n":3}');
    assert.equal(await events.next(), 'data: {"n":2}');
    assert.equal(
      await events.next(),
      'event: error\ndata: {"error":{"code":"unavailable","message":"count failed at 1"}}',
    );
    assert.equal(await events.next(), undefined);
  });

  it("aborts the handler's signal when the client disconnects, ending the generator", async () => {
    const events = eventReader(await fetch(`${t.url}/countdown?from=1`));
    assert.equal(await events.next(), 'data: {"n":1}');
    await events.cancel();
    assert.equal(
      await countdownEnded.promise,
      "the client closed the connection before the response finished",
    );
  });
});

describe("REST router: handler context, output schema and query lists", () => {
  let t: RestTestHost;
  const entered = Promise.withResolvers<void>();
  const aborted = Promise.withResolvers<unknown>();
  const accounts: Record<string, unknown> = {
    a1: { id: "a1", owner: "ada", passwordHash: "secret-hash" },
    a2: { id: "a2" },
  };
  const handlers = [
    defineHandler({
      kind: "unary",
      name: "whoAmI",
      input: z.object({}),
      output: z.object({ protocol: z.string(), user: z.string().optional(), agent: z.string().optional() }),
      rest: { method: "GET", path: "/whoami" },
      handle: (_input, ctx) => ({
        protocol: ctx.protocol,
        user: ctx.headers["x-user"],
        agent: ctx.headers["x-agent"],
      }),
    }),
    defineHandler({
      kind: "unary",
      name: "waitForever",
      input: z.object({}),
      output: z.object({}),
      rest: { method: "GET", path: "/wait" },
      handle: (_input, ctx) => {
        entered.resolve();
        return new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            aborted.resolve(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
        });
      },
    }),
    defineHandler({
      kind: "unary",
      name: "getAccount",
      input: z.object({ id: z.string() }),
      output: z.object({ id: z.string(), owner: z.string() }),
      rest: { method: "GET", path: "/accounts/:id" },
      // Rows as a store might return them: one with a column the API must not show, one incomplete.
      handle: ({ id }) => accounts[id] as { id: string; owner: string },
    }),
    defineHandler({
      kind: "unary",
      name: "search",
      input: z.object({ tag: z.array(z.string()).default([]), q: z.string().optional() }),
      output: z.object({ tag: z.array(z.string()), q: z.string().optional() }),
      rest: { method: "GET", path: "/search" },
      handle: (input) => input,
    }),
  ];
  before(async () => {
    t = await startRestHost(handlers);
  });
  after(() => t.host.stop("test done"));

  it("gives handlers the protocol and lower-cased headers", async () => {
    const res = await fetch(`${t.url}/whoami`, { headers: { "X-User": "ada", "X-Agent": "tests" } });
    assert.deepEqual(await res.json(), { protocol: "rest", user: "ada", agent: "tests" });
  });

  it("aborts ctx.signal with an `unavailable` reason when the client goes away", async () => {
    const client = new AbortController();
    const response = fetch(`${t.url}/wait`, { signal: client.signal }).catch((error: Error) => error.name);
    await entered.promise;
    client.abort();
    assert.equal(await response, "AbortError");
    const reason = await aborted.promise;
    assert.ok(isAllFrameError(reason) && reason.code === "unavailable");
  });

  it("sends only what the output schema names, and hides a mismatch as an opaque 500", async () => {
    let res = await fetch(`${t.url}/accounts/a1`);
    assert.deepEqual(await res.json(), { id: "a1", owner: "ada" });
    t.logs.clear();
    res = await fetch(`${t.url}/accounts/a2`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error" } });
    const logged = t.logs.entries().filter((e) => e.level === "error");
    assert.match(
      String((logged[0]?.err as { message?: string } | undefined)?.message),
      /handler "getAccount" returned output/,
    );
    assert.deepEqual(
      logged.map((e) => e.msg),
      ["request failed: internal", "request"],
    );
  });

  it("reads list fields from repeated or single query keys, and the first value of other keys", async () => {
    const get = async (query: string) => (await fetch(`${t.url}/search?${query}`)).json();
    assert.deepEqual(await get("tag=a"), { tag: ["a"] });
    assert.deepEqual(await get("tag=a&tag=b&q=x&q=y"), { tag: ["a", "b"], q: "x" });
    assert.deepEqual(await get(""), { tag: [] });
  });
});
