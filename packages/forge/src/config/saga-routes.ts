/**
 * Who carries out each saga command, and which events that makes a service publish (issue 7: the
 * saga's steps as commands to real participants, with replies). Rules, per step or compensation:
 * 1. `[services.saga] participants = { Command = "service" }` names it (the orchestrator's own name
 *    means its local participant);
 * 2. else the command's noun (`ValidateInventory` → `Inventory`: the words after the verb) matches
 *    another gateway or event-sourced service's name (`inventory-service`, `payment-gateway`: its first
 *    word) or aggregate ({@link aggregateName});
 * 3. else the orchestrator's local participant records it in its own store.
 *
 * Events: an orchestrator publishes `<Aggregate>Created` when a saga starts and
 * `<Aggregate>StatusChanged` on every status change. After a forward step succeeds, its participant
 * publishes every event some service consumes that no list declares published and whose name is the
 * step's noun followed by one more word (`PaymentSucceeded`, `ShipmentDispatched`); an event-sourced
 * participant leaves out its aggregate's own `<Aggregate>Created/Updated/Archived`. Compensations
 * publish nothing of their own. The resolver counts these as the services' publications.
 * @module
 */
import { pascalCase } from "../generators/typescript/names.ts";
import { consumedEvents, publishedEvents } from "./event-mentions.ts";
import { type Architecture, SAGA_PARTICIPANT_TYPES, type ServiceConfig } from "./schema.ts";

/** The kinds of participant the forge generates a default for. */
export type ParticipantKind = "gateway" | "event-sourced" | "local";

/** One saga command and where it goes. */
export interface SagaCommandRoute {
  /** The command (step or compensation name), e.g. `"ReservePayment"`. */
  readonly command: string;
  /** `"step"` for a forward step, `"compensation"` for its undo. */
  readonly role: "step" | "compensation";
  /** The orchestrator service whose saga sends it. */
  readonly orchestrator: string;
  /** The service that handles it (the orchestrator's own name for the local participant). */
  readonly service: string;
  readonly kind: ParticipantKind;
  /** Events its participant publishes after success (empty for compensations). */
  readonly succeeded: readonly string[];
  /** Why this service: `"configured"`, `"noun"` or `"local"`. */
  readonly by: "configured" | "noun" | "local";
}

/** A service's aggregate: its first declared entity, else its name without `-service` (`Order`). */
export function aggregateName(service: ServiceConfig): string {
  return service.domain?.entities?.[0] ?? pascalCase(service.name.replace(/-service$/, ""));
}

/** The noun of a command: its PascalCase words after the first (the verb). `ReservePayment` → `Payment`. */
export function commandNoun(command: string): string {
  const words = command.match(/[A-Z][a-z0-9]*/g) ?? [command];
  return words.length > 1 ? words.slice(1).join("") : command;
}

const canParticipate = (service: ServiceConfig): boolean => SAGA_PARTICIPANT_TYPES.includes(service.type);
const serviceNoun = (service: ServiceConfig): string =>
  pascalCase(service.name.split("-")[0] ?? service.name);

/**
 * The route of every command of the saga of `arch.services[index]` (a saga orchestrator), steps first
 * then compensations, in file order.
 */
export function sagaCommandRoutes(arch: Architecture, index: number): SagaCommandRoute[] {
  const orchestrator = arch.services[index];
  if (orchestrator === undefined) return [];
  const saga = orchestrator.saga ?? {};
  const configured = saga.participants ?? {};
  const others = arch.services.filter((s) => s.name !== orchestrator.name && canParticipate(s));
  const declared = new Set(arch.services.flatMap((s, i) => publishedEvents(s, i).map((m) => m.event)));
  const consumed = [
    ...new Set(arch.services.flatMap((s, i) => consumedEvents(s, i).map((m) => m.event))),
  ].filter((e) => !declared.has(e));
  const route = (command: string, role: SagaCommandRoute["role"]): SagaCommandRoute => {
    const noun = commandNoun(command);
    const named = configured[command];
    const chosen =
      named !== undefined
        ? arch.services.find((s) => s.name === named)
        : others.find((s) => serviceNoun(s) === noun || aggregateName(s) === noun);
    const local = chosen === undefined || chosen.name === orchestrator.name || !canParticipate(chosen);
    const kind: ParticipantKind = local ? "local" : chosen.type === "gateway" ? "gateway" : "event-sourced";
    // An event-sourced participant's aggregate publishes its own <Agg>Created/Updated/Archived.
    const own =
      kind === "event-sourced" && chosen !== undefined
        ? ["Created", "Updated", "Archived"].map((e) => aggregateName(chosen) + e)
        : [];
    const succeeded =
      role === "step"
        ? consumed.filter(
            (e) => e.startsWith(noun) && /^[A-Z][a-z]+$/.test(e.slice(noun.length)) && !own.includes(e),
          )
        : [];
    return {
      command,
      role,
      orchestrator: orchestrator.name,
      service: local ? orchestrator.name : chosen.name,
      kind,
      succeeded,
      by: named !== undefined ? "configured" : local ? "local" : "noun",
    };
  };
  return [
    ...(saga.steps ?? []).map((c) => route(c, "step")),
    ...(saga.compensation ?? []).map((c) => route(c, "compensation")),
  ];
}

/** Every saga command route of the architecture, orchestrator by orchestrator. */
export function allSagaCommandRoutes(arch: Architecture): SagaCommandRoute[] {
  return arch.services.flatMap((s, i) => (s.type === "saga-orchestrator" ? sagaCommandRoutes(arch, i) : []));
}

/**
 * Events services publish because of sagas, though no list declares them: service name → events (an
 * orchestrator's lifecycle events, then the success events of the commands each service handles).
 */
export function sagaPublications(arch: Architecture): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (service: string, events: readonly string[]) =>
    out.set(service, [...(out.get(service) ?? []), ...events]);
  for (const service of arch.services) {
    if (service.type !== "saga-orchestrator") continue;
    const agg = aggregateName(service);
    add(service.name, [`${agg}Created`, `${agg}StatusChanged`]);
  }
  for (const route of allSagaCommandRoutes(arch)) add(route.service, route.succeeded);
  return out;
}
