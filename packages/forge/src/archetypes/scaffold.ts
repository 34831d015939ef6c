/**
 * The shared scaffold of every generated service: package.json, typed env config, the service module
 * (`createService`), the standalone entry, the tests, a Dockerfile and a README, around the parts the
 * archetype plans. Clean Architecture folders (domain/application/infrastructure/presentation) come
 * from the archetypes (seed 000 "Phase 2").
 * @module
 */
import { join } from "node:path";
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { blocks, code, lines } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import { allframeSpec } from "../generators/typescript/package-specs.ts";
import type { Archetype, EnvVarSpec, RouteSpec, ServicePlan } from "./archetype.ts";
import { idempotencyWiring } from "./shared.ts";

/** The outcome of scaffolding one service, for the workspace, docs and compose generators. */
export interface ScaffoldedService {
  readonly service: ResolvedService;
  readonly archetype: Archetype;
  readonly plan: ServicePlan;
  readonly dir: string;
}

/** The variables every service reads. */
function commonEnv(service: ResolvedService): EnvVarSpec[] {
  return [
    {
      name: "PORT",
      schema: `z.coerce.number().int().min(0).max(65535).default(${service.httpPort})`,
      description: "HTTP port.",
    },
    {
      name: "HOST",
      schema: `z.string().default("127.0.0.1")`,
      description: "Interface to listen on (0.0.0.0 in containers).",
    },
    {
      name: "LOG_LEVEL",
      schema: `z.string().default("info")`,
      description: "pino level: trace, debug, info, warn, error, silent.",
    },
    {
      name: "EVENT_BUS_URL",
      schema: "z.string().optional()",
      description: "Event bus; unset means the embedded in-process bus.",
    },
  ];
}

function packageJson(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
  dir: string,
): string {
  const pkg = {
    name: `@${architecture.architecture.architecture.name}/${service.name}`,
    version: architecture.architecture.architecture.version,
    private: true,
    type: "module",
    description: service.responsibility ?? `${service.type} service`,
    scripts: { start: "node src/main.ts", test: 'node --test "src/**/*.test.ts"' },
    dependencies: { "@allframe/core": allframeSpec("@allframe/core", dir), ...plan.dependencies },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Every variable the service reads: the common ones, the archetype's, and idempotency's. */
function envOf(service: ResolvedService, plan: ServicePlan): EnvVarSpec[] {
  const idempotency = idempotencyWiring(service);
  return [...commonEnv(service), ...plan.env, ...(idempotency === undefined ? [] : [idempotency.env])];
}

function configModule(service: ResolvedService, plan: ServicePlan): string {
  const vars = envOf(service, plan);
  const fields = vars.map((v) => `/** ${v.description} */\n${v.name}: ${v.schema},`).join("\n");
  return code`
    import { loadEnvConfig, z } from "@allframe/core";

    /** The environment ${service.name} reads; every variable is validated at start-up. */
    export const configSchema = z.object({
      ${fields}
    });

    export type Config = z.output<typeof configSchema>;

    /** Reads and validates the environment; throws a configuration error listing every bad variable. */
    export function loadConfig(env: Record<string, string | undefined>): Config {
      return loadEnvConfig(configSchema, env);
    }
  `;
}

function serviceModule(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
): string {
  const idempotency = idempotencyWiring(service);
  const imports = lines(
    'import { createEventBus, createLogger, createServiceHost, type EventBus, type ServiceHost } from "@allframe/core";',
    idempotency !== undefined &&
      'import { HOUR_MS, idempotencyMiddleware, openIdempotencyStore } from "@allframe/core";',
    'import { loadConfig } from "./config.ts";',
    ...plan.imports,
  );
  return blocks(
    imports,
    code`
      /** What a caller may inject: \`allframe dev\` shares one in-process bus; tests pass env and port 0. */
      export interface ServiceDeps {
        readonly env?: Record<string, string | undefined>;
        readonly bus?: EventBus;
        readonly port?: number;
      }

      export const SERVICE_NAME = ${str(service.name)};
    `,
    code`
      /**
       * Builds ${service.name} (${service.type}): ${service.responsibility ?? "see README.md"}.
       * Returns the host unstarted; call \`start()\` to listen and \`stop()\` to shut down gracefully.
       */
      export async function createService(deps: ServiceDeps = {}): Promise<ServiceHost> {
        const config = loadConfig(deps.env ?? process.env);
        const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
        const host = createServiceHost({
          name: SERVICE_NAME,
          version: ${str(architecture.architecture.architecture.version)},
          port: deps.port ?? config.PORT,
          host: config.HOST,
          logger,
        });
        const bus = deps.bus ?? createEventBus({ url: config.EVENT_BUS_URL, logger });
        if (deps.bus === undefined) host.onShutdown("event-bus", () => bus.close());
        ${idempotency?.statements.trimEnd() ?? ""}

        ${plan.body.trimEnd()}

        return host;
      }
    `,
  );
}

const MAIN = code`
  import { createService } from "./service.ts";

  const host = await createService();
  host.installSignalHandlers();
  const { url } = await host.start();
  host.logger.info({ url }, "listening");
`;

/** The generated Idempotency-Key test: a retried POST replays the first answer. */
function idempotencyTest(service: ResolvedService, plan: ServicePlan): string {
  const idempotency = idempotencyWiring(service);
  const example = plan.idempotentExample;
  if (idempotency === undefined || example === undefined) return "";
  return code`
    it("replays a retried POST with the same ${idempotency.keyHeader} instead of running it twice", async () => {
      const init = { method: "POST", body: ${JSON.stringify(example.body)}, headers: { ${str(idempotency.keyHeader)}: "key-1" } };
      const first = await svc.request(${str(example.path)}, init);
      const retry = await svc.request(${str(example.path)}, init);
      assert.equal(retry.status, first.status);
      assert.deepEqual(retry.body, first.body);
      assert.equal(retry.headers.get("idempotent-replayed"), "true");
      const reused = await svc.request(${str(example.path)}, { ...init, body: { other: true } });
      assert.equal(reused.status, 422);
    });
  `;
}

function testModule(service: ResolvedService, plan: ServicePlan): string {
  const env = {
    LOG_LEVEL: "silent",
    ...plan.testEnv,
    ...(idempotencyWiring(service) === undefined ? {} : { IDEMPOTENCY_STORE_URL: "memory:" }),
  };
  const imports = lines(
    'import assert from "node:assert/strict";',
    'import { after, before, describe, it } from "node:test";',
    ...(plan.testImports ?? []),
    'import { type ServiceHarness, startService } from "@allframe/core";',
    'import { createService } from "./service.ts";',
  );
  return code`
    ${imports}

    describe(${str(service.name)}, () => {
      let svc: ServiceHarness;
      before(async () => {
        svc = await startService(createService, { env: ${JSON.stringify(env)} });
      });
      after(async () => {
        await svc.stop();
      });

      it("answers /health and /ready", async () => {
        const health = await svc.request<{ status: string; service: string }>("/health");
        assert.equal(health.status, 200);
        assert.equal(health.body.status, "ok");
        assert.equal(health.body.service, ${str(service.name)});
        assert.equal((await svc.request("/ready")).status, 200);
      });

      ${plan.tests.trimEnd()}

      ${idempotencyTest(service, plan).trimEnd()}
    });
  `;
}

function dockerfile(service: ResolvedService): string {
  return code`
    # Build from the workspace root: docker build -f services/${service.name}/Dockerfile .
    FROM node:24-slim AS deps
    WORKDIR /app
    COPY package.json package-lock.json ./
    COPY services/${service.name}/package.json services/${service.name}/
    RUN npm ci --omit=dev --workspace services/${service.name}

    FROM node:24-slim
    WORKDIR /app
    COPY --from=deps /app/node_modules ./node_modules
    COPY services/${service.name} ./services/${service.name}
    WORKDIR /app/services/${service.name}
    ENV NODE_ENV=production HOST=0.0.0.0 PORT=${service.httpPort}
    EXPOSE ${service.httpPort}
    USER node
    CMD ["node", "src/main.ts"]
  `;
}

function routeTable(routes: readonly RouteSpec[]): string {
  const rows = [
    { method: "GET", path: "/health", summary: "Liveness" },
    { method: "GET", path: "/ready", summary: "Readiness" },
    ...routes,
  ].map((r) => `| ${r.method} | \`${r.path}\` | ${r.summary} |`);
  return ["| Method | Path | What it does |", "|---|---|---|", ...rows].join("\n");
}

function readme(service: ResolvedService, archetype: Archetype, plan: ServicePlan): string {
  const env = envOf(service, plan).map((v) => `| \`${v.name}\` | ${v.description} |`);
  return code`
    # ${service.name}

    ${service.responsibility ?? ""}

    Type: **${service.type}**: ${archetype.summary}
    Protocols: ${service.protocols.join(", ")} (REST is served now; GraphQL and gRPC arrive with the router).

    ## Run

    \`\`\`sh
    npm start        # this service alone on port ${service.httpPort}
    npm test         # its tests
    \`\`\`

    ## Routes

    ${routeTable(plan.routes)}

    ## Environment

    | Variable | Meaning |
    |---|---|
    ${env.join("\n")}
  `;
}

/**
 * Writes one service's files into the tree (through `write`, which adds the generated header).
 * @param outDir absolute output folder; needed to compute the `file:` link to `@allframe/core`.
 */
export function scaffoldService(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  archetype: Archetype,
  outDir: string,
  write: (path: string, content: string) => void,
): ScaffoldedService {
  const dir = `services/${service.name}`;
  const files = { write: (path: string, content: string) => write(`${dir}/${path}`, content) };
  const plan = archetype.plan({ architecture, service, files });
  files.write("package.json", packageJson(architecture, service, plan, join(outDir, dir)));
  files.write("src/config.ts", configModule(service, plan));
  files.write("src/service.ts", serviceModule(architecture, service, plan));
  files.write("src/main.ts", MAIN);
  files.write("src/service.test.ts", testModule(service, plan));
  files.write("Dockerfile", dockerfile(service));
  files.write("README.md", readme(service, archetype, plan));
  return { service, archetype, plan, dir };
}
