/**
 * `bff`: aggregates the `bff.aggregates` services for one frontend through typed clients generated
 * from each service's archetype (`bff-clients.ts`), reads their records through per-request
 * DataLoaders (one upstream call per tick, no N+1), answers from a response cache with `caching.
 * ttl_seconds` and `strategy` (stale-while-revalidate by RFC 5861), rate limits per user, and reports
 * a service that is down or not defined in the architecture as a degraded field instead of failing
 * (seed 000 "Archetype: Backend for Frontend").
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, constantCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { SERVICE_CLIENT } from "./bff-base-client.ts";
import { type ClientSpec, writeClients } from "./bff-clients.ts";
import { PER_USER, RECORD_HANDLERS, RECORD_READER } from "./bff-records.ts";
import { bffTests } from "./bff-tests.ts";

/** The version of `dataloader` generated BFFs depend on. */
export const DATALOADER_VERSION = "^2.2.3";

const OVERVIEW = code`
  import type { ReadThroughCache } from "@allframe/core";
  import type { ServiceClient } from "../clients/service-client.ts";

  /** One aggregated service's part of the answer: its version when up, or why it is missing. */
  export interface Part {
    name: string;
    status: "up" | "down" | "degraded";
    version?: string;
    reason?: string;
  }

  /**
   * Aggregates every backend's health into one answer for the frontend, through the response cache. A
   * backend that fails or is not part of the architecture becomes a degraded field; the answer itself
   * never fails.
   */
  export class OverviewAggregator {
    readonly #clients: readonly ServiceClient[];
    readonly #missing: readonly string[];
    readonly #cache: ReadThroughCache<Part[]>;

    constructor(clients: readonly ServiceClient[], missing: readonly string[], cache: ReadThroughCache<Part[]>) {
      this.#clients = clients;
      this.#missing = missing;
      this.#cache = cache;
    }

    overview(): Promise<Part[]> {
      return this.#cache.get("overview", () => this.#load());
    }

    async #load(): Promise<Part[]> {
      const parts = await Promise.all(
        this.#clients.map(async (client): Promise<Part> => {
          try {
            const health = await client.health();
            return { name: client.name, status: "up", version: health.version };
          } catch (error) {
            return { name: client.name, status: "down", reason: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      for (const name of this.#missing) {
        parts.push({ name, status: "degraded", reason: \`\${name} is not defined in the architecture\` });
      }
      return parts.sort((a, b) => a.name.localeCompare(b.name));
    }
  }
`;

const OVERVIEW_HANDLER = code`
  import { defineHandler, type HandlerDefinition, z } from "@allframe/core";
  import type { OverviewAggregator } from "../../aggregators/overview.ts";
  import type { PerUser } from "./per-user.ts";

  const part = z
    .object({
      name: z.string(),
      status: z.enum(["up", "down", "degraded"]),
      version: z.string().optional(),
      reason: z.string().optional(),
    })
    .meta({ id: "ServicePart" });

  /**
   * The frontend's one call: every aggregated service's state, over REST (\`GET /overview\`) and
   * GraphQL (\`overview\`), rate limited per user.
   */
  export function overviewHandlers(aggregator: OverviewAggregator, limit: PerUser): HandlerDefinition[] {
    return [
      defineHandler({
        kind: "unary",
        name: "overview",
        description: "The state of every service this BFF aggregates; missing ones are degraded, never an error.",
        input: z.object({}),
        output: z.object({ services: z.array(part) }),
        errors: ["rate-limited"],
        rest: { method: "GET", path: "/overview" },
        graphql: { operation: "query" },
        handle: (_input, ctx) => limit(ctx, async () => ({ services: await aggregator.overview() })),
      }),
    ];
  }
`;

const PASS_THROUGH = code`
  import { AllFrameError, type Hono } from "@allframe/core";
  import type { ServiceClient } from "../../clients/service-client.ts";

  /** Read-through GETs to each backend under /api/<service>/... */
  export function registerPassThroughRoutes(app: Hono, clients: readonly ServiceClient[]): void {
    app.get("/api/:service/*", async (c) => {
      const client = clients.find((x) => x.name === c.req.param("service"));
      if (client === undefined) throw new AllFrameError("not-found", \`\${c.req.param("service")} is not aggregated by this BFF\`);
      const path = c.req.path.slice(\`/api/\${client.name}\`.length);
      return c.json(await client.get(path));
    });
  }
`;

function knownService(architecture: ResolvedArchitecture, name: string): ResolvedService | undefined {
  return architecture.services.find((s) => s.name === name);
}

/** `src/domain/records.ts`: the zod schema of every record type the BFF reads. */
function recordsModule(specs: readonly ClientSpec[]): string {
  const schemas = specs.flatMap((spec) =>
    spec.readables.map(
      (r) => code`
        /** A ${r.type} of ${spec.service.name}: its known fields; others are passed on as they are. */
        export const ${r.field}Record = z.looseObject(${r.shape}).meta({ id: ${str(r.graphqlType)} });
      `,
    ),
  );
  return code`
    import { z } from "@allframe/core";

    ${schemas.join("\n")}
  `;
}

/** `clientVar(spec)`: the variable holding a service's client in `createService`. */
function clientVar(spec: ClientSpec): string {
  return `${camelCase(spec.service.name)}Client`;
}

export const bffArchetype: Archetype = {
  type: "bff",
  summary:
    "aggregates backend services for one frontend: typed clients, DataLoader batching, stale-while-revalidate caching, degraded fields.",
  plan({ architecture, service, files }) {
    const aggregates = [...new Set(service.bff?.aggregates ?? [])].filter((a) => a !== service.name);
    const ttlSeconds = service.bff?.caching?.ttl_seconds ?? 60;
    const strategy = service.bff?.caching?.strategy ?? "ttl";
    const defined = aggregates.flatMap((a) => knownService(architecture, a) ?? []);
    const missing = aggregates.filter((a) => knownService(architecture, a) === undefined);
    files.write("src/clients/service-client.ts", SERVICE_CLIENT);
    const specs = writeClients(defined, files);
    const readables = specs.flatMap((spec) => spec.readables.map((r) => ({ spec, r })));
    files.write("src/aggregators/overview.ts", OVERVIEW);
    files.write("src/presentation/handlers/per-user.ts", PER_USER);
    files.write("src/presentation/handlers/overview-handler.ts", OVERVIEW_HANDLER);
    files.write("src/presentation/rest/bff-routes.ts", PASS_THROUGH);
    if (readables.length > 0) {
      files.write("src/domain/records.ts", recordsModule(specs));
      files.write("src/aggregators/record-reader.ts", RECORD_READER);
      files.write("src/presentation/handlers/record-handlers.ts", RECORD_HANDLERS);
    }
    const typed = specs.filter((s) => s.className !== "ServiceClient");
    const untypedUsed = specs.some((s) => s.className === "ServiceClient");
    const tests = bffTests({ service, specs, aggregates, strategy, ttlSeconds }, files);
    return {
      imports: [
        'import { type CachePolicyOptions, createReadThroughCache } from "@allframe/core";',
        'import { OverviewAggregator } from "./aggregators/overview.ts";',
        `import ${untypedUsed ? "" : "type "}{ ServiceClient } from "./clients/service-client.ts";`,
        ...typed.map((s) => `import { ${s.className} } from ${str(s.module)};`),
        'import { overviewHandlers } from "./presentation/handlers/overview-handler.ts";',
        'import { perUser } from "./presentation/handlers/per-user.ts";',
        'import { registerPassThroughRoutes } from "./presentation/rest/bff-routes.ts";',
        ...(readables.length === 0
          ? []
          : [
              'import { RecordReader } from "./aggregators/record-reader.ts";',
              `import { ${readables.map(({ r }) => `${r.field}Record`).join(", ")} } from "./domain/records.ts";`,
              'import { recordHandlers } from "./presentation/handlers/record-handlers.ts";',
            ]),
      ],
      body: code`
        // Response cache ([services.bff] caching): ${strategy}, fresh for ${ttlSeconds} s.
        const cachePolicy: CachePolicyOptions = {
          strategy: ${str(strategy)},
          ttlMs: ${ttlSeconds * 1000},
          onRefreshError: (key, error) => logger.warn({ key, err: error }, "cache refresh failed; serving the stale answer"),
        };
        // Typed clients of the aggregated services, over the runtime's fetch (mTLS, trace propagation).
        const clientTimeoutMs = 2000;
        ${specs.map((s) => `const ${clientVar(s)} = new ${s.className}(${str(s.service.name)}, config.${constantCase(s.service.name)}_URL, clientTimeoutMs, fetch);`).join("\n")}
        const clients: ServiceClient[] = [${specs.map(clientVar).join(", ")}];
        const aggregator = new OverviewAggregator(clients, ${JSON.stringify(missing)}, createReadThroughCache(cachePolicy));
        const limit = perUser(resilience);
        registerPassThroughRoutes(host.app, clients);
        const handlers = [
          ...overviewHandlers(aggregator, limit),
          ${readables
            .map(
              ({ spec, r }) =>
                `...recordHandlers(new RecordReader((ids) => ${clientVar(spec)}.${r.getMany}(ids), createReadThroughCache(cachePolicy)), { field: ${str(r.field)}, listField: ${str(r.listField)}, path: ${str(`/${spec.service.name}${r.collection}/:id`)}, typeName: ${str(r.graphqlType)}, schema: ${r.field}Record }, limit),`,
            )
            .join("\n")}
        ];
      `,
      handlers: "handlers",
      env: defined.map((s) => ({
        name: `${constantCase(s.name)}_URL`,
        schema: `z.url().default(${str(`http://127.0.0.1:${s.httpPort}`)})`,
        description: `Base URL of ${s.name}.`,
      })),
      routes: [
        {
          method: "GET",
          path: "/overview",
          summary: `Aggregated view of ${aggregates.join(", ")} (also GraphQL \`overview\`)`,
        },
        ...readables.map(({ spec, r }) => ({
          method: "GET" as const,
          path: `/${spec.service.name}${r.collection}/:id`,
          summary: `One ${r.type} of ${spec.service.name} (also GraphQL \`${r.field}\`; \`${r.listField}(ids)\` batches)`,
        })),
        { method: "GET", path: "/api/:service/*", summary: "GET passed through to an aggregated service" },
      ],
      tests,
      testEnv: Object.fromEntries(defined.map((s) => [`${constantCase(s.name)}_URL`, "http://127.0.0.1:9"])),
      ...(readables.length === 0 ? {} : { dependencies: { dataloader: DATALOADER_VERSION } }),
      engines: {},
    };
  },
};
