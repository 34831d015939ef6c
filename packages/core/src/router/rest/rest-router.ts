/**
 * The REST side of "one handler, three protocols" (seed 001, Router & Documentation): every handler
 * with a `rest` binding served on Node's `node:http` through find-my-way, Fastify's radix-tree
 * router, plus raw mounts for pages and endpoints other adapters provide (GraphQL, GraphiQL, the
 * gRPC explorer, /openapi.json, /docs).
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay from "find-my-way";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";
import { methodNotAllowedBody, notFoundBody } from "../../runtime/http-errors.ts";
import { logRequest } from "../../runtime/request-log.ts";
import { setRoutePattern } from "../../runtime/route-pattern.ts";
import { assertDistinctHandlers, type HandlerDefinition, type HttpMethod } from "../handler.ts";
import { type Route, type RouteEnv, streamRoute, unaryRoute } from "./handler-route.ts";
import { pathOf, sendError, sendJson } from "./json-response.ts";

/** A plain Node request handler, e.g. a GraphQL endpoint; a rejection is answered as a mapped error. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Methods a raw mount may answer. */
export type MountMethod = HttpMethod | "HEAD" | "OPTIONS";

/** Options for {@link createRestRouter}. */
export interface RestRouterOptions {
  /** Request log lines (see `logRequest` for levels) and failures go here. */
  logger: Logger;
  /** Service-wide signal, e.g. a host's `shutdownSignal`: aborting it aborts every handler's `ctx.signal`. */
  signal?: AbortSignal;
  /** Largest JSON body accepted, in bytes; default 1 MiB (1,048,576). Larger bodies get 413. */
  bodyLimitBytes?: number;
}

/** A router serving handlers and raw mounts. See {@link createRestRouter}. */
export interface RestRouter {
  /** Every handler given to this router (those without a `rest` binding included, e.g. for docs). */
  readonly handlers: readonly HandlerDefinition[];
  /**
   * Serves more handlers: each one with a `rest` binding at its method and path.
   * @throws AllFrameError `configuration` when handlers collide (see `assertDistinctHandlers`) or a
   *   route is already taken by a handler or a mount.
   */
  add(handlers: readonly HandlerDefinition[]): void;
  /**
   * Serves `handler` for the method(s) at `path` (find-my-way syntax: `/graphql`, `/docs/*`).
   * @throws AllFrameError `configuration` when the route is taken.
   */
  mount(methods: MountMethod | readonly MountMethod[], path: string, handler: NodeHandler): void;
  /**
   * Answers `req` when a route matches its method and path, and returns true; returns false
   * (writing nothing) otherwise, so a host can fall back to another app.
   */
  dispatch(req: IncomingMessage, res: ServerResponse): boolean;
  /** Methods with a route at `path` (sorted), e.g. to answer 405 with `Allow`; empty when none. */
  allowedMethods(path: string): string[];
  /**
   * A complete `node:http` request listener: {@link RestRouter.dispatch}, else 405 with `Allow` for a
   * known path, else 404, both as `{ error: { code: "not-found", message } }`.
   */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
}

/** 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;

/**
 * Creates a router serving `handlers` (see {@link RestRouter}).
 *
 * Per request: input = path params, then the query (GET, DELETE) or the JSON body (POST, PUT,
 * PATCH), validated by the handler's input schema (400 `validation` naming each field; 400 for bad
 * JSON; 415 for a body that is not `application/json`; 413 over the body limit); the output is
 * checked against the output schema and sent as JSON with the binding's status (201 for POST by
 * default); stream handlers answer as server-sent events. Errors map through `ERROR_CODE_MAPPING`.
 *
 * @throws AllFrameError `configuration` as {@link RestRouter.add} does.
 * @example
 * const router = createRestRouter(userHandlers(), { logger });
 * router.mount(["GET", "POST"], "/graphql", graphqlHandler);
 * createServer(router.listener).listen(3000);
 */
export function createRestRouter(
  handlers: readonly HandlerDefinition[],
  opts: RestRouterOptions,
): RestRouter {
  const router = new FindMyWayRestRouter(opts);
  router.add(handlers);
  return router;
}

class FindMyWayRestRouter implements RestRouter {
  readonly #routes = FindMyWay();
  readonly #methods = new Set<MountMethod>();
  readonly #handlers: HandlerDefinition[] = [];
  readonly #env: RouteEnv;

  constructor(opts: RestRouterOptions) {
    this.#env = {
      logger: opts.logger,
      signal: opts.signal,
      bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    };
    if (!(this.#env.bodyLimitBytes > 0)) {
      throw new AllFrameError("configuration", "bodyLimitBytes must be a positive number of bytes");
    }
  }

  get handlers(): readonly HandlerDefinition[] {
    return this.#handlers;
  }

  add(handlers: readonly HandlerDefinition[]): void {
    assertDistinctHandlers([...this.#handlers, ...handlers]);
    for (const handler of handlers) {
      const binding = handler.rest;
      if (binding === undefined) continue;
      const route =
        handler.kind === "unary"
          ? unaryRoute(handler, binding, this.#env)
          : streamRoute(handler, binding, this.#env);
      this.#on([binding.method], binding.path, route, `handler "${handler.name}"`);
    }
    this.#handlers.push(...handlers);
  }

  mount(methods: MountMethod | readonly MountMethod[], path: string, handler: NodeHandler): void {
    const list: readonly MountMethod[] = typeof methods === "string" ? [methods] : methods;
    const { logger } = this.#env;
    const route: Route = (req, res) => {
      const started = performance.now();
      const method = req.method ?? "GET";
      let done: Promise<void>;
      try {
        done = handler(req, res);
      } catch (error) {
        done = Promise.reject(error);
      }
      done.then(
        () => logRequest(logger, method, pathOf(req.url), res.statusCode, started),
        (error: unknown) =>
          logRequest(logger, method, pathOf(req.url), sendError(req, res, error, logger), started),
      );
    };
    this.#on(list, path, route, `mount at ${path}`);
  }

  #on(methods: readonly MountMethod[], path: string, route: Route, owner: string): void {
    if (!path.startsWith("/")) {
      throw new AllFrameError("configuration", `${owner}: path "${path}" must start with "/"`);
    }
    const tagged: Route = (req, res, params, store, query) => {
      setRoutePattern(res, path);
      route(req, res, params, store, query);
    };
    try {
      this.#routes.on([...methods], path, tagged);
    } catch (cause) {
      throw new AllFrameError(
        "configuration",
        `${owner}: cannot route ${methods.join(", ")} ${path}: ${(cause as Error).message}; give it another path`,
        { cause },
      );
    }
    for (const method of methods) this.#methods.add(method);
  }

  dispatch(req: IncomingMessage, res: ServerResponse): boolean {
    const found = this.#routes.find(req.method as FindMyWay.HTTPMethod, req.url ?? "/");
    if (found === null) return false;
    found.handler(req, res, found.params, found.store, found.searchParams);
    return true;
  }

  allowedMethods(path: string): string[] {
    return [...this.#methods].filter((method) => this.#routes.find(method, path) !== null).sort();
  }

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.dispatch(req, res)) return;
    const started = performance.now();
    const method = req.method ?? "GET";
    const path = pathOf(req.url);
    const allowed = this.allowedMethods(path);
    if (allowed.length > 0) {
      sendJson(res, 405, methodNotAllowedBody(method, path, allowed), { allow: allowed.join(", ") });
    } else {
      sendJson(res, 404, notFoundBody(method, path));
    }
    logRequest(this.#env.logger, method, path, res.statusCode, started);
  };
}
