/**
 * `docs/architecture.md`: the services with their types, protocols and ports, a Mermaid diagram of the
 * service graph (BFF aggregation and event flows), the event catalog, each service's routes, and the
 * warnings ignite reported (seed 000 Milestone 9 "Documentation generation").
 * @module
 */

import { sagaRoutes, sagaRoutesTable } from "../../archetypes/saga-participation.ts";
import type { ScaffoldedService } from "../../archetypes/scaffold.ts";
import type { Diagnostic } from "../../config/diagnostic.ts";
import type { ResolvedArchitecture } from "../../config/resolve.ts";

const nodeId = (name: string): string => name.replace(/[^A-Za-z0-9]/g, "_");

/** The Mermaid `flowchart` of services (with type and protocols) and the edges between them. */
export function mermaidDiagram(architecture: ResolvedArchitecture): string {
  const lines = ["flowchart LR"];
  for (const s of architecture.services) {
    lines.push(`  ${nodeId(s.name)}["${s.name}<br/><i>${s.type}</i><br/>${s.protocols.join(" + ")}"]`);
  }
  const defined = new Set(architecture.services.map((s) => s.name));
  for (const e of architecture.events) {
    if (e.publishers.length === 0) {
      lines.push(`  ${nodeId(`unpublished_${e.name}`)}(("${e.name}?"))`);
    }
  }
  for (const edge of architecture.graph.edges) {
    if (!defined.has(edge.to)) continue;
    lines.push(
      edge.kind === "aggregates"
        ? `  ${nodeId(edge.from)} -->|aggregates| ${nodeId(edge.to)}`
        : `  ${nodeId(edge.from)} -.->|${edge.event ?? "event"}| ${nodeId(edge.to)}`,
    );
  }
  for (const e of architecture.events) {
    if (e.publishers.length > 0) continue;
    for (const consumer of e.consumers)
      lines.push(`  ${nodeId(`unpublished_${e.name}`)} -.-> ${nodeId(consumer)}`);
  }
  return lines.join("\n");
}

/** The whole document. */
export function architectureDoc(
  architecture: ResolvedArchitecture,
  services: readonly ScaffoldedService[],
  warnings: readonly Diagnostic[],
): string {
  const arch = architecture.architecture;
  const serviceRows = services.map(
    ({ service }) =>
      `| ${service.name} | ${service.type} | ${service.protocols.join(", ")} | ${service.httpPort} | ${service.responsibility ?? ""} |`,
  );
  const eventRows = architecture.events.map(
    (e) => `| ${e.name} | ${e.publishers.join(", ") || "_none_"} | ${e.consumers.join(", ") || "_none_"} |`,
  );
  const routeSections = services.map(({ service, plan }) =>
    [
      `### ${service.name}`,
      "",
      "| Method | Path | What it does |",
      "|---|---|---|",
      "| GET | `/health` | Liveness |",
      "| GET | `/ready` | Readiness |",
      ...plan.routes.map((r) => `| ${r.method} | \`${r.path}\` | ${r.summary} |`),
    ].join("\n"),
  );
  const sagaSections = architecture.services
    .filter((s) => s.type === "saga-orchestrator")
    .map((s) =>
      [`### ${s.saga?.name ?? s.name} (${s.name})`, "", sagaRoutesTable(sagaRoutes(architecture, s))].join(
        "\n",
      ),
    );
  const warningLines =
    warnings.length === 0 ? ["None."] : warnings.map((w) => `- \`${w.path.join(".")}\`: ${w.message}`);
  return [
    `# ${arch.architecture.name} ${arch.architecture.version}`,
    "",
    `Generated from \`${architecture.source.file}\`. Event bus: **${arch.settings.event_bus}**; default database: **${arch.settings.default_database}**.`,
    "",
    "## Services",
    "",
    "| Service | Type | Protocols | Port | Responsibility |",
    "|---|---|---|---|---|",
    ...serviceRows,
    "",
    "## Service graph",
    "",
    "Solid arrows: a BFF aggregating a service. Dotted arrows: an event from its publisher to a consumer;",
    "a `?` node is an event no service in this architecture publishes.",
    "",
    "```mermaid",
    mermaidDiagram(architecture),
    "```",
    "",
    "## Event catalog",
    "",
    "| Event | Published by | Consumed by |",
    "|---|---|---|",
    ...eventRows,
    "",
    ...(sagaSections.length === 0
      ? []
      : [
          "## Sagas",
          "",
          "Each step and compensation is a command on the bus to its participant, which answers on the",
          "orchestrator's reply topic; a forward step's participant then publishes the events listed.",
          "",
          sagaSections.join("\n\n"),
          "",
        ]),
    "## Routes",
    "",
    routeSections.join("\n\n"),
    "",
    "## Warnings from ignite",
    "",
    ...warningLines,
    "",
  ].join("\n");
}
