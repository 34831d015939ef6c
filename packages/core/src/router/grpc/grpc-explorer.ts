/**
 * The gRPC explorer: browsers cannot speak gRPC (HTTP/2 trailers), so a page served over plain HTTP
 * lists what the server offers and the explorer's Node side makes the real grpc-js call. Services are
 * discovered by server reflection on every page load, so the page shows what the running server
 * serves; the `.proto` text, when given, is the fallback for servers without reflection.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ChannelCredentials, Client, credentials } from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { type ErrorBody, INTERNAL_ERROR_BODY } from "../../runtime/http-errors.ts";
import type { NodeHandler } from "../rest/rest-router.ts";
import { EXPLORER_CSP, type ExplorerService, renderExplorerPage } from "./explorer-page.ts";
import { type InvokeLimits, invokeMethod } from "./grpc-invoke.ts";
import { loadProto } from "./load-proto.ts";
import { exampleMessage } from "./proto-json.ts";
import { reflectServices } from "./reflection-client.ts";

/** One route of the explorer. */
export interface ExplorerRoute {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly handler: NodeHandler;
}

/** Options for {@link createGrpcExplorer}. */
export interface GrpcExplorerOptions extends Partial<InvokeLimits> {
  /** The gRPC server, `host:port`, e.g. `127.0.0.1:50051` (`GrpcServer.address`). */
  readonly target: string;
  /** List only this package's services (and title the page with it), e.g. `allframe.users.v1`. */
  readonly package?: string;
  /** The server's `.proto` text (`GrpcServer.proto`); used when reflection is unavailable. */
  readonly proto?: string;
  /** Channel security; default insecure. */
  readonly credentials?: ChannelCredentials;
  /** Where the page lives; default `/grpc` (the invoke endpoint is `<basePath>/invoke`). */
  readonly basePath?: string;
  /** Largest invoke request body, in bytes; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Logger for unexpected failures; default `createLogger({ service: "grpc-explorer" })`. */
  readonly logger?: Logger;
}

/** The explorer's routes and the client it holds. */
export interface GrpcExplorer {
  /** `GET <basePath>` (the page) and `POST <basePath>/invoke` (`{ service, method, request }`). */
  readonly routes: readonly ExplorerRoute[];
  /** Closes the gRPC client. */
  close(): void;
}

interface Discovery {
  readonly root: protobuf.Root;
  readonly services: readonly ExplorerService[];
  readonly source: "reflection" | "proto";
  readonly notice?: string;
}

function servicesIn(namespace: protobuf.NamespaceBase): protobuf.Service[] {
  return namespace.nestedArray.flatMap((nested) =>
    "methods" in nested
      ? [nested as protobuf.Service]
      : "nestedArray" in nested
        ? servicesIn(nested as protobuf.NamespaceBase)
        : [],
  );
}

function describe(root: protobuf.Root, names: readonly string[], pkg: string | undefined): ExplorerService[] {
  return names
    .filter((name) => pkg === undefined || name.startsWith(`${pkg}.`))
    .map((name) => {
      const service = root.lookupService(name);
      return {
        name,
        methods: service.methodsArray.map((method) => {
          method.resolve();
          const requestType = method.resolvedRequestType as protobuf.Type;
          return {
            name: method.name,
            requestType: requestType.name,
            responseType: (method.resolvedResponseType as protobuf.Type).name,
            serverStreaming: method.responseStream === true,
            clientStreaming: method.requestStream === true,
            example: exampleMessage(requestType),
          };
        }),
      };
    });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: unknown, logger: Logger): void {
  if (!isAllFrameError(error) || error.mapping.http >= 500) {
    logger.error({ err: error }, "gRPC explorer invoke failed");
  }
  if (!isAllFrameError(error) || error.code === "internal") sendJson(res, 500, INTERNAL_ERROR_BODY);
  else sendJson(res, error.mapping.http, { error: error.toJSON() } satisfies ErrorBody);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw new AllFrameError("validation", `the request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new AllFrameError(
      "validation",
      `the request body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function invocation(body: unknown): { service: string; method: string; request: unknown } {
  const { service, method, request } = (typeof body === "object" && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof service !== "string" || typeof method !== "string") {
    throw new AllFrameError(
      "validation",
      'send {"service": "<package>.<Service>", "method": "<Method>", "request": {...}}',
      {
        issues: [
          { path: [typeof service === "string" ? "method" : "service"], message: "expected a string" },
        ],
      },
    );
  }
  return { service, method, request: request ?? {} };
}

/**
 * Creates the explorer's Node request handlers for a running gRPC server.
 *
 * - `GET <basePath>`: the HTML page (200), or 502 with the reason when neither reflection nor `proto`
 *   gives a service list.
 * - `POST <basePath>/invoke` with `{ service, method, request }` → 200 `{ status, statusName,
 *   response?, error?, stopped? }` (see `InvokeResult`); 400 for a bad body or a request that does not
 *   fit, 404 for an unknown method, 501 for client streaming; error bodies `{ error: { code, message } }`.
 *
 * Limits: unary deadline `deadlineMs` (default 10000 ms); streams stop after `maxStreamMessages`
 * (default 20) or `streamWindowMs` (default 2000 ms).
 * @example
 * const explorer = createGrpcExplorer({ target: grpc.address, package: "allframe.users.v1", proto: grpc.proto });
 * for (const route of explorer.routes) router.mount(route.method, route.path, route.handler);
 */
export function createGrpcExplorer(options: GrpcExplorerOptions): GrpcExplorer {
  const client = new Client(options.target, options.credentials ?? credentials.createInsecure());
  const basePath = options.basePath ?? "/grpc";
  const logger = options.logger ?? createLogger({ service: "grpc-explorer" });
  const limits: InvokeLimits = {
    deadlineMs: options.deadlineMs ?? 10_000,
    maxStreamMessages: options.maxStreamMessages ?? 20,
    streamWindowMs: options.streamWindowMs ?? 2_000,
  };
  const discoverNow = async (): Promise<Discovery> => {
    try {
      const { root, services } = await reflectServices(client, limits.deadlineMs);
      return { root, services: describe(root, services, options.package), source: "reflection" };
    } catch (error) {
      if (options.proto === undefined) throw error;
      const { root } = loadProto(options.proto, "explorer.proto");
      const names = servicesIn(root).map((service) => service.fullName.slice(1));
      const reason = error instanceof Error ? error.message : String(error);
      return { root, services: describe(root, names, options.package), source: "proto", notice: reason };
    }
  };
  let discovery: Promise<Discovery> | undefined;
  const discover = (fresh: boolean): Promise<Discovery> => {
    if (fresh || discovery === undefined) {
      const started = discoverNow();
      discovery = started;
      started.catch(() => {
        if (discovery === started) discovery = undefined;
      });
    }
    return discovery;
  };

  const page: NodeHandler = async (_req, res) => {
    const title = `gRPC explorer${options.package === undefined ? "" : ` · ${options.package}`}`;
    const invokePath = `${basePath}/invoke`;
    let html: string;
    let status = 200;
    try {
      const { services, source, notice } = await discover(true);
      html = renderExplorerPage({
        title,
        target: options.target,
        invokePath,
        services,
        source,
        ...(notice === undefined ? {} : { notice }),
      });
    } catch (error) {
      status = 502;
      const notice = `cannot list the services of ${options.target}: ${error instanceof Error ? error.message : String(error)}`;
      html = renderExplorerPage({
        title,
        target: options.target,
        invokePath,
        source: "reflection",
        notice,
        services: [],
      });
    }
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": EXPLORER_CSP,
    });
    res.end(html);
  };

  const invoke: NodeHandler = async (req, res) => {
    try {
      const call = invocation(await readJson(req, options.maxBodyBytes ?? 1024 * 1024));
      const lists = (d: Discovery) =>
        d.services.some((s) => s.name === call.service && s.methods.some((m) => m.name === call.method));
      let found = await discover(false);
      if (!lists(found)) found = await discover(true);
      if (!lists(found)) {
        throw new AllFrameError(
          "not-found",
          `${options.target} lists no method ${call.service}/${call.method}`,
        );
      }
      sendJson(res, 200, await invokeMethod(client, found.root, call, call.request, limits));
    } catch (error) {
      sendError(res, error, logger);
    }
  };

  return {
    routes: [
      { method: "GET", path: basePath, handler: page },
      { method: "POST", path: `${basePath}/invoke`, handler: invoke },
    ],
    close: () => client.close(),
  };
}
