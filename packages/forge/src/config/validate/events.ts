/**
 * Event flow: events that some service consumes but no service publishes.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import { consumedEvents, publishedEvents } from "../event-mentions.ts";
import { impliedPublications } from "../implied-publications.ts";
import type { Architecture } from "../schema.ts";
import { didYouMean } from "../suggest.ts";
import { report, type ValidationContext } from "./context.ts";

/**
 * `event-without-publisher` warning for every consumption of an event that no service publishes, in
 * its lists or unlisted (aggregate and saga events, see `implied-publications.ts`). A warning, not an
 * error: the event may come from outside this architecture; the consumer simply waits.
 */
export function validateEventFlow(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const published = new Set([
    ...arch.services.flatMap((s, i) => publishedEvents(s, i).map((m) => m.event)),
    ...[...impliedPublications(arch).values()].flat(),
  ]);
  return arch.services.flatMap((service, i) =>
    consumedEvents(service, i)
      .filter((m) => !published.has(m.event))
      .map((m) =>
        report(ctx, {
          severity: "warning",
          code: "event-without-publisher",
          path: m.path,
          message: `"${m.event}" is consumed but no service publishes it`,
          hint: `${didYouMean(m.event, published, eventTypoLimit(m.event))}add it to a service's domain.events, messaging.publishes or producer.events, unless it comes from outside this architecture`,
        }),
      ),
  );
}

// Event names share long suffixes (OrderCreated, UserCreated), so only near-identical names are
// likely typos.
function eventTypoLimit(event: string): number {
  return Math.max(1, Math.floor(event.length / 6));
}
