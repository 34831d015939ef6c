/**
 * The GraphQL endpoint of a service (seed 001, Router & Documentation, Phase 6: "write once, expose
 * via REST/GraphQL/gRPC"): its handlers' schema served over HTTP by `graphql-http` (the GraphQL over
 * HTTP reference server), over WebSocket by `graphql-ws`, with GraphiQL for browsers.
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { printSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, type GraphQLSchema, printSchema } from "graphql";
import { createHandler, type OperationArgs } from "graphql-http";
import { createLogger, type Logger } from "../../observability/logger.ts";
import type { HandlerContext, HandlerDefinition } from "../handler.ts";
import { DEFAULT_DOCUMENT_CACHE_SIZE, DocumentCache } from "./document-cache.ts";
import { buildSubgraphHandlerSchema } from "./federation.ts";
import { createGraphiqlPage, wantsGraphiql } from "./graphiql-page.ts";
import { formatGraphqlError } from "./graphql-errors.ts";
import { attachGraphqlSubscriptions, type GraphqlSubscriptions } from "./graphql-subscriptions.ts";
import { buildHandlerSchema } from "./handler-schema.ts";
import { handlerHeaders, readBody, sendJsonError } from "./node-request.ts";

/** Largest request body accepted by default, in bytes (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** `HandlerContext` as an object type alias: graphql-http's context constraint needs an index signature. */
type OperationContext = Pick<HandlerContext, keyof HandlerContext>;

/** Options of {@link createGraphqlEndpoint}. */
export interface GraphqlEndpointOptions {
  /** The service's handlers; those without a `graphql` binding are left out of the schema. */
  readonly handlers: readonly HandlerDefinition[];
  /** Serve an Apollo Federation 2 subgraph (`_service`, `_entities`, `@key`); default false. */
  readonly federation?: boolean;
  /** Path the endpoint is mounted on: GraphiQL's target and the default WebSocket path; default `/graphql`. */
  readonly path?: string;
  /** Answer browser GETs (`Accept: text/html`) with GraphiQL; default true. Turn off where the schema is private. */
  readonly graphiql?: boolean;
  /** Where handler failures are logged; default a logger for service "graphql". */
  readonly logger?: Logger;
  /** Parsed and validated documents kept; default {@link DEFAULT_DOCUMENT_CACHE_SIZE}. */
  readonly documentCacheSize?: number;
  /** Largest request body, in bytes; a larger one is answered 413. Default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
}

/** A service's GraphQL endpoint. */
export interface GraphqlEndpoint {
  /** The executable schema (for federation, the subgraph schema). */
  readonly schema: GraphQLSchema;
  /**
   * The schema as SDL: `printSchema`, or for federation `printSubgraphSchema` (the `@link` and `@key`
   * directives as written; `_service { sdl }` answers the same schema with the federation definitions
   * spelled out).
   */
  readonly sdl: string;
  /** Parsed and validated documents, shared by HTTP and WebSocket. */
  readonly documents: DocumentCache;
  /**
   * The `node:http` handler for GET and POST on the endpoint's path: GraphQL over HTTP (JSON or
   * `application/graphql-response+json`, statuses per that spec; mutations only over POST), or GraphiQL
   * for a browser GET. Never rejects: an unexpected failure is logged and answered 500.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Serves operations over WebSocket on `server`'s upgrades to `path` (default: the endpoint's path). */
  attachSubscriptions(server: Server, path?: string): GraphqlSubscriptions;
}

/**
 * Builds the schema from the handlers and returns the endpoint. Errors follow one model: a handler's
 * `AllFrameError` surfaces in `errors[]` with `extensions.code` from `ERROR_CODE_MAPPING` (and
 * `extensions.issues` for validation; issue paths are relative to the handler's input, i.e. to the
 * `input` argument of a mutation); anything else says "internal error" and is logged.
 *
 * @throws AllFrameError `configuration` when the handlers cannot form a schema (see `buildHandlerSchema`).
 * @example
 * const graphql = createGraphqlEndpoint({ handlers: userHandlers() });
 * const server = http.createServer((req, res) => req.url?.startsWith("/graphql") ? graphql.handle(req, res) : notFound(res));
 * const subscriptions = graphql.attachSubscriptions(server);
 */
export function createGraphqlEndpoint(options: GraphqlEndpointOptions): GraphqlEndpoint {
  const path = options.path ?? "/graphql";
  const logger = options.logger ?? createLogger({ service: "graphql" });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const schema =
    options.federation === true
      ? buildSubgraphHandlerSchema(options.handlers)
      : buildHandlerSchema(options.handlers);
  const documents = new DocumentCache(schema, options.documentCacheSize ?? DEFAULT_DOCUMENT_CACHE_SIZE);
  const graphiql = options.graphiql === false ? undefined : createGraphiqlPage({ endpoint: path });

  const execute = createHandler<IncomingMessage, AbortSignal, OperationContext>({
    schema,
    onSubscribe: (req, params): OperationArgs<OperationContext> | readonly GraphQLError[] => {
      const prepared = documents.prepare(params.query);
      if (!("kind" in prepared)) return prepared;
      const contextValue: HandlerContext = {
        protocol: "graphql",
        headers: handlerHeaders(req.raw.headers),
        signal: req.context,
      };
      return {
        schema,
        document: prepared,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue,
      };
    },
    formatError: (error) => (error instanceof GraphQLError ? formatGraphqlError(error, logger) : error),
  });

  return {
    schema,
    sdl: options.federation === true ? printSubgraphSchema(schema) : printSchema(schema),
    documents,
    async handle(req, res) {
      try {
        if (graphiql !== undefined && wantsGraphiql(req)) return await graphiql(req, res);
        const body = req.method === "POST" ? await readBody(req, maxBodyBytes) : null;
        if (body === undefined) {
          return sendJsonError(
            res,
            413,
            `request body is larger than ${maxBodyBytes} bytes; send a smaller document`,
          );
        }
        const controller = new AbortController();
        res.once("close", () => {
          if (!res.writableFinished) controller.abort();
        });
        const [payload, init] = await execute({
          method: req.method ?? "GET",
          url: req.url ?? path,
          headers: req.headers,
          body,
          raw: req,
          context: controller.signal,
        });
        res.writeHead(init.status, init.statusText, init.headers).end(payload);
      } catch (error) {
        logger.error({ err: error, method: req.method, url: req.url }, "GraphQL request failed");
        if (!res.headersSent) sendJsonError(res, 500, "internal error");
        else res.destroy();
      }
    },
    attachSubscriptions: (server, subscriptionPath = path) =>
      attachGraphqlSubscriptions(server, { schema, documents, logger, path: subscriptionPath }),
  };
}
