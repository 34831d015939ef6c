/**
 * The AllFrame side of the hello-world workload: one handler, `GET /hello` → `{"hello":"world"}`,
 * served by the service host as a generated service would (docs pages mounted too).
 * @module
 */
import { z } from "zod";
import { defineHandler } from "../../../packages/core/src/router/handler.ts";
import type { HostSetup } from "./allframe-server.ts";

const hello = defineHandler({
  kind: "unary",
  name: "hello",
  description: "Says hello.",
  input: z.object({}),
  output: z.object({ hello: z.string() }),
  rest: { method: "GET", path: "/hello" },
  handle: () => ({ hello: "world" }),
});

export const setup: HostSetup = (host) => host.serve([hello]);
