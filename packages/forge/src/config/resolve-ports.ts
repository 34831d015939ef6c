/**
 * Port assignment: explicit ports are kept, the rest are handed out deterministically so that the
 * same file always yields the same ports (docker-compose, docs and the dev runner all agree).
 * @module
 */
import { declaredPorts } from "./declared-ports.ts";
import type { Protocol, ServiceConfig } from "./schema.ts";

/** First port tried for HTTP listeners without an explicit port. */
export const FIRST_HTTP_PORT = 8080;
/** First port tried for gRPC listeners without an explicit port. */
export const FIRST_GRPC_PORT = 9090;

/** The ports of one service: always an HTTP port, a gRPC port when it serves gRPC. */
export interface AssignedPorts {
  httpPort: number;
  grpcPort?: number;
}

/**
 * Assigns ports to `services` (in file order). HTTP: `port`, else the first `rest:N`/`graphql:N`
 * inbound entry, else the lowest free port from 8080. gRPC, for services whose protocols include
 * `grpc`: the first `grpc:N` entry, else the lowest free port from 9090. "Free" skips every explicit
 * port of every service and every port already assigned; all HTTP ports are assigned before gRPC.
 * Assumes the port validator found no collision.
 * @returns one entry per service, same order.
 */
export function assignPorts(
  services: readonly ServiceConfig[],
  protocols: readonly Protocol[][],
): AssignedPorts[] {
  const declared = services.map((service, i) => declaredPorts(service, i));
  const used = new Set(declared.flat().map((d) => d.port));
  const next = (from: number): number => {
    let port = from;
    while (used.has(port)) port++;
    used.add(port);
    return port;
  };
  const http = declared.map((list) => list.find((d) => d.listener === "http")?.port ?? next(FIRST_HTTP_PORT));
  return services.map((_, i) => {
    const httpPort = http[i] ?? FIRST_HTTP_PORT;
    if (!protocols[i]?.includes("grpc")) return { httpPort };
    const explicit = declared[i]?.find((d) => d.listener === "grpc")?.port;
    return { httpPort, grpcPort: explicit ?? next(FIRST_GRPC_PORT) };
  });
}
