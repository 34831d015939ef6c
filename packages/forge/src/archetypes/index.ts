/** @module archetypes: one generator per service type, and the registry ignite picks them from. */
import type { ServiceType } from "../config/schema.ts";
import { antiCorruptionLayerArchetype } from "./anti-corruption-layer.ts";
import type { Archetype } from "./archetype.ts";
import { bffArchetype } from "./bff.ts";
import { cacheArchetype } from "./cache.ts";
import { consumerArchetype } from "./consumer.ts";
import { eventSourcedArchetype } from "./event-sourced.ts";
import { gatewayArchetype } from "./gateway.ts";
import { producerArchetype } from "./producer.ts";
import { sagaOrchestratorArchetype } from "./saga-orchestrator.ts";
import { scheduledArchetype } from "./scheduled.ts";
import { statelessArchetype } from "./stateless.ts";
import { streamProcessorArchetype } from "./stream-processor.ts";
import { websocketGatewayArchetype } from "./websocket-gateway.ts";

export type {
  Archetype,
  ArchetypeContext,
  EnvVarSpec,
  RouteSpec,
  ServiceFiles,
  ServicePlan,
} from "./archetype.ts";
export { type ScaffoldedService, scaffoldService } from "./scaffold.ts";

/** Every service type's archetype; `satisfies` makes a missing type a compile error. */
export const ARCHETYPES = {
  stateless: statelessArchetype,
  "event-sourced": eventSourcedArchetype,
  "saga-orchestrator": sagaOrchestratorArchetype,
  gateway: gatewayArchetype,
  consumer: consumerArchetype,
  producer: producerArchetype,
  "stream-processor": streamProcessorArchetype,
  bff: bffArchetype,
  "websocket-gateway": websocketGatewayArchetype,
  scheduled: scheduledArchetype,
  "anti-corruption-layer": antiCorruptionLayerArchetype,
  cache: cacheArchetype,
} as const satisfies Record<ServiceType, Archetype>;
