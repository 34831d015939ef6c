import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { z } from "zod";
import { isAllFrameError } from "../errors/allframe-error.ts";
import { parseParams, parseQuery, readJson } from "./validation.ts";
import { formatIssuePath } from "./zod-issues.ts";

function appWith(route: (app: Hono) => void): Hono {
  const app = new Hono();
  app.onError((error, c) =>
    isAllFrameError(error)
      ? c.json({ error: error.toJSON() }, 400)
      : c.json({ unexpected: String(error) }, 500),
  );
  route(app);
  return app;
}

describe("request validation", () => {
  it("readJson names nested fields in the message and the issues", async () => {
    const schema = z.object({ items: z.array(z.object({ sku: z.string() })) });
    const app = appWith((a) => a.post("/", async (c) => c.json(await readJson(c, schema))));
    const res = await app.request("/", {
      method: "POST",
      body: JSON.stringify({ items: [{ sku: "a" }, { sku: 1 }] }),
    });
    const { error } = (await res.json()) as { error: { message: string; issues: unknown } };
    assert.match(error.message, /^request body is invalid: items\[1\]\.sku: /);
    assert.deepEqual((error.issues as Array<{ path: unknown }>)[0]?.path, ["items", 1, "sku"]);
  });

  it("readJson rejects an empty body as not JSON", async () => {
    const app = appWith((a) => a.post("/", async (c) => c.json(await readJson(c, z.unknown()))));
    const res = await app.request("/", { method: "POST" });
    assert.deepEqual(await res.json(), {
      error: { code: "validation", message: "request body is not valid JSON" },
    });
  });

  it("parseParams and parseQuery coerce and validate", async () => {
    const app = appWith((a) =>
      a.get("/orders/:id", (c) => {
        const { id } = parseParams(c, z.object({ id: z.coerce.number().int() }));
        const { limit } = parseQuery(c, z.object({ limit: z.coerce.number().int().max(100).default(20) }));
        return c.json({ id, limit });
      }),
    );
    assert.deepEqual(await (await app.request("/orders/7")).json(), { id: 7, limit: 20 });
    assert.deepEqual(await (await app.request("/orders/7?limit=5")).json(), { id: 7, limit: 5 });
    const bad = (await (await app.request("/orders/x")).json()) as { error: { message: string } };
    assert.match(bad.error.message, /^path parameters are invalid: id: /);
    const badQuery = (await (await app.request("/orders/1?limit=500")).json()) as {
      error: { message: string };
    };
    assert.match(badQuery.error.message, /^query parameters are invalid: limit: /);
  });

  it("formats paths", () => {
    assert.equal(formatIssuePath([]), "(root)");
    assert.equal(formatIssuePath([0, "a"]), "[0].a");
    assert.equal(formatIssuePath(["a", 2, "b"]), "a[2].b");
  });
});
