/**
 * A real service host with idempotent routes on a free loopback port, for the middleware tests.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger } from "../observability/logger.ts";
import { createMemoryLogDestination } from "../observability/memory-log-destination.ts";
import { createServiceHost, type ServiceHost } from "../runtime/service-host.ts";
import { readJson } from "../runtime/validation.ts";
import { type IdempotencyOptions, idempotencyMiddleware } from "./idempotency-middleware.ts";

/** What a test client saw. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** A started host with counters of handler executions. */
export interface IdempotentApp {
  host: ServiceHost;
  url: string;
  /** Handler executions per route name. */
  runs: Map<string, number>;
  /** Before answering, `POST /orders` awaits this hook (default: resolves at once). */
  beforeOrderReply: { hook: () => Promise<void> };
  /** Decides what `POST /payments` does on each run (default: 201). */
  paymentOutcome: { next: (run: number) => "ok" | "throw-500" | "throw-not-found" };
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
}

const OrderInput = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });

/** Starts a host whose `POST /orders`, `POST /refunds`, `POST /payments/:id/capture` use the middleware. */
export async function startIdempotentApp(
  options: IdempotencyOptions,
  hosts: ServiceHost[],
): Promise<IdempotentApp> {
  const host = createServiceHost({
    name: "orders",
    port: 0,
    logger: createLogger({ service: "orders", level: "silent", destination: createMemoryLogDestination() }),
  });
  hosts.push(host);
  const runs = new Map<string, number>();
  const count = (name: string) => {
    const n = (runs.get(name) ?? 0) + 1;
    runs.set(name, n);
    return n;
  };
  const beforeOrderReply = { hook: async () => {} };
  const paymentOutcome: IdempotentApp["paymentOutcome"] = { next: () => "ok" };
  const idempotent = idempotencyMiddleware(options);

  host.app.post("/orders", idempotent, async (c: Context) => {
    const input = await readJson(c, OrderInput);
    const n = count("orders");
    await beforeOrderReply.hook();
    c.header("location", `/orders/o-${n}`);
    c.header("x-not-replayed", "1");
    return c.json({ id: `o-${n}`, ...input }, 201);
  });
  host.app.post("/refunds", idempotent, async (c: Context) => c.json({ refund: count("refunds") }, 201));
  host.app.on(["POST", "PUT"], "/payments/:id/capture", idempotent, async (c: Context) => {
    const n = count("payments");
    const outcome = paymentOutcome.next(n);
    if (outcome === "throw-500") throw new Error("card processor exploded");
    if (outcome === "throw-not-found")
      throw new AllFrameError("not-found", `payment ${c.req.param("id")} not found`);
    return c.json({ captured: c.req.param("id"), run: n }, 201);
  });
  const { url } = await host.start();
  return {
    host,
    url,
    runs,
    beforeOrderReply,
    paymentOutcome,
    async post(path, body, headers = {}) {
      const res = await fetch(url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
  };
}

/** A promise with its resolver, to hold a handler in flight. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
