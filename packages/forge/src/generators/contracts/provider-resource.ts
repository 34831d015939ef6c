/**
 * What a provider's contract can cover beyond `/health`, read from its archetype's plan: the resource a
 * client creates with `POST <path>` and reads back with `GET <path>/:id` (and lists with `GET <path>`).
 * The plan's `idempotentExample` names that POST and a body it accepts; its `routes` say which reads
 * exist. Provider states create the resource through the provider's own API, so verification needs no
 * access to its storage.
 * @module
 */
import type { ServicePlan } from "../../archetypes/archetype.ts";

/** A resource the contract reads, and how a provider state creates one. */
export interface ProviderResource {
  /** Collection path, e.g. `/users`; the resource is read at `<path>/<id>`. */
  readonly path: string;
  /** JSON body `POST <path>` accepts; the answer carries the new resource's `id`. */
  readonly createBody: unknown;
  /** The provider state that creates one, e.g. `an item created by POST /users exists`. */
  readonly state: string;
  /** Whether `GET <path>` lists the collection as `{ items: [{ id, ... }, ...] }`. */
  readonly listable: boolean;
}

/**
 * The provider's resource, or `undefined` when its plan has no create-then-read pair (gateways,
 * producers, consumers...: their contract is `/health` alone). A path with a parameter (`/events/:type`)
 * is not a collection and yields `undefined`.
 */
export function providerResource(plan: ServicePlan): ProviderResource | undefined {
  const example = plan.idempotentExample;
  if (example === undefined || example.path.includes(":")) return undefined;
  const { path } = example;
  const serves = (method: "GET" | "POST", p: string): boolean =>
    plan.routes.some((r) => r.method === method && r.path === p);
  if (!serves("POST", path) || !serves("GET", `${path}/:id`)) return undefined;
  return {
    path,
    createBody: example.body,
    state: `an item created by POST ${path} exists`,
    listable: serves("GET", path),
  };
}
