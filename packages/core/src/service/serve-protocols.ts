/**
 * Serves one set of handlers over every protocol a service lists (architecture `services.protocols`;
 * seed 001, Router & Documentation: "write once, expose via REST/GraphQL/gRPC"): REST with
 * `/openapi.json` and `/docs`; GraphQL at `/graphql` (GraphiQL for browsers, subscriptions over
 * WebSocket, a federation subgraph when asked); gRPC on its own port with reflection, and its
 * explorer page at `/grpc` on the HTTP port.
 * @module
 */
import { type ChannelCredentials, credentials, ServerCredentials } from "@grpc/grpc-js";
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Tracing } from "../observability/tracing/create-tracing.ts";
import { createGraphqlEndpoint } from "../router/graphql/graphql-endpoint.ts";
import type { GraphqlSubscriptions } from "../router/graphql/graphql-subscriptions.ts";
import { createGrpcExplorer, type GrpcExplorer } from "../router/grpc/grpc-explorer.ts";
import { type GrpcServer, startGrpcServer } from "../router/grpc/grpc-server.ts";
import type { HandlerDefinition, Protocol } from "../router/handler.ts";
import type { ServiceHost } from "../runtime/service-host.ts";
import type { MtlsMaterial } from "../security/mtls/mtls-material.ts";

/** Options for {@link serveProtocols}. */
export interface ServeProtocolsOptions {
  /** Which servers start; e.g. `["rest", "grpc"]`. */
  readonly protocols: readonly Protocol[];
  /** gRPC over mutual TLS with this material (the HTTP side gets it from the host's `tls`). */
  readonly mtls?: MtlsMaterial | undefined;
  /** Traces gRPC calls (HTTP requests, GraphQL included, are traced by the host's instrumentation). */
  readonly tracing?: Tracing | undefined;
  /** GraphQL: serve an Apollo Federation 2 subgraph; default false. */
  readonly federation?: boolean;
  /** gRPC: required when `protocols` has `"grpc"`. */
  readonly grpc?: {
    /** TCP port; `0` picks a free one. */
    readonly port: number;
    /** Interface to bind; default `127.0.0.1`. */
    readonly host?: string;
    /** Protobuf package, e.g. `allframe.users.v1`. */
    readonly package: string;
  };
}

/** What is being served; `grpc` is set once the host has started. */
export interface ServedProtocols {
  graphqlSdl: string | undefined;
  grpc: GrpcServer | undefined;
}

/** gRPC credentials for mutual TLS: the server demands client certificates; the explorer presents one. */
function grpcTls(
  mtls: MtlsMaterial | undefined,
): { server: ServerCredentials; client: ChannelCredentials } | undefined {
  if (mtls === undefined) return undefined;
  const ca = Buffer.from(mtls.ca);
  const cert = Buffer.from(mtls.cert);
  const key = Buffer.from(mtls.key.expose());
  return {
    server: ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: cert }], true),
    client: credentials.createSsl(ca, key, cert),
  };
}

/** A client address for a server bound to `host` (a wildcard bind is reached on loopback). */
function clientAddress(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Registers the handlers on `host` for each protocol; the gRPC server and the GraphQL WebSocket
 * listener start with the host (`onStart`) and stop in its drain phase.
 *
 * @throws AllFrameError `configuration` when `protocols` is empty, has `"grpc"` without `grpc`
 *   options, or the handlers collide (see `assertDistinctHandlers`).
 * @example
 * serveProtocols(host, userHandlers(), { protocols: ["rest", "grpc"], grpc: { port: 9090, package: "allframe.users.v1" } });
 */
export function serveProtocols(
  host: ServiceHost,
  handlers: readonly HandlerDefinition[],
  opts: ServeProtocolsOptions,
): ServedProtocols {
  if (opts.protocols.length === 0) {
    throw new AllFrameError(
      "configuration",
      `${host.name}: list at least one protocol (rest, graphql, grpc)`,
    );
  }
  const served: ServedProtocols = { graphqlSdl: undefined, grpc: undefined };
  // REST routes come with the docs; GraphQL- or gRPC-only services still get /openapi.json of nothing.
  if (opts.protocols.includes("rest")) host.serve(handlers);
  if (opts.protocols.includes("graphql")) {
    const endpoint = createGraphqlEndpoint({
      handlers,
      federation: opts.federation ?? false,
      logger: host.logger,
    });
    host.router.mount(["GET", "POST"], "/graphql", endpoint.handle);
    let subscriptions: GraphqlSubscriptions | undefined;
    host.onStart("graphql-subscriptions", () => {
      if (host.httpServer !== undefined) subscriptions = endpoint.attachSubscriptions(host.httpServer);
    });
    host.onShutdown("graphql-subscriptions", async () => subscriptions?.close(), "drain");
    served.graphqlSdl = endpoint.sdl;
  }
  if (opts.protocols.includes("grpc")) {
    const grpc = opts.grpc;
    if (grpc === undefined) {
      throw new AllFrameError("configuration", `${host.name}: protocol grpc needs a port and a package`);
    }
    let explorer: GrpcExplorer | undefined;
    host.onStart("grpc-server", async () => {
      const tls = grpcTls(opts.mtls);
      const server = await startGrpcServer({
        handlers,
        logger: host.logger,
        ...grpc,
        ...(opts.tracing === undefined ? {} : { tracing: opts.tracing }),
        ...(tls === undefined ? {} : { credentials: tls.server }),
      });
      served.grpc = server;
      explorer = createGrpcExplorer({
        target: clientAddress(grpc.host ?? "127.0.0.1", server.port),
        package: grpc.package,
        proto: server.proto,
        logger: host.logger,
        ...(tls === undefined ? {} : { credentials: tls.client }),
      });
      for (const route of explorer.routes) host.router.mount(route.method, route.path, route.handler);
      host.logger.info({ port: server.port, package: grpc.package }, "grpc listening");
    });
    host.onShutdown(
      "grpc-server",
      async (deadline) => {
        explorer?.close();
        await served.grpc?.stop(deadline.aborted ? 0 : 5000);
      },
      "drain",
    );
  }
  return served;
}
