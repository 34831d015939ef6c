/**
 * Required sections: the service types whose archetype cannot generate anything meaningful without a
 * particular table (a saga without steps, a consumer without events, ...).
 *
 * Source: seed 000 "Service Types" and each archetype's section of the reference example.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture, ServiceConfig, ServiceType } from "../schema.ts";
import { report, type ValidationContext } from "./context.ts";

interface Requirement {
  /** What must be present, as the user writes it. */
  needs: string;
  /** Key path (below the service) the diagnostic points at. */
  path: string[];
  present(service: ServiceConfig): boolean;
  /** A TOML snippet that satisfies it. */
  example: string;
}

const nonEmpty = (list: readonly unknown[] | undefined): boolean => (list?.length ?? 0) > 0;

/** What each service type requires; types not listed require nothing. */
export const REQUIRED_SECTIONS: Partial<Record<ServiceType, Requirement>> = {
  "saga-orchestrator": {
    needs: "a non-empty saga.steps",
    path: ["saga", "steps"],
    present: (s) => nonEmpty(s.saga?.steps),
    example:
      '[services.saga] with steps = ["ReserveStock", "ChargeCard"] and compensation = ["ReleaseStock", "RefundCard"]',
  },
  consumer: {
    needs: "a non-empty consumer.events",
    path: ["consumer", "events"],
    present: (s) => nonEmpty(s.consumer?.events),
    example: '[services.consumer] with events = ["OrderCreated"]',
  },
  bff: {
    needs: "a non-empty bff.aggregates",
    path: ["bff", "aggregates"],
    present: (s) => nonEmpty(s.bff?.aggregates),
    example: '[services.bff] with aggregates = ["user-service"]',
  },
  scheduled: {
    needs: "schedule.cron or at least one jobs entry",
    path: ["schedule", "cron"],
    present: (s) => s.schedule?.cron !== undefined || Object.keys(s.jobs ?? {}).length > 0,
    example: '[services.schedule] with cron = "0 2 * * *"',
  },
  "stream-processor": {
    needs: "a non-empty stream.input_topics",
    path: ["stream", "input_topics"],
    present: (s) => nonEmpty(s.stream?.input_topics),
    example: '[services.stream] with input_topics = ["orders"]',
  },
  "anti-corruption-layer": {
    needs: "acl.upstream",
    path: ["acl", "upstream"],
    present: (s) => s.acl?.upstream !== undefined && s.acl.upstream !== "",
    example: '[services.acl] with upstream = "https://legacy.internal"',
  },
  gateway: {
    needs: "a non-empty integrations.providers",
    path: ["integrations", "providers"],
    present: (s) => nonEmpty(s.integrations?.providers),
    example: '[services.integrations] with providers = ["stripe"]',
  },
};

/** `missing-section` error for each service lacking what its type requires. */
export function validateRequiredSections(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  arch.services.forEach((service, i) => {
    const requirement = REQUIRED_SECTIONS[service.type];
    if (!requirement || requirement.present(service)) return;
    out.push(
      report(ctx, {
        severity: "error",
        code: "missing-section",
        path: ["services", i, ...requirement.path],
        message: `a ${service.type} service needs ${requirement.needs}`,
        hint: `add e.g. ${requirement.example}`,
      }),
    );
  });
  return out;
}
