/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol of `graphql-ws`, which GraphiQL, Apollo
 * Client and urql speak), on the upgrade requests of an existing `node:http` server.
 * @module
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ExecutionArgs, GraphQLError, GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../../observability/logger.ts";
import type { HandlerContext } from "../handler.ts";
import type { DocumentCache } from "./document-cache.ts";
import { formatGraphqlError } from "./graphql-errors.ts";
import { handlerHeaders } from "./node-request.ts";

/** What {@link attachGraphqlSubscriptions} serves. */
export interface GraphqlSubscriptionsOptions {
  readonly schema: GraphQLSchema;
  /** Shared with the HTTP endpoint, so a document is parsed and validated once for both. */
  readonly documents: DocumentCache;
  readonly logger: Logger;
  /** URL path whose upgrade requests are taken, e.g. `/graphql`; the query string is ignored. */
  readonly path: string;
}

/** A running WebSocket endpoint. */
export interface GraphqlSubscriptions {
  /**
   * Stops taking upgrades, closes every connection with 1001 ("going away"), which ends their
   * subscriptions and aborts their handlers' signals, and resolves once the connections are closed.
   */
  close(): Promise<void>;
}

/**
 * Serves GraphQL operations (subscriptions, and queries and mutations too) over WebSocket on `path`.
 * Other upgrade requests are left to the server's other `upgrade` listeners; when there is none, they
 * are refused with 404 so the socket does not hang. Each operation's `HandlerContext` has protocol
 * `graphql`, the upgrade request's headers and a signal aborted when the connection closes (a
 * subscription's handler also sees it abort when that subscription completes).
 * @example
 * const subscriptions = attachGraphqlSubscriptions(server, { schema, documents, logger, path: "/graphql" });
 * // on shutdown
 * await subscriptions.close();
 */
export function attachGraphqlSubscriptions(
  server: Server,
  options: GraphqlSubscriptionsOptions,
): GraphqlSubscriptions {
  const { schema, documents, logger, path } = options;
  const wss = new WebSocketServer({ noServer: true });
  const connections = new WeakMap<WebSocket, AbortController>();
  const signalOf = (socket: WebSocket): AbortSignal => {
    let controller = connections.get(socket);
    if (controller === undefined) {
      const created = new AbortController();
      socket.once("close", () => created.abort());
      connections.set(socket, created);
      controller = created;
    }
    return controller.signal;
  };
  const format = (error: GraphQLError) => formatGraphqlError(error, logger).toJSON();

  const disposable = useServer(
    {
      schema,
      onSubscribe: (ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
        const prepared = documents.prepare(payload.query);
        if (!("kind" in prepared)) return prepared;
        const contextValue: HandlerContext = {
          protocol: "graphql",
          headers: handlerHeaders(ctx.extra.request.headers),
          signal: signalOf(ctx.extra.socket),
        };
        return {
          schema,
          document: prepared,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors === undefined ? undefined : { ...result, errors: result.errors.map(format) },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wss,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((req.url ?? "").split("?")[0] !== path) {
      if (server.listenerCount("upgrade") === 1) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      }
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);

  return {
    async close() {
      server.off("upgrade", onUpgrade);
      await disposable.dispose();
    },
  };
}
