/**
 * `bff`: aggregates the `bff.aggregates` services for one frontend through typed clients, answers from
 * a response cache for `caching.ttl_seconds`, and reports a service that is down or not defined in the
 * architecture as a degraded field instead of failing (seed 000 "Archetype: Backend for Frontend").
 * @module
 */
import type { ResolvedArchitecture } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { constantCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";

function knownPort(architecture: ResolvedArchitecture, name: string): number | undefined {
  return architecture.services.find((s) => s.name === name)?.httpPort;
}

export const bffArchetype: Archetype = {
  type: "bff",
  summary: "aggregates backend services for one frontend, with typed clients, caching and degraded fields.",
  plan({ architecture, service, files }) {
    const aggregates = (service.bff?.aggregates ?? []).filter((a) => a !== service.name);
    const ttlSeconds = service.bff?.caching?.ttl_seconds ?? 60;
    const rateLimit = service.resilience.rate_limit;
    files.write(
      "src/clients/service-client.ts",
      code`
        import { AllFrameError } from "@allframe/core";

        /** A typed HTTP client for one backend service of this architecture. */
        export class ServiceClient {
          readonly name: string;
          readonly baseUrl: string;
          readonly #timeoutMs: number;
          readonly #fetch: typeof fetch;

          /** \`fetchImpl\`: the runtime's fetch, which presents this service's certificate under mTLS. */
          constructor(name: string, baseUrl: string, timeoutMs: number, fetchImpl: typeof fetch = fetch) {
            this.name = name;
            this.baseUrl = baseUrl.replace(/\\/+$/, "");
            this.#timeoutMs = timeoutMs;
            this.#fetch = fetchImpl;
          }

          /** GET a JSON resource; network failures and non-2xx answers become "unavailable" errors. */
          async get<T>(path: string): Promise<T> {
            let response: Response;
            try {
              response = await this.#fetch(this.baseUrl + path, { signal: AbortSignal.timeout(this.#timeoutMs) });
            } catch (error) {
              throw new AllFrameError("unavailable", \`\${this.name} is unreachable at \${this.baseUrl}\`, { cause: error });
            }
            if (!response.ok) throw new AllFrameError("unavailable", \`\${this.name} answered \${response.status} to GET \${path}\`);
            return (await response.json()) as T;
          }

          health(): Promise<{ status: string; version: string }> {
            return this.get("/health");
          }
        }
      `,
    );
    files.write(
      "src/aggregators/overview.ts",
      code`
        import { isAllFrameError, TtlCache } from "@allframe/core";
        import type { ServiceClient } from "../clients/service-client.ts";

        /** One aggregated service's part of the answer: its version when up, or why it is missing. */
        export interface Part {
          name: string;
          status: "up" | "down" | "degraded";
          version?: string;
          reason?: string;
        }

        /**
         * Aggregates every backend's health into one answer for the frontend. A backend that fails or
         * is not part of the architecture becomes a degraded field; the answer itself never fails.
         */
        export class OverviewAggregator {
          readonly #clients: readonly ServiceClient[];
          readonly #missing: readonly string[];
          readonly #cache: TtlCache<Part[]>;

          constructor(clients: readonly ServiceClient[], missing: readonly string[], ttlMs: number) {
            this.#clients = clients;
            this.#missing = missing;
            this.#cache = new TtlCache({ ttlMs, maxEntries: 100 });
          }

          overview(): Promise<Part[]> {
            return this.#cache.getOrLoad("overview", () => this.#load());
          }

          async #load(): Promise<Part[]> {
            const parts = await Promise.all(
              this.#clients.map(async (client): Promise<Part> => {
                try {
                  const health = await client.health();
                  return { name: client.name, status: "up", version: health.version };
                } catch (error) {
                  return { name: client.name, status: "down", reason: isAllFrameError(error) ? error.message : String(error) };
                }
              }),
            );
            for (const name of this.#missing) {
              parts.push({ name, status: "degraded", reason: \`\${name} is not defined in the architecture\` });
            }
            return parts.sort((a, b) => a.name.localeCompare(b.name));
          }
        }
      `,
    );
    const defined = aggregates.filter((a) => knownPort(architecture, a) !== undefined);
    const missing = aggregates.filter((a) => knownPort(architecture, a) === undefined);
    const clients = defined
      .map((a) => `new ServiceClient(${str(a)}, config.${constantCase(a)}_URL, 2000, fetch),`)
      .join("\n");
    files.write(
      "src/presentation/handlers/overview-handler.ts",
      code`
        import { defineHandler, type HandlerDefinition, type ResilienceOrchestrator, z } from "@allframe/core";
        import type { OverviewAggregator } from "../../aggregators/overview.ts";

        /** Who the caller is, for the per-user rate limit (set by the authenticating gateway in front). */
        export const USER_HEADER = "x-user-id";

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
         * GraphQL (\`overview\`), rate limited per user by the \`inbound\` policy (the caller's
         * \`x-user-id\` header; callers without one share the "anonymous" bucket).
         */
        export function overviewHandlers(aggregator: OverviewAggregator, resilience: ResilienceOrchestrator): HandlerDefinition[] {
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
              handle: (_input, ctx) =>
                resilience.execute("inbound", async () => ({ services: await aggregator.overview() }), {
                  key: ctx.headers[USER_HEADER] ?? "anonymous",
                }),
            }),
          ];
        }
      `,
    );
    files.write(
      "src/presentation/rest/bff-routes.ts",
      code`
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
      `,
    );
    return {
      imports: [
        'import { OverviewAggregator } from "./aggregators/overview.ts";',
        'import { ServiceClient } from "./clients/service-client.ts";',
        'import { overviewHandlers } from "./presentation/handlers/overview-handler.ts";',
        'import { registerPassThroughRoutes } from "./presentation/rest/bff-routes.ts";',
      ],
      body: code`
        const clients = [
          ${clients}
        ];
        const aggregator = new OverviewAggregator(clients, ${JSON.stringify(missing)}, ${ttlSeconds * 1000});
        registerPassThroughRoutes(host.app, clients);
        const handlers = overviewHandlers(aggregator, resilience);
      `,
      handlers: "handlers",
      env: defined.map((a) => ({
        name: `${constantCase(a)}_URL`,
        schema: `z.url().default(${str(`http://127.0.0.1:${knownPort(architecture, a)}`)})`,
        description: `Base URL of ${a}.`,
      })),
      routes: [
        {
          method: "GET",
          path: "/overview",
          summary: `Aggregated view of ${aggregates.join(", ")} (also GraphQL \`overview\`)`,
        },
        { method: "GET", path: "/api/:service/*", summary: "GET passed through to an aggregated service" },
      ],
      tests: code`
        it("aggregates its services and degrades the unreachable or undefined ones", async () => {
          const { status, body } = await svc.request<{ services: Array<{ name: string; status: string }> }>("/overview");
          assert.equal(status, 200);
          assert.deepEqual(body.services.map((s) => s.name), ${JSON.stringify([...aggregates].sort())});
          for (const part of body.services) assert.notEqual(part.status, "up");
        });

        it("answers the same overview over GraphQL", async () => {
          const { body } = await svc.request<{ data: { overview: { services: Array<{ name: string }> } } }>("/graphql", {
            method: "POST",
            body: { query: "{ overview { services { name status reason } } }" },
          });
          assert.deepEqual(body.data.overview.services.map((s) => s.name), ${JSON.stringify([...aggregates].sort())});
        });

        it("rate limits each user (${rateLimit.rps} rps, burst ${rateLimit.burst}) without affecting the others", async () => {
          const burst = await Promise.all(
            Array.from({ length: ${rateLimit.burst * 10} }, () => svc.request("/overview", { headers: { "x-user-id": "greedy" } })),
          );
          assert.ok(burst.some((r) => r.status === 429), "some of the burst is refused with 429");
          assert.equal((await svc.request("/overview", { headers: { "x-user-id": "patient" } })).status, 200);
        });

        it("answers 404 for a service it does not aggregate", async () => {
          assert.equal((await svc.request("/api/nope/x")).status, 404);
        });
      `,
      testEnv: Object.fromEntries(defined.map((a) => [`${constantCase(a)}_URL`, "http://127.0.0.1:9"])),
      engines: {},
    };
  },
};
