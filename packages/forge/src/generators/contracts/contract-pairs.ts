/**
 * What `[testing]` asks of contract tests (on or off, which broker), and which consumer → provider
 * pairs get them: every BFF and each service it aggregates that the architecture defines (seed 000
 * "contracts/ # Pact contract tests"; issue 5 item 4). An aggregate the architecture does not define
 * has no code to verify: the BFF reports it as a degraded field, and the resolver leaves it out of the
 * service graph, so it gets no contract either.
 * @module
 */
import type { ScaffoldedService } from "../../archetypes/scaffold.ts";
import type { ResolvedArchitecture } from "../../config/resolve.ts";

/** One consumer (the BFF) and one provider (a service it calls), as scaffolded. */
export interface ContractPair {
  readonly consumer: ScaffoldedService;
  readonly provider: ScaffoldedService;
}

/**
 * Whether the architecture wants contract tests: `[testing].contract_testing`, `true` when absent,
 * because the seed's generated tree always has `contracts/`; write `contract_testing = false` to opt out.
 */
export function contractTestingEnabled(architecture: ResolvedArchitecture): boolean {
  return architecture.architecture.testing?.contract_testing ?? true;
}

/** A broker the generated contracts are published to. */
export type ContractBroker = "pactflow" | "pact-broker";

/**
 * The broker `[testing].contract_broker` names, or `undefined` for `none` or when absent: the pacts
 * then stay local and `contracts/README.md` is not written.
 */
export function contractBroker(architecture: ResolvedArchitecture): ContractBroker | undefined {
  const broker = architecture.architecture.testing?.contract_broker;
  return broker === undefined || broker === "none" ? undefined : broker;
}

/**
 * The pairs to test, in service-graph order (consumers in file order, then their `aggregates` order),
 * from the graph's `aggregates` edges, which the resolver already deduplicated and cleared of
 * undefined services and self-references; only `bff` services are consumers. Empty when contract
 * testing is off or there is no BFF.
 */
export function contractPairs(
  architecture: ResolvedArchitecture,
  services: readonly ScaffoldedService[],
): ContractPair[] {
  if (!contractTestingEnabled(architecture)) return [];
  const byName = new Map(services.map((s) => [s.service.name, s]));
  return architecture.graph.edges.flatMap((edge) => {
    if (edge.kind !== "aggregates") return [];
    const consumer = byName.get(edge.from);
    const provider = byName.get(edge.to);
    // The consumer half drives the BFF's own routes (`/overview`, `/api/<service>/...`).
    if (consumer?.service.type !== "bff" || provider === undefined) return [];
    return [{ consumer, provider }];
  });
}
