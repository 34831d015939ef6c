/**
 * Test support for the REST router tests: a started service host serving the user fixture, with
 * the fixture's `userCreated` stream also bound to REST, and its logs kept in memory.
 * @module
 */
import { createLogger } from "../../observability/logger.ts";
import {
  createMemoryLogDestination,
  type MemoryLogDestination,
} from "../../observability/memory-log-destination.ts";
import { createServiceHost, type ServiceHost, type ServiceHostOptions } from "../../runtime/service-host.ts";
import { defineHandler, type HandlerDefinition, type StreamHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";

/** A started host and what a test needs from it; call `host.stop()` after. */
export interface RestTestHost {
  readonly host: ServiceHost;
  /** e.g. `http://127.0.0.1:43127`. */
  readonly url: string;
  readonly logs: MemoryLogDestination;
}

/**
 * `userHandlers()` plus `watchUsers`: the fixture's `userCreated` stream served at
 * `GET /users/events` (the fixture binds it to GraphQL and gRPC only).
 */
export function restUserHandlers(): HandlerDefinition[] {
  const handlers = userHandlers();
  const created = handlers.find((handler) => handler.name === "userCreated") as StreamHandler;
  const watchUsers = defineHandler({
    ...created,
    name: "watchUsers",
    graphql: undefined,
    grpc: undefined,
    rest: { method: "GET", path: "/users/events" },
  });
  return [...handlers, watchUsers];
}

/**
 * Starts a host on a free loopback port serving `handlers` (default {@link restUserHandlers}),
 * logging at debug into memory.
 */
export async function startRestHost(
  handlers: readonly HandlerDefinition[] = restUserHandlers(),
  opts: Partial<ServiceHostOptions> = {},
): Promise<RestTestHost> {
  const logs = createMemoryLogDestination();
  const host = createServiceHost({
    name: "users",
    version: "1.0.0",
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({ service: "users", level: "debug", destination: logs }),
    ...opts,
  });
  host.serve(handlers);
  const { url } = await host.start();
  return { host, url, logs };
}

/** `fetch` with a JSON body and `Content-Type: application/json`. */
export function postJson(url: string, body: unknown, method = "POST"): Promise<Response> {
  return fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
