/**
 * Explicit ports a service declares, from `port` and from `ports.inbound` entries `"protocol:port"`.
 * Shared by the port validator and the resolver so both read the file the same way.
 *
 * REST and GraphQL are served by the same HTTP server, so `port`, `rest:N` and `graphql:N` all name
 * the service's one HTTP listener; `grpc:N` names its gRPC listener.
 * @module
 */
import type { KeyPath } from "./diagnostic.ts";
import { PROTOCOLS, type Protocol, type ServiceConfig } from "./schema.ts";

/** The two listeners a generated service can open. */
export type Listener = "http" | "grpc";

/** One explicit port: which service (index), which listener, where it is written. */
export interface PortDeclaration {
  service: number;
  listener: Listener;
  /** `"port"` for the `port` key, else the protocol written in the inbound entry. */
  source: Protocol | "port";
  port: number;
  path: KeyPath;
}

/** A parsed `ports.inbound` entry, or why it cannot be parsed. */
export type InboundEntry = { ok: true; protocol: Protocol; port: number } | { ok: false; reason: string };

/** Parses `"rest:8080"`-style entries: a known protocol, a colon, a port in 1..65535. */
export function parseInboundEntry(entry: string): InboundEntry {
  const match = /^([a-z]+):(\d{1,5})$/.exec(entry.trim());
  if (!match?.[1] || !match[2]) return { ok: false, reason: `"${entry}" is not of the form "protocol:port"` };
  const protocol = PROTOCOLS.find((p) => p === match[1]);
  if (!protocol) return { ok: false, reason: `unknown protocol "${match[1]}" in "${entry}"` };
  const port = Number(match[2]);
  if (port < 1 || port > 65535)
    return { ok: false, reason: `port ${port} in "${entry}" is outside 1..65535` };
  return { ok: true, protocol, port };
}

/** Every well-formed explicit port of `service` (at position `index`), `port` first, then inbound order. */
export function declaredPorts(service: ServiceConfig, index: number): PortDeclaration[] {
  const out: PortDeclaration[] = [];
  if (service.port !== undefined) {
    out.push({
      service: index,
      listener: "http",
      source: "port",
      port: service.port,
      path: ["services", index, "port"],
    });
  }
  service.ports?.inbound?.forEach((entry, j) => {
    const parsed = parseInboundEntry(entry);
    if (!parsed.ok) return;
    out.push({
      service: index,
      listener: parsed.protocol === "grpc" ? "grpc" : "http",
      source: parsed.protocol,
      port: parsed.port,
      path: ["services", index, "ports", "inbound", j],
    });
  });
  return out;
}
