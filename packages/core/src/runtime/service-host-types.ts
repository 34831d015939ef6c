/**
 * The service host's contract: its options, what it reports, and the `ServiceHost` interface that
 * `createServiceHost` (service-host.ts) implements.
 * @module
 */
import type { RequestListener, Server } from "node:http";
import type { TlsOptions } from "node:tls";
import type { Hono } from "hono";
import type { Logger } from "../observability/logger.ts";
import type { HandlerDefinition } from "../router/handler.ts";
import type { RestRouter } from "../router/rest/rest-router.ts";
import type { Clock } from "./clock.ts";
import type { ShutdownPhase } from "./shutdown-hooks.ts";
import type { TaskGroup } from "./task-group.ts";

/** Options for `createServiceHost`. */
export interface ServiceHostOptions {
  /** Service name, reported by `/health` and in every log line. */
  name: string;
  /** Service version, reported by `/health`; default `"0.0.0"`. */
  version?: string;
  /** TCP port; `0` picks a free ephemeral port. */
  port: number;
  /** Interface to bind; default env `HOST`, else `"127.0.0.1"`. Use `"0.0.0.0"` in containers. */
  host?: string;
  /** Logger; default `createLogger({ service: name })`. */
  logger?: Logger;
  /** Upper bound for the whole of `stop()`, in milliseconds; default 10000. */
  shutdownTimeoutMs?: number;
  /** Upper bound for one readiness check, in milliseconds; default 2000 (a late check counts as false). */
  readinessCheckTimeoutMs?: number;
  /** Clock for `uptimeSeconds`; default the system clock. */
  clock?: Clock;
  /** Largest JSON body the REST router accepts, in bytes; default 1 MiB. */
  bodyLimitBytes?: number;
  /**
   * Wraps the HTTP request listener (router, then Hono) once at `start()`, e.g. with tracing and
   * metrics (`instrumentHttp`). The route a response answered is `routePatternOf(res)` once it finished.
   */
  instrumentRequests?: (listener: RequestListener) => RequestListener;
  /**
   * Serve HTTPS with these TLS options, e.g. `mtlsServerOptions(material)` for mutual TLS (client
   * certificates required and checked against the CA). Default: plain HTTP.
   */
  tls?: TlsOptions;
}

/** Options for {@link ServiceHost.serve}. */
export interface ServeOptions {
  /**
   * Also serve `GET /openapi.json` (OpenAPI 3.1 of every served handler, titled with the service
   * name and version) and `GET /docs` (the Scalar API reference, offline); default true.
   */
  docs?: boolean;
}

/** Where a started host listens. */
export interface ListeningAddress {
  /** e.g. `http://127.0.0.1:43127`. */
  url: string;
  port: number;
}

/** What `stop()` did. */
export interface ShutdownReport {
  reason: string;
  /** True when `shutdownTimeoutMs` passed before everything finished. */
  timedOut: boolean;
  /** Hooks that threw (each was logged; the others still ran). */
  failed: string[];
  /**
   * What had not finished at the deadline: hook names, `"http-requests"` (requests cut off) and
   * `"http-server"` (connections, e.g. WebSockets, that no hook closed and were destroyed).
   */
  unfinished: string[];
  durationMs: number;
}

/** A running (or runnable) service. See `createServiceHost`. */
export interface ServiceHost {
  readonly name: string;
  readonly version: string;
  /**
   * The Hono app; register routes on it. `/health` and `/ready` are taken. It answers whatever the
   * {@link ServiceHost.router} does not (the router is asked first). Hono middleware registered here
   * (`app.use`) does not run for router routes.
   */
  readonly app: Hono;
  /**
   * The REST router: handlers (`serve`, `router.add`) and raw Node mounts (`router.mount`, e.g. a
   * GraphQL endpoint). A method the router lacks on one of its paths is answered 405 with `Allow`,
   * unless the Hono app serves it.
   */
  readonly router: RestRouter;
  readonly logger: Logger;
  /** Aborted (with an `unavailable` AllFrameError as reason) the moment `stop()` begins. */
  readonly shutdownSignal: AbortSignal;
  /**
   * Named background tasks (pollers, reports, one-off jobs): each gets a signal and may return a
   * result; `stop()` cancels them in its drain phase, after the service's own drain hooks, and waits
   * for them within the shutdown timeout.
   */
  readonly tasks: TaskGroup;
  /** Node's HTTP server once `start()` resolved (e.g. to handle WebSocket upgrades); else undefined. */
  readonly httpServer: Server | undefined;
  /**
   * Serves handlers over REST (see `createRestRouter`) and, unless `docs: false`, their OpenAPI
   * document and API reference (once; later calls add to the same document).
   * @throws AllFrameError `configuration` when handlers collide or a route is taken.
   * @example host.serve(userHandlers()); // POST /users, GET /users/:id, GET /docs, ...
   */
  serve(handlers: readonly HandlerDefinition[], opts?: ServeOptions): void;
  /**
   * Adds a check to `/ready`; throwing, rejecting or exceeding `readinessCheckTimeoutMs` counts as false.
   * @throws AllFrameError `configuration` when a check with this name exists.
   */
  addReadinessCheck(name: string, check: () => boolean | Promise<boolean>): void;
  /**
   * Runs `fn` during `stop()`: all `"drain"` hooks (stop consumers, schedulers; flush) before all
   * `"close"` hooks (pools, stores), each phase in reverse registration order. `fn` receives a signal
   * that aborts when the shutdown deadline passes.
   */
  onShutdown(name: string, fn: (signal: AbortSignal) => void | Promise<void>, phase?: ShutdownPhase): void;
  /**
   * Runs `fn` once the server listens, in registration order, before `start()` resolves: start
   * consumers, schedulers, pollers and anything that needs `httpServer`. A failing hook rejects
   * `start()` with the hook's name; the caller then calls `stop()`, which runs the shutdown hooks.
   */
  onStart(name: string, fn: () => void | Promise<void>): void;
  /**
   * Listens on `host:port`; resolves once listening. Calling it again returns the same promise.
   * @throws AllFrameError `configuration` when the port is taken or the host cannot be bound;
   *   `unavailable` after `stop()`.
   */
  start(): Promise<ListeningAddress>;
  /**
   * Shuts down: not-ready, close the listener and idle keep-alive connections, wait for in-flight
   * requests, drain hooks, close hooks; all bounded by `shutdownTimeoutMs`. Never rejects; idempotent,
   * concurrent calls share one promise.
   */
  stop(reason?: string): Promise<ShutdownReport>;
  /**
   * On SIGTERM/SIGINT (or the given signals): `stop()`, then `process.exitCode` = 0, or 1 if the
   * timeout hit. A repeated signal while stopping is logged and ignored (npm forwards Ctrl-C twice).
   */
  installSignalHandlers(signals?: readonly NodeJS.Signals[]): void;
}
