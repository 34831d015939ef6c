/**
 * Events a service publishes without listing them in `domain.events`, `messaging.publishes` or
 * `producer.events`: an event-sourced service's aggregate events (`<Aggregate>Created`, `Updated`,
 * `Archived`: the generated service publishes every event it stores, after commit), and the events
 * sagas make their orchestrator and participants publish (`saga-routes.ts`). The resolver adds them to
 * each service's `publishes`; the event-flow validator counts them as published.
 * @module
 */
import { aggregateName, sagaPublications } from "./saga-routes.ts";
import type { Architecture } from "./schema.ts";

/** The aggregate events the event-sourced archetype's decider emits, by suffix. */
const AGGREGATE_EVENTS = ["Created", "Updated", "Archived"] as const;

/** Service name → the events it publishes without listing them, in a stable order. */
export function impliedPublications(arch: Architecture): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const service of arch.services) {
    if (service.type !== "event-sourced") continue;
    const aggregate = aggregateName(service);
    out.set(
      service.name,
      AGGREGATE_EVENTS.map((suffix) => `${aggregate}${suffix}`),
    );
  }
  for (const [service, events] of sagaPublications(arch))
    out.set(service, [...(out.get(service) ?? []), ...events]);
  return out;
}
