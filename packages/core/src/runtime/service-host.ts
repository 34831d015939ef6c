/**
 * The process every generated service runs in: Node's HTTP server answering first from the REST
 * router (find-my-way; handlers, docs and mounted pages) and then from a Hono app (health, readiness
 * and the service's own routes), with JSON errors, request logging and graceful shutdown
 * (DESIGN.md: "graceful shutdown"; the stop order follows Kubernetes' termination sequence:
 * not-ready, stop accepting, drain, close).
 * @module
 */
import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TlsOptions } from "node:tls";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import { mountApiDocs } from "../router/docs/api-docs.ts";
import type { HandlerDefinition } from "../router/handler.ts";
import { createRestRouter, type RestRouter } from "../router/rest/rest-router.ts";
import { type Clock, systemClock } from "./clock.ts";
import { errorResponse, methodNotAllowedBody, notFoundResponse } from "./http-errors.ts";
import { InFlightRequests } from "./in-flight-requests.ts";
import { ReadinessChecks } from "./readiness-checks.ts";
import { logRequest } from "./request-log.ts";
import { setRoutePattern } from "./route-pattern.ts";
import type {
  ListeningAddress,
  ServeOptions,
  ServiceHost,
  ServiceHostOptions,
  ShutdownReport,
} from "./service-host-types.ts";
import { raceDeadline, type ShutdownHook, ShutdownHooks, type ShutdownPhase } from "./shutdown-hooks.ts";
import { TaskGroup } from "./task-group.ts";

export type {
  ListeningAddress,
  ServeOptions,
  ServiceHost,
  ServiceHostOptions,
  ShutdownReport,
} from "./service-host-types.ts";
export type { ShutdownPhase } from "./shutdown-hooks.ts";

/**
 * Creates a service host. Nothing listens until `start()`.
 *
 * Request logging: one `"request"` line per request with method, path, status and durationMs, at
 * debug for successes and probes, info for 4xx, error for 5xx (`runtime/request-log.ts`), so the
 * default info level logs every failure but not the healthy traffic, which at info would cost a
 * busy service more than its routing. Set `LOG_LEVEL=debug` to see every request. Failures with a
 * 5xx status are also logged with their stack.
 *
 * @throws AllFrameError `configuration` for an empty name, a port outside 0..65535 or a negative timeout.
 * @example
 * const host = createServiceHost({ name: "orders", port: config.PORT });
 * host.app.get("/orders/:id", async (c) => c.json(await orders.get(c.req.param("id"))));
 * host.onShutdown("database", () => store.close());
 * host.installSignalHandlers();
 * await host.start();
 */
export function createServiceHost(opts: ServiceHostOptions): ServiceHost {
  return new NodeServiceHost(opts);
}

function requireOption(ok: boolean, message: string): void {
  if (!ok) throw new AllFrameError("configuration", message);
}

class NodeServiceHost implements ServiceHost {
  readonly name: string;
  readonly version: string;
  readonly app = new Hono();
  readonly logger: Logger;
  readonly router: RestRouter;
  #tasks: TaskGroup | undefined;
  readonly #host: string;
  readonly #port: number;
  readonly #shutdownTimeoutMs: number;
  readonly #clock: Clock;
  readonly #createdAt: number;
  readonly #abort = new AbortController();
  readonly #checks: ReadinessChecks;
  readonly #hooks = new ShutdownHooks();
  readonly #tls: TlsOptions | undefined;
  readonly #instrument: ((listener: RequestListener) => RequestListener) | undefined;
  readonly #startHooks: Array<{ name: string; fn: () => void | Promise<void> }> = [];
  #server: Server | undefined;
  #listening: Server | undefined;
  #starting: Promise<ListeningAddress> | undefined;
  #stopping: Promise<ShutdownReport> | undefined;
  #requests: InFlightRequests | undefined;
  #signalsInstalled = false;
  #docsMounted = false;

  constructor(opts: ServiceHostOptions) {
    requireOption(opts.name.trim() !== "", "service host name must not be empty");
    requireOption(
      Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535,
      `port ${opts.port} is not a TCP port; use an integer from 0 to 65535 (0 = any free port)`,
    );
    this.#shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 10_000;
    requireOption(this.#shutdownTimeoutMs >= 0, "shutdownTimeoutMs must be zero or more milliseconds");
    this.name = opts.name;
    this.version = opts.version ?? "0.0.0";
    this.#port = opts.port;
    this.#host = opts.host ?? process.env.HOST ?? "127.0.0.1";
    this.logger = opts.logger ?? createLogger({ service: opts.name });
    this.#clock = opts.clock ?? systemClock;
    this.#instrument = opts.instrumentRequests;
    this.#tls = opts.tls;
    this.#createdAt = this.#clock.now().getTime();
    this.#checks = new ReadinessChecks(opts.readinessCheckTimeoutMs ?? 2000, this.logger);
    this.router = createRestRouter([], {
      logger: this.logger,
      signal: this.#abort.signal,
      ...(opts.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: opts.bodyLimitBytes }),
    });
    this.#installRoutes();
  }

  get tasks(): TaskGroup {
    if (this.#tasks === undefined) {
      const tasks = new TaskGroup(this.logger);
      // Last of the drain hooks, whenever first used: consumers stop before the tasks they feed.
      this.#hooks.addLast(
        "background-tasks",
        async (deadline) => {
          const report = await tasks.shutdown(deadline);
          if (report.unfinished.length > 0) {
            this.logger.warn({ unfinished: report.unfinished }, "tasks ignored cancellation");
          }
        },
        "drain",
      );
      this.#tasks = tasks;
    }
    return this.#tasks;
  }

  get shutdownSignal(): AbortSignal {
    return this.#abort.signal;
  }

  get httpServer(): Server | undefined {
    return this.#listening;
  }

  serve(handlers: readonly HandlerDefinition[], opts: ServeOptions = {}): void {
    this.router.add(handlers);
    if (opts.docs === false || this.#docsMounted) return;
    mountApiDocs(this.router, { title: this.name, version: this.version });
    this.#docsMounted = true;
  }

  addReadinessCheck(name: string, check: () => boolean | Promise<boolean>): void {
    this.#checks.add(name, check);
  }

  onShutdown(name: string, fn: ShutdownHook, phase: ShutdownPhase = "close"): void {
    this.#hooks.add(name, fn, phase);
  }

  onStart(name: string, fn: () => void | Promise<void>): void {
    requireOption(this.#starting === undefined, `start hook "${name}" added after start()`);
    this.#startHooks.push({ name, fn });
  }

  async #runStartHooks(address: ListeningAddress): Promise<ListeningAddress> {
    for (const { name, fn } of this.#startHooks) {
      try {
        await fn();
      } catch (error) {
        throw new AllFrameError(
          "unavailable",
          `start hook "${name}" of ${this.name} failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    return address;
  }

  #installRoutes(): void {
    const { app, logger } = this;
    app.use(async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } catch (error) {
        // Hono hands only Error instances to onError; anything else thrown lands here.
        c.res = errorResponse(c, error, logger);
      }
      const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
      if (outgoing !== undefined && c.res.status !== 404) setRoutePattern(outgoing, c.req.routePath);
      logRequest(logger, c.req.method, c.req.path, c.res.status, started);
    });
    app.onError((error, c) => errorResponse(c, error, logger));
    app.notFound((c) => {
      const allowed = this.router.allowedMethods(c.req.path);
      if (allowed.length === 0) return notFoundResponse(c);
      return c.json(methodNotAllowedBody(c.req.method, c.req.path, allowed), 405, {
        allow: allowed.join(", "),
      });
    });
    app.get("/health", (c) =>
      c.json({
        status: "ok",
        service: this.name,
        version: this.version,
        uptimeSeconds: Math.floor((this.#clock.now().getTime() - this.#createdAt) / 1000),
      }),
    );
    app.get("/ready", async (c) => {
      if (this.#stopping !== undefined) return c.json({ status: "shutting-down", checks: {} }, 503);
      const checks = await this.#checks.run();
      const ready = Object.values(checks).every(Boolean);
      return c.json({ status: ready ? "ready" : "not-ready", checks }, ready ? 200 : 503);
    });
  }

  start(): Promise<ListeningAddress> {
    if (this.#stopping !== undefined) {
      return Promise.reject(
        new AllFrameError("unavailable", `service ${this.name} is stopping; it cannot start`),
      );
    }
    this.#starting ??= this.#listen()
      .then((address) => this.#runStartHooks(address))
      .catch((error: unknown) => {
        this.#starting = undefined;
        throw error;
      });
    return this.#starting;
  }

  #listen(): Promise<ListeningAddress> {
    const hono = getRequestListener(this.app.fetch, { hostname: this.#host });
    const { router } = this;
    const listener: RequestListener = (req, res) => {
      if (!router.dispatch(req, res)) void hono(req, res);
    };
    const handle = this.#instrument?.(listener) ?? listener;
    // HTTPS (mutual TLS when the options ask for client certificates) or plain HTTP.
    const server: Server =
      this.#tls === undefined
        ? createServer(handle)
        : (createHttpsServer(this.#tls, handle) as unknown as Server);
    this.#requests = new InFlightRequests(server, () => this.#stopping !== undefined);
    this.#server = server;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off("listening", onListening);
        this.#server = undefined;
        const what =
          error.code === "EADDRINUSE"
            ? "is already in use; set PORT to a free port"
            : `cannot be bound (${error.code ?? error.message}); check HOST and PORT`;
        reject(new AllFrameError("configuration", `${this.#host}:${this.#port} ${what}`, { cause: error }));
      };
      const onListening = () => {
        server.off("error", onError);
        server.on("error", (error) => this.logger.error({ err: error }, "http server error"));
        const { port } = server.address() as AddressInfo;
        const host = this.#host.includes(":") ? `[${this.#host}]` : this.#host;
        this.#listening = server;
        this.logger.info({ host: this.#host, port, version: this.version }, "listening");
        resolve({ url: `${this.#tls === undefined ? "http" : "https"}://${host}:${port}`, port });
      };
      server.once("error", onError);
      server.once("listening", onListening);
      server.listen(this.#port, this.#host);
    });
  }

  stop(reason = "stop requested"): Promise<ShutdownReport> {
    this.#stopping ??= this.#shutdown(reason);
    return this.#stopping;
  }

  async #shutdown(reason: string): Promise<ShutdownReport> {
    const started = performance.now();
    this.#abort.abort(new AllFrameError("unavailable", `service ${this.name} is shutting down: ${reason}`));
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new AllFrameError("timeout", `shutdown exceeded ${this.#shutdownTimeoutMs} ms`)),
      this.#shutdownTimeoutMs,
    );
    this.logger.info({ reason }, "shutting down");
    const unfinished: string[] = [];
    await this.#starting?.catch(() => undefined);
    const server = this.#server;
    let serverClosed = server === undefined;
    const closed = new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    void closed.then(() => {
      serverClosed = true;
    });
    server?.closeIdleConnections();
    const requestsIdle = this.#requests?.idle() ?? Promise.resolve();
    if ((await raceDeadline(requestsIdle, deadline.signal)) === "deadline") {
      server?.closeAllConnections();
      unfinished.push("http-requests");
    }
    server?.closeIdleConnections();
    const hooks = await this.#hooks.run(deadline.signal, this.logger);
    unfinished.push(...hooks.unfinished);
    // Upgraded (WebSocket) sockets keep the server open until a drain hook closes them.
    if (!serverClosed && (await raceDeadline(closed, deadline.signal)) === "deadline") {
      if ((this.#requests?.destroyOpenConnections() ?? 0) > 0) unfinished.push("http-server");
    }
    clearTimeout(timer);
    this.#listening = undefined;
    const report: ShutdownReport = {
      reason,
      timedOut: deadline.signal.aborted,
      failed: hooks.failed,
      unfinished,
      durationMs: Math.round(performance.now() - started),
    };
    if (report.timedOut) {
      this.logger.warn(
        report,
        `shutdown timed out after ${this.#shutdownTimeoutMs} ms; unfinished: ${unfinished.join(", ")}`,
      );
    } else {
      this.logger.info(report, "stopped");
    }
    return report;
  }

  installSignalHandlers(signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): void {
    if (this.#signalsInstalled) return;
    this.#signalsInstalled = true;
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.#stopping !== undefined) {
        this.logger.warn({ signal }, "shutdown already in progress; signal ignored");
        return;
      }
      void this.stop(`received ${signal}`).then((report) => {
        process.exitCode = report.timedOut ? 1 : 0;
      });
    };
    for (const signal of signals) process.on(signal, onSignal);
  }
}
