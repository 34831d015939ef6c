/**
 * The idempotency workload: one Hono app on loopback with the same handler behind two routes, one
 * plain and one behind `idempotencyMiddleware` (memory store). A keep-alive client posts the same
 * JSON body to both, alternating, one request at a time, each with a new `Idempotency-Key`. The
 * middleware's cost is the difference of the two routes' percentiles; alternating keeps drift (GC,
 * other processes) out of the difference.
 * @module
 */
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { idempotencyMiddleware } from "../../../packages/core/src/idempotency/idempotency-middleware.ts";
import { MemoryIdempotencyStore } from "../../../packages/core/src/idempotency/memory-idempotency-store.ts";
import { percentile } from "./measure.ts";

/** Milliseconds per request on each route, and what the middleware adds. */
export interface IdempotencyResult {
  readonly plainP50Ms: number;
  readonly plainP99Ms: number;
  readonly idempotentP50Ms: number;
  readonly idempotentP99Ms: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly requests: number;
}

const BODY = JSON.stringify({ orderId: "o-1", amount: 4200, currency: "EUR" });

/** `warmup` then `requests` requests per route, or fewer once `budgetMs` has passed. */
export async function runIdempotency(requests: number, warmup: number, budgetMs: number) {
  const store = new MemoryIdempotencyStore();
  const app = new Hono();
  const handler = async (c: import("hono").Context) => {
    const body = await c.req.json<{ orderId: string }>();
    return c.json({ id: body.orderId, status: "accepted" }, 201);
  };
  app.post("/plain/payments", handler);
  app.post("/idempotent/payments", idempotencyMiddleware({ store }), handler);
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let key = 0;
  const post = (path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const req = request(
        {
          agent,
          host: "127.0.0.1",
          port,
          path,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(BODY),
            "idempotency-key": `key-${++key}`,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 201
              ? resolve(performance.now() - start)
              : reject(new Error(`${path}: HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(BODY);
    });
  const plain: number[] = [];
  const idempotent: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) {
      await post("/plain/payments");
      await post("/idempotent/payments");
    }
    const start = performance.now();
    for (let i = 0; i < requests && performance.now() - start < budgetMs; i++) {
      // Alternate which route goes first, so neither always follows the other's garbage.
      if (i % 2 === 0) {
        plain.push(await post("/plain/payments"));
        idempotent.push(await post("/idempotent/payments"));
      } else {
        idempotent.push(await post("/idempotent/payments"));
        plain.push(await post("/plain/payments"));
      }
    }
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  }
  const result: IdempotencyResult = {
    plainP50Ms: percentile(plain, 50),
    plainP99Ms: percentile(plain, 99),
    idempotentP50Ms: percentile(idempotent, 50),
    idempotentP99Ms: percentile(idempotent, 99),
    addedP50Ms: percentile(idempotent, 50) - percentile(plain, 50),
    addedP99Ms: percentile(idempotent, 99) - percentile(plain, 99),
    requests: plain.length,
  };
  return result;
}
