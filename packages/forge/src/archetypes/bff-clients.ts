/**
 * Typed clients a BFF gets for the services it aggregates, generated from what the forge knows of each
 * one's archetype: a `stateless` service's entity CRUD (`/users`, ...), a `saga-orchestrator`'s saga
 * routes (`/sagas`). Other types get the base `ServiceClient` (health and GET). Each record type a
 * client can read by id is a {@link ReadableRecord}, which the BFF serves through a DataLoader.
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { ServiceFiles } from "./archetype.ts";
import { entitiesOf } from "./stateless.ts";

/** A record type a typed client reads by id, one at a time or many in one batch. */
export interface ReadableRecord {
  /** TypeScript type exported by the client file, e.g. `User`, `SagaInstance`. */
  readonly type: string;
  /** camelCase name of one record in the BFF, e.g. `user` (its GraphQL field), `sagaInstance`. */
  readonly field: string;
  /** The plural, e.g. `users` (the BFF's batched GraphQL field). */
  readonly listField: string;
  /** The backend's REST collection, e.g. `/users`. */
  readonly collection: string;
  /** Client method reading one record: `get<Type>`. */
  readonly get: string;
  /** Client method reading many: `get<Type>Many`. */
  readonly getMany: string;
  /** The record's GraphQL type name in the BFF: `type`, prefixed with the service's name on a clash. */
  readonly graphqlType: string;
  /** zod source of the record's known fields, e.g. `{ id: z.string(), ... }` (the BFF keeps unknown ones). */
  readonly shape: string;
}

/** The typed client generated for one aggregated service. */
export interface ClientSpec {
  readonly service: ResolvedService;
  /** e.g. `UserServiceClient`, or `ServiceClient` for types without a typed client. */
  readonly className: string;
  /** Import path from `src/`, e.g. `./clients/user-service-client.ts`. */
  readonly module: string;
  readonly readables: readonly ReadableRecord[];
}

const ENTITY_FIELDS = "id version createdAt updatedAt name";
const SAGA_FIELDS =
  "id saga status context completedSteps compensatedSteps revision startedAt finishedAt error log { at action outcome step compensation attempt output error }";

/** How `get<Type>Many` reads: one aliased GraphQL request when the backend serves GraphQL. */
function manyBody(service: ResolvedService, upstreamField: string, selection: string, get: string): string {
  return service.protocols.includes("graphql")
    ? `return this.graphqlBatch(${str(upstreamField)}, ${str(selection)}, ids);`
    : `return this.eachById(ids, (id) => this.${get}(id));`;
}

function manyDoc(service: ResolvedService, type: string): string {
  return service.protocols.includes("graphql")
    ? `/** Many ${type} records in one GraphQL request to ${service.name}; an error in place of each that failed. */`
    : `/** Many ${type} records (${service.name} serves no GraphQL: one GET per id, concurrently); an error in place of each that failed. */`;
}

function statelessClient(
  service: ResolvedService,
  className: string,
): { source: string; readables: ReadableRecord[] } {
  const entities = entitiesOf(service);
  const readables = entities.map(
    (entity): ReadableRecord => ({
      type: entity,
      field: camelCase(entity),
      listField: camelCase(pluralKebab(entity)),
      collection: `/${pluralKebab(entity)}`,
      get: `get${entity}`,
      getMany: `get${entity}Many`,
      graphqlType: entity,
      shape:
        "{ id: z.string(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string(), name: z.string().optional() }",
    }),
  );
  const types = entities.map(
    (entity) => code`
      /** A ${entity} as ${service.name} stores it: declared fields, any undeclared ones, identity and audit fields. */
      export interface ${entity} {
        id: string;
        version: number;
        createdAt: string;
        updatedAt: string;
        name?: string;
        [field: string]: unknown;
      }

      /** What ${service.name} accepts to create or replace a ${entity}. */
      export interface ${entity}Input {
        name?: string;
        [field: string]: unknown;
      }
    `,
  );
  const methods = readables.map((r) => {
    const one = `\`${r.collection}/\${encodeURIComponent(id)}\``;
    const plural = pascalCase(r.listField);
    return code`
      /** POST ${r.collection} */
      create${r.type}(input: ${r.type}Input): Promise<${r.type}> {
        return this.request("POST", ${str(r.collection)}, input);
      }

      /** GET ${r.collection}/:id; \`not-found\` when there is none. */
      ${r.get}(id: string): Promise<${r.type}> {
        return this.request("GET", ${one});
      }

      ${manyDoc(service, r.type)}
      ${r.getMany}(ids: readonly string[]): Promise<Array<${r.type} | Error>> {
        ${manyBody(service, r.field, ENTITY_FIELDS, r.get)}
      }

      /** GET ${r.collection}, oldest first. */
      list${plural}(page: { limit?: number; offset?: number } = {}): Promise<Page<${r.type}>> {
        return this.request("GET", \`${r.collection}\${queryString(page)}\`);
      }

      /** PUT ${r.collection}/:id; its version goes up by one. */
      replace${r.type}(id: string, input: ${r.type}Input): Promise<${r.type}> {
        return this.request("PUT", ${one}, input);
      }

      /** DELETE ${r.collection}/:id */
      delete${r.type}(id: string): Promise<{ id: string; deleted: boolean }> {
        return this.request("DELETE", ${one});
      }
    `;
  });
  const source = code`
    import { type Page, queryString, ServiceClient } from "./service-client.ts";

    ${types.join("\n")}
    /** Typed client of ${service.name} (stateless): CRUD over ${entities.join(", ")}. */
    export class ${className} extends ServiceClient {
      ${methods.join("\n")}
    }
  `;
  return { source, readables };
}

function sagaClient(
  service: ResolvedService,
  className: string,
): { source: string; readables: ReadableRecord[] } {
  const saga = service.saga?.name ?? "Saga";
  const readable: ReadableRecord = {
    type: "SagaInstance",
    field: "sagaInstance",
    listField: "sagaInstances",
    collection: "/sagas",
    get: "getSaga",
    getMany: "getSagaMany",
    graphqlType: "SagaInstance",
    shape:
      "{ id: z.string(), saga: z.string(), status: z.string(), completedSteps: z.array(z.string()), compensatedSteps: z.array(z.string()), startedAt: z.string(), finishedAt: z.string().optional(), error: z.string().optional() }",
  };
  const source = code`
    import { ServiceClient } from "./service-client.ts";

    /** One entry of a saga log: a step run, a compensation, or the saga's outcome. */
    export interface SagaLogEntry {
      at: string;
      action: "saga" | "execute" | "compensate";
      outcome: string;
      step?: string;
      compensation?: string;
      attempt?: number;
      output?: unknown;
      error?: string;
    }

    /** A ${saga} instance as ${service.name} reports it. */
    export interface SagaInstance {
      id: string;
      saga: string;
      status: string;
      context: unknown;
      completedSteps: string[];
      compensatedSteps: string[];
      log: SagaLogEntry[];
      revision: number;
      startedAt: string;
      finishedAt?: string;
      error?: string;
    }

    /** Typed client of ${service.name} (saga-orchestrator): starts and reads ${saga} instances. */
    export class ${className} extends ServiceClient {
      /** POST /sagas: starts ${saga} with \`context\`; answers once it completed or compensated. */
      startSaga(context: Record<string, unknown>): Promise<SagaInstance> {
        return this.request("POST", "/sagas", context);
      }

      /** GET /sagas/:id; \`not-found\` when there is none. */
      getSaga(id: string): Promise<SagaInstance> {
        return this.request("GET", \`/sagas/\${encodeURIComponent(id)}\`);
      }

      ${manyDoc(service, "SagaInstance")}
      getSagaMany(ids: readonly string[]): Promise<Array<SagaInstance | Error>> {
        ${manyBody(service, "saga", SAGA_FIELDS, "getSaga")}
      }

      /** GET /sagas */
      async listSagas(): Promise<SagaInstance[]> {
        return (await this.request<{ items: SagaInstance[] }>("GET", "/sagas")).items;
      }

      /** GET /sagas/:id/log */
      async sagaLog(id: string): Promise<SagaLogEntry[]> {
        return (await this.request<{ items: SagaLogEntry[] }>("GET", \`/sagas/\${encodeURIComponent(id)}/log\`)).items;
      }
    }
  `;
  return { source, readables: [readable] };
}

/** Prefixes a record's BFF names with its service's when two aggregated services serve the same type. */
function unclash(specs: ClientSpec[]): ClientSpec[] {
  const count = new Map<string, number>();
  for (const r of specs.flatMap((s) => s.readables)) count.set(r.type, (count.get(r.type) ?? 0) + 1);
  return specs.map((spec) => ({
    ...spec,
    readables: spec.readables.map((r) => {
      if ((count.get(r.type) ?? 0) < 2) return r;
      const name = `${spec.service.name}-${r.type}`;
      return {
        ...r,
        field: camelCase(name),
        listField: camelCase(pluralKebab(name)),
        graphqlType: pascalCase(name),
      };
    }),
  }));
}

/**
 * Writes `src/clients/<service>-client.ts` for each aggregated service whose type has a typed client,
 * and answers one spec per service (in `services` order); record names are unique across them.
 */
export function writeClients(services: readonly ResolvedService[], files: ServiceFiles): ClientSpec[] {
  const specs = services.map((service): ClientSpec => {
    const className = `${pascalCase(service.name)}Client`;
    const typed =
      service.type === "stateless"
        ? statelessClient(service, className)
        : service.type === "saga-orchestrator"
          ? sagaClient(service, className)
          : undefined;
    if (typed === undefined) {
      return { service, className: "ServiceClient", module: "./clients/service-client.ts", readables: [] };
    }
    const file = `${kebabCase(service.name)}-client.ts`;
    files.write(`src/clients/${file}`, typed.source);
    return { service, className, module: `./clients/${file}`, readables: typed.readables };
  });
  return unclash(specs);
}
