/**
 * Turns one handler with a REST binding into a route: input from params/query/body, validation and
 * the call through the handler's schemas, the answer as JSON (unary) or server-sent events (stream),
 * failures through the runtime's error mapping, and one request log line.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../observability/logger.ts";
import { httpError } from "../../runtime/http-errors.ts";
import { logRequest } from "../../runtime/request-log.ts";
import {
  type HandlerDefinition,
  isThenable,
  parseHandlerInput,
  parseHandlerOutput,
  type RestBinding,
  type StreamHandler,
  subscribeHandler,
  type UnaryHandler,
} from "../handler.ts";
import { pathOf, sendError, sendJson } from "./json-response.ts";
import { RestContext } from "./request-context.ts";
import {
  BODY_METHODS,
  type InputSource,
  listFields,
  type PathParams,
  type QueryParams,
  requestInput,
} from "./request-input.ts";
import { writeEventStream } from "./server-sent-events.ts";

/** What every route of one router shares. */
export interface RouteEnv {
  readonly logger: Logger;
  /** Service-wide signal (shutdown); aborts every handler's `ctx.signal`. */
  readonly signal: AbortSignal | undefined;
  readonly bodyLimitBytes: number;
}

/** A route as find-my-way calls it (its `store` argument unused). */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  params: PathParams,
  store: unknown,
  query: QueryParams,
) => void;

function inputSource(handler: HandlerDefinition, binding: RestBinding, env: RouteEnv): InputSource {
  const lists = BODY_METHODS.has(binding.method) ? new Set<string>() : listFields(handler.input);
  return { method: binding.method, lists, bodyLimitBytes: env.bodyLimitBytes };
}

/**
 * The route for a unary handler: answers `binding.successStatus` (default 201 for POST, else 200)
 * with the output as JSON. Synchronous handlers answer without a promise hop, which is why this
 * calls `parseHandlerInput` and `handle` itself rather than `invokeHandler`.
 */
export function unaryRoute(handler: UnaryHandler, binding: RestBinding, env: RouteEnv): Route {
  const source = inputSource(handler, binding, env);
  const status = binding.successStatus ?? (binding.method === "POST" ? 201 : 200);
  const { logger } = env;
  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown, started: number) =>
    logRequest(logger, req.method ?? "GET", pathOf(req.url), sendError(req, res, error, logger), started);
  // Never throws: a rejected output (or one JSON cannot hold, e.g. a bigint) is answered here, so
  // nothing escapes a `then` callback.
  const answer = (req: IncomingMessage, res: ServerResponse, value: unknown, started: number) => {
    try {
      sendJson(res, status, parseHandlerOutput(handler, value));
    } catch (error) {
      fail(req, res, error, started);
      return;
    }
    logRequest(logger, req.method ?? "GET", pathOf(req.url), status, started);
  };
  const call = (req: IncomingMessage, res: ServerResponse, raw: unknown) =>
    handler.handle(parseHandlerInput(handler, raw), new RestContext(req, res, env.signal));
  return (req, res, params, _store, query) => {
    const started = performance.now();
    try {
      const raw = requestInput(source, req, res, params, query);
      const result =
        raw instanceof Promise ? raw.then((input) => call(req, res, input)) : call(req, res, raw);
      if (isThenable(result)) {
        Promise.resolve(result).then(
          (value) => answer(req, res, value, started),
          (error: unknown) => fail(req, res, error, started),
        );
      } else {
        answer(req, res, result, started);
      }
    } catch (error) {
      fail(req, res, error, started);
    }
  };
}

/**
 * The route for a stream handler: validation errors answer as JSON before the stream starts; then
 * every item goes out as a server-sent event (see {@link writeEventStream}).
 */
export function streamRoute(handler: StreamHandler, binding: RestBinding, env: RouteEnv): Route {
  const source = inputSource(handler, binding, env);
  const { logger } = env;
  return (req, res, params, _store, query) => {
    const started = performance.now();
    const request = { method: req.method ?? "GET", path: pathOf(req.url) };
    const fail = (error: unknown) =>
      logRequest(logger, request.method, request.path, sendError(req, res, error, logger), started);
    const start = async (raw: unknown) => {
      const ctx = new RestContext(req, res, env.signal);
      const items = subscribeHandler(handler, raw, ctx);
      await writeEventStream(
        res,
        items,
        ctx.signal,
        (value) => parseHandlerOutput(handler, value),
        (error) => httpError(error, logger, request).body,
      );
      logRequest(logger, request.method, request.path, 200, started);
    };
    try {
      const raw = requestInput(source, req, res, params, query);
      (raw instanceof Promise ? raw.then(start) : start(raw)).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
