/**
 * The resolver: turns a validated architecture into the model the generators consume, with every
 * default filled in (protocols, ports, resilience), the event catalog and the service graph.
 *
 * Source: seed 000 "Phase 1" pipeline (configuration → resolver → validators → archetypes).
 * @module
 */
import { consumedEvents, publishedEvents } from "./event-mentions.ts";
import { impliedPublications } from "./implied-publications.ts";
import type { DeployInput } from "./interpolate.ts";
import type { ConfigFormat } from "./parse.ts";
import { assignPorts } from "./resolve-ports.ts";
import { type ResolvedResilience, resolveResilience } from "./resolve-resilience.ts";
import type { Architecture, Protocol, ServiceConfig } from "./schema.ts";

/** Re-exported so consumers of the resolved model import it from one place. */
export type { ResolvedResilience } from "./resolve-resilience.ts";

/**
 * One service with its defaults filled in.
 * - `protocols`: as written, else `["rest"]`.
 * - `httpPort`/`grpcPort`: see `assignPorts` (`grpcPort` only when `protocols` includes `grpc`).
 * - `publishes`/`consumes`: event names, deduplicated, in the order of the lists they come from;
 *   `publishes` ends with the events it publishes unlisted (`implied-publications.ts`).
 * - `index`: position in the file's `services` list.
 */
export interface ResolvedService extends ServiceConfig {
  protocols: Protocol[];
  httpPort: number;
  grpcPort?: number;
  resilience: ResolvedResilience;
  publishes: string[];
  consumes: string[];
  index: number;
}

/** One event: who publishes it and who consumes it (service names, file order). */
export interface EventCatalogEntry {
  name: string;
  publishers: string[];
  consumers: string[];
}

/** A dependency between services: a BFF calling a service, or an event flowing publisher → consumer. */
export interface ServiceEdge {
  from: string;
  to: string;
  kind: "aggregates" | "event";
  event?: string;
}

/** The resolved architecture: what archetypes and generators read. */
export interface ResolvedArchitecture {
  source: { file: string; format: ConfigFormat };
  architecture: Architecture;
  services: ResolvedService[];
  /** Every published or consumed event, sorted by name. */
  events: EventCatalogEntry[];
  /** Nodes are service names in file order; edges are aggregates edges then event edges. */
  graph: { nodes: string[]; edges: ServiceEdge[] };
  /** `cloud.*` values left as `${VAR}` for the deploy step. */
  deployInputs: DeployInput[];
}

/** Inputs of {@link resolveArchitecture} besides the architecture itself. */
export interface ResolveOptions {
  source: { file: string; format: ConfigFormat };
  deployInputs?: DeployInput[];
}

/**
 * Resolves a schema-valid architecture that passed the semantic validators (unique names, no port
 * collisions). Pure and deterministic: the same input always gives the same ports and order.
 */
export function resolveArchitecture(arch: Architecture, options: ResolveOptions): ResolvedArchitecture {
  const protocols = arch.services.map((s): Protocol[] => (s.protocols ? [...s.protocols] : ["rest"]));
  const ports = assignPorts(arch.services, protocols);
  const implied = impliedPublications(arch);
  const services = arch.services.map((service, index): ResolvedService => {
    const { httpPort, grpcPort } = ports[index] ?? { httpPort: 0 };
    const resolved: ResolvedService = {
      ...service,
      protocols: protocols[index] ?? ["rest"],
      httpPort,
      resilience: resolveResilience(arch, service),
      publishes: unique([
        ...publishedEvents(service, index).map((m) => m.event),
        ...(implied.get(service.name) ?? []),
      ]),
      consumes: unique(consumedEvents(service, index).map((m) => m.event)),
      index,
    };
    if (grpcPort !== undefined) resolved.grpcPort = grpcPort;
    return resolved;
  });
  const events = eventCatalog(services);
  return {
    source: { ...options.source },
    architecture: arch,
    services,
    events,
    graph: {
      nodes: services.map((s) => s.name),
      edges: [...aggregateEdges(services), ...eventEdges(events)],
    },
    deployInputs: [...(options.deployInputs ?? [])],
  };
}

function eventCatalog(services: readonly ResolvedService[]): EventCatalogEntry[] {
  const byName = new Map<string, EventCatalogEntry>();
  const entry = (name: string): EventCatalogEntry => {
    let found = byName.get(name);
    if (!found) {
      found = { name, publishers: [], consumers: [] };
      byName.set(name, found);
    }
    return found;
  };
  for (const service of services) {
    for (const name of service.publishes) entry(name).publishers.push(service.name);
    for (const name of service.consumes) entry(name).consumers.push(service.name);
  }
  // Code-unit order, not localeCompare, so the catalog is identical on every machine.
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function aggregateEdges(services: readonly ResolvedService[]): ServiceEdge[] {
  const defined = new Set(services.map((s) => s.name));
  return services.flatMap((s) =>
    unique(s.bff?.aggregates ?? [])
      .filter((target) => defined.has(target) && target !== s.name)
      .map((target): ServiceEdge => ({ from: s.name, to: target, kind: "aggregates" })),
  );
}

function eventEdges(events: readonly EventCatalogEntry[]): ServiceEdge[] {
  return events.flatMap((e) =>
    e.publishers.flatMap((from) =>
      e.consumers.map((to): ServiceEdge => ({ from, to, kind: "event", event: e.name })),
    ),
  );
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
