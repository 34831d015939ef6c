/**
 * Child process for the SIGTERM-under-load test: a service host whose `GET /work` handlers start,
 * report over IPC that they are in flight, and only answer once shutdown has begun, so every answer
 * proves a request accepted before SIGTERM was drained, not cut off.
 * @module
 */
import { z } from "zod";
import { createLogger } from "../observability/logger.ts";
import { defineHandler } from "../router/handler.ts";
import { createServiceHost } from "./service-host.ts";

const host = createServiceHost({
  name: "drain-under-load",
  port: 0,
  shutdownTimeoutMs: 5000,
  logger: createLogger({ service: "drain-under-load", level: "silent" }),
});
let inFlight = 0;
const shutdownBegun = new Promise<void>((resolve) =>
  host.shutdownSignal.addEventListener("abort", () => resolve()),
);
host.serve(
  [
    defineHandler({
      kind: "unary",
      name: "work",
      input: z.object({}),
      output: z.object({ done: z.boolean() }),
      rest: { method: "GET", path: "/work" },
      handle: async () => {
        process.send?.({ inFlight: ++inFlight });
        await shutdownBegun;
        return { done: true };
      },
    }),
  ],
  { docs: false },
);
host.installSignalHandlers();
const { port } = await host.start();
process.send?.({ port });
