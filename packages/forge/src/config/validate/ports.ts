/**
 * Ports: every generated service runs on one machine under `npm run dev`, so two listeners on the
 * same port would fail at start-up; this catches it in the file instead.
 * @module
 */
import { declaredPorts, type PortDeclaration, parseInboundEntry } from "../declared-ports.ts";
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { report, type ValidationContext } from "./context.ts";

/**
 * - `invalid-port` error: an inbound entry that is not `"rest|graphql|grpc:1..65535"`.
 * - `port-collision` error: the same explicit port on two services, or on the HTTP and gRPC listeners
 *   of one service (reported at the second declaration, naming the first).
 * - `port-mismatch` warning: one service gives its HTTP listener two different ports (the first one
 *   written, `port` before `ports.inbound`, is used), or lists `grpc:N` without `grpc` in `protocols`.
 */
export function validatePorts(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<number, PortDeclaration>();
  arch.services.forEach((service, i) => {
    service.ports?.inbound?.forEach((entry, j) => {
      const parsed = parseInboundEntry(entry);
      if (parsed.ok) return;
      out.push(
        report(ctx, {
          severity: "error",
          code: "invalid-port",
          path: ["services", i, "ports", "inbound", j],
          message: parsed.reason,
          hint: 'write "protocol:port" with protocol rest, graphql or grpc, e.g. "rest:8080" or "grpc:9090"',
        }),
      );
    });
    const firstOfListener = new Map<string, PortDeclaration>();
    for (const declaration of declaredPorts(service, i)) {
      const first = firstOfListener.get(declaration.listener);
      if (first) {
        // The same port written twice (port = 8080 and "rest:8080") is one listener, not a conflict.
        if (first.port !== declaration.port) {
          const message = `the ${declaration.listener.toUpperCase()} listener already has port ${first.port}; ${declaration.port} is ignored`;
          out.push(mismatch(ctx, declaration, message));
        }
        continue;
      }
      if (declaration.listener === "grpc" && !(service.protocols ?? []).includes("grpc")) {
        const message = 'grpc port declared but "grpc" is not in protocols, so no gRPC server is generated';
        out.push(mismatch(ctx, declaration, message));
      }
      firstOfListener.set(declaration.listener, declaration);
      const owner = owners.get(declaration.port);
      if (owner) {
        out.push(collision(ctx, arch, declaration, owner));
        continue;
      }
      owners.set(declaration.port, declaration);
    }
  });
  return out;
}

function mismatch(ctx: ValidationContext, declaration: PortDeclaration, message: string): Diagnostic {
  return report(ctx, {
    severity: "warning",
    code: "port-mismatch",
    path: declaration.path,
    message,
    hint: "give each listener one port: port (or rest:N / graphql:N) for HTTP, grpc:N for gRPC",
  });
}

function collision(
  ctx: ValidationContext,
  arch: Architecture,
  declaration: PortDeclaration,
  owner: PortDeclaration,
): Diagnostic {
  const ownerName = arch.services[owner.service]?.name ?? `services[${owner.service}]`;
  const line = ctx.locate(owner.path)?.line;
  const same = owner.service === declaration.service;
  return report(ctx, {
    severity: "error",
    code: "port-collision",
    path: declaration.path,
    message: `port ${declaration.port} is already used by ${same ? "this service's" : `"${ownerName}"`} ${owner.listener.toUpperCase()} listener${line === undefined ? "" : ` (line ${line})`}`,
    hint: "pick another port, or remove the explicit port so one is assigned (HTTP from 8080, gRPC from 9090)",
  });
}
