/**
 * Test host for the GraphQL adapter tests: a real `node:http` server on 127.0.0.1 with the endpoint
 * mounted directly (no REST router) and WebSocket subscriptions attached, plus a log destination the
 * tests read. Not exported from the package index.
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "../../observability/logger.ts";
import {
  createMemoryLogDestination,
  type MemoryLogDestination,
} from "../../observability/memory-log-destination.ts";
import type { StreamHandler } from "../handler.ts";
import {
  createGraphqlEndpoint,
  type GraphqlEndpoint,
  type GraphqlEndpointOptions,
} from "./graphql-endpoint.ts";

/** A running test server. */
export interface GraphqlTestHost {
  readonly endpoint: GraphqlEndpoint;
  readonly server: Server;
  /** `http://127.0.0.1:<port>/graphql` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  readonly wsUrl: string;
  readonly logs: MemoryLogDestination;
  /** POSTs `{ query, variables }` as JSON; resolves with the status and parsed body. */
  post(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlReply>;
  close(): Promise<void>;
}

/** An HTTP reply with its JSON body. */
export interface GraphqlReply {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  };
}

/** Starts the endpoint for `options` (logger replaced by an in-memory one) on a free loopback port. */
export async function startGraphqlTestHost(
  options: Omit<GraphqlEndpointOptions, "logger">,
): Promise<GraphqlTestHost> {
  const logs = createMemoryLogDestination();
  const endpoint = createGraphqlEndpoint({
    ...options,
    logger: createLogger({ service: "test", destination: logs }),
  });
  const server = createServer((req, res) => {
    if (req.url?.split("?")[0] === "/graphql") return void endpoint.handle(req, res);
    res.writeHead(404).end();
  });
  const subscriptions = endpoint.attachSubscriptions(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    endpoint,
    server,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    logs,
    async post(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GraphqlReply["body"] };
    },
    async close() {
      await subscriptions.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** A stream handler wrapped by {@link observeStream}. */
export interface ObservedStream {
  /** Serve this instead of the original. */
  readonly wrapped: StreamHandler;
  /** One entry per subscriber, in order, with the signal its handler got. */
  readonly subscribers: ReadonlyArray<{ readonly signal: AbortSignal }>;
  /** Resolves once `count` subscribers are listening. */
  listening(count: number): Promise<void>;
}

/**
 * Wraps a stream handler so the test learns when a subscriber is listening (its first `next()` call
 * runs the fixture's generator up to registering the listener) and which signal it was given.
 */
export function observeStream(handler: StreamHandler): ObservedStream {
  const subscribers: Array<{ signal: AbortSignal }> = [];
  let notify: (() => void) | undefined;
  const wrapped: StreamHandler = {
    ...handler,
    subscribe: (input, ctx) => {
      const source = handler.subscribe(input, ctx)[Symbol.asyncIterator]();
      return {
        [Symbol.asyncIterator]: () => ({
          next: () => {
            const result = source.next();
            if (!subscribers.some((s) => s.signal === ctx.signal)) {
              subscribers.push({ signal: ctx.signal });
              notify?.();
            }
            return result;
          },
          return: async () => (await source.return?.()) ?? { done: true, value: undefined },
        }),
      };
    },
  };
  const listening = (count: number) =>
    new Promise<void>((resolve) => {
      notify = () => subscribers.length >= count && resolve();
      notify();
    });
  return { wrapped, subscribers, listening };
}
