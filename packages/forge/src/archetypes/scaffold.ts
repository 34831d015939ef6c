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
import { profileModule } from "./profile.ts";
import { grpcPackage, idempotencyWiring } from "./shared.ts";

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

/** Variables the architecture's cross-cutting tables add: the audit log file, the gRPC port. */
function profileEnv(architecture: ResolvedArchitecture, service: ResolvedService): EnvVarSpec[] {
  const vars: EnvVarSpec[] = [];
  if (architecture.architecture.compliance?.audit_logging === true) {
    vars.push({
      name: "AUDIT_LOG_FILE",
      schema: `z.string().default(${str(`.data/${service.name}-audit.jsonl`)})`,
      description: "PII audit trail ([compliance].audit_logging): a JSON-lines file, or - for stdout.",
    });
  }
  if (architecture.architecture.security?.mtls === true) {
    for (const [name, what] of [
      ["TLS_CA_FILE", "the CA every service's certificate chains to"],
      ["TLS_CERT_FILE", "this service's certificate"],
      ["TLS_KEY_FILE", "this service's private key"],
    ] as const) {
      vars.push({
        name,
        schema: "z.string().optional()",
        description: `mTLS ([security].mtls): PEM file of ${what}. Unset: plain HTTP in dev, refused when NODE_ENV=production.`,
      });
    }
  }
  if (service.grpcPort !== undefined) {
    vars.push({
      name: "GRPC_PORT",
      schema: `z.coerce.number().int().min(0).max(65535).default(${service.grpcPort})`,
      description: "gRPC port (reflection on; the explorer page is /grpc on the HTTP port).",
    });
  }
  return vars;
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
    scripts: { start: "node src/main.ts", test: 'node --test "src/**/*.test.ts"', ...plan.scripts },
    dependencies: { "@allframe/core": allframeSpec("@allframe/core", dir), ...plan.dependencies },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Every variable the service reads: the common ones, the archetype's, and idempotency's. */
function envOf(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
): EnvVarSpec[] {
  const idempotency = idempotencyWiring(service);
  return [
    ...commonEnv(service),
    ...profileEnv(architecture, service),
    ...plan.env,
    ...(idempotency === undefined ? [] : [idempotency.env]),
  ];
}

function configModule(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
): string {
  const vars = envOf(architecture, service, plan);
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

/** Runtime parts the service's statements use, so the generated code declares no unused variable. */
function runtimeParts(statements: string): string[] {
  return ["logger", "bus", "resilience", "metrics", "tracing", "mtls", "fetch"].filter((name) =>
    new RegExp(`(?<![.\\w])${name}\\b`).test(statements),
  );
}

function serviceModule(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
): string {
  const idempotency = idempotencyWiring(service);
  // Handlers get handler-level keys (every protocol); Hono routes get the HTTP middleware.
  const idempotencyStatements =
    idempotency === undefined
      ? ""
      : `${idempotency.statements}${plan.handlers === undefined ? idempotency.middleware : ""}`;
  const statements = `${idempotencyStatements}\n${plan.body}\n${serveCall(architecture, service, plan)}`;
  const parts = ["host", ...runtimeParts(statements)].join(", ");
  const audit = architecture.architecture.compliance?.audit_logging === true;
  const imports = lines(
    'import { createServiceRuntime, type EventBus, type ServiceHost } from "@allframe/core";',
    idempotency !== undefined &&
      (plan.handlers === undefined
        ? 'import { HOUR_MS, idempotencyMiddleware, openIdempotencyStore } from "@allframe/core";'
        : 'import { HOUR_MS, idempotentHandlers, openIdempotencyStore } from "@allframe/core";'),
    plan.handlers !== undefined && 'import { serveProtocols } from "@allframe/core";',
    'import { loadConfig } from "./config.ts";',
    'import { PROFILE } from "./profile.ts";',
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
       * Logging (secrets and PII redacted), tracing, /metrics and the resilience policies come from
       * \`src/profile.ts\`. Returns the host unstarted; call \`start()\` to listen and \`stop()\` to shut down.
       */
      export async function createService(deps: ServiceDeps = {}): Promise<ServiceHost> {
        const env = deps.env ?? process.env;
        const config = loadConfig(env);
        const { ${parts} } = createServiceRuntime({
          name: SERVICE_NAME,
          version: ${str(architecture.architecture.architecture.version)},
          port: deps.port ?? config.PORT,
          host: config.HOST,
          env: { ...env, LOG_LEVEL: config.LOG_LEVEL${audit ? ", AUDIT_LOG_FILE: config.AUDIT_LOG_FILE" : ""} },
          profile: PROFILE,
          ...(deps.bus === undefined ? {} : { bus: deps.bus }),
        });
        ${idempotencyStatements.trimEnd()}

        ${plan.body.trimEnd()}
        ${serveCall(architecture, service, plan)}

        return host;
      }
    `,
  );
}

/** Serves the plan's handlers over the service's protocols (idempotent when the service asks for it). */
function serveCall(architecture: ResolvedArchitecture, service: ResolvedService, plan: ServicePlan): string {
  if (plan.handlers === undefined) return "";
  const idempotency = idempotencyWiring(service);
  const handlers =
    idempotency === undefined
      ? plan.handlers
      : `idempotentHandlers(${plan.handlers}, { store: idempotencyStore, keyHeader: ${str(idempotency.keyHeader)}, ttlMs: ${idempotency.ttlHours} * HOUR_MS })`;
  const grpc =
    service.grpcPort === undefined
      ? ""
      : `grpc: { port: config.GRPC_PORT, host: config.HOST, package: ${str(grpcPackage(architecture, service))} },`;
  return code`
    serveProtocols(host, ${handlers}, {
      protocols: ${JSON.stringify(service.protocols)},
      federation: ${service.graphql?.federation === true},
      tracing,${architecture.architecture.security?.mtls === true ? "\n      mtls," : ""}
      ${grpc}
    });
  `;
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
      assert.deepEqual(retry.body, first.body);${
        plan.handlers === undefined
          ? '\n      assert.equal(retry.headers.get("idempotent-replayed"), "true");'
          : ""
      }
      const reused = await svc.request(${str(example.path)}, { ...init, body: { other: true } });
      assert.equal(reused.status, 422);
    });
  `;
}

/**
 * The environment a service's generated tests (and the contract tests that start it) run with:
 * silent logs, gRPC on any free port when it serves gRPC, the archetype's test env (in-memory
 * stores) and an in-memory idempotency store where it has one.
 */
export function testEnvOf(service: ResolvedService, plan: ServicePlan): Record<string, string> {
  return {
    LOG_LEVEL: "silent",
    ...(service.grpcPort === undefined ? {} : { GRPC_PORT: "0" }),
    ...plan.testEnv,
    ...(idempotencyWiring(service) === undefined ? {} : { IDEMPOTENCY_STORE_URL: "memory:" }),
  };
}

/** GraphQL answers over HTTP when the service lists it (its handlers' schema, introspected). */
/** The gRPC explorer lists the service's package, discovered by reflection from its running server. */
function grpcExplorerTest(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  plan: ServicePlan,
): string {
  if (plan.handlers === undefined || service.grpcPort === undefined) return "";
  return code`
    it("serves gRPC with reflection: the explorer at /grpc lists its package", async () => {
      const page = await fetch(\`\${svc.url}/grpc\`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /${grpcPackage(architecture, service).replaceAll(".", "\\.")}/);
    });
  `;
}

function protocolTests(service: ResolvedService, plan: ServicePlan): string {
  if (plan.handlers === undefined || !service.protocols.includes("graphql")) return "";
  const federation =
    service.graphql?.federation === true
      ? code`

          it("is an Apollo Federation subgraph: _service answers its SDL", async () => {
            const { body } = await svc.request<{ data: { _service: { sdl: string } } }>("/graphql", {
              method: "POST",
              body: { query: "{ _service { sdl } }" },
            });
            assert.match(body.data._service.sdl, /@link\\(url: "https:\\/\\/specs\\.apollo\\.dev\\/federation/);
          });
        `
      : "";
  return code`
    it("answers GraphQL at /graphql from the same handlers", async () => {
      const { status, body } = await svc.request<{ data: { __schema: { queryType: { name: string } } } }>("/graphql", {
        method: "POST",
        body: { query: "{ __schema { queryType { name } } }" },
      });
      assert.equal(status, 200);
      assert.equal(body.data.__schema.queryType.name, "Query");
    });${federation}
  `;
}

function testModule(architecture: ResolvedArchitecture, service: ResolvedService, plan: ServicePlan): string {
  const env = testEnvOf(service, plan);
  const imports = lines(
    'import assert from "node:assert/strict";',
    'import { after, before, describe, it } from "node:test";',
    ...(plan.testImports ?? []),
    'import { type ServiceHarness, startService } from "@allframe/core";',
    'import { createService } from "./service.ts";',
  );
  return code`
    ${imports}

    /** Embedded stand-ins only: in-memory stores, quiet logs, any free port. */
    const TEST_ENV: Record<string, string> = ${JSON.stringify(env)};

    describe(${str(service.name)}, () => {
      let svc: ServiceHarness;
      before(async () => {
        svc = await startService(createService, { env: TEST_ENV });
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

      it("exposes Prometheus metrics at /metrics, labelled by route", async () => {
        await svc.request("/health");
        const text = await (await fetch(\`\${svc.url}/metrics\`)).text();
        assert.match(text, /http_server_requests_total\\{[^}]*route="\\/health"/);
      });

      ${plan.tests.trimEnd()}

      ${protocolTests(service, plan).trimEnd()}

      ${grpcExplorerTest(architecture, service, plan).trimEnd()}

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

function readme(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
  archetype: Archetype,
  plan: ServicePlan,
): string {
  const env = envOf(architecture, service, plan).map((v) => `| \`${v.name}\` | ${v.description} |`);
  return code`
    # ${service.name}

    ${service.responsibility ?? ""}

    Type: **${service.type}**: ${archetype.summary}
    Protocols: ${service.protocols.join(", ")}. Every service also serves \`/metrics\` (Prometheus) and traces each
    request (OpenTelemetry; set \`OTEL_EXPORTER_OTLP_ENDPOINT\` to export).

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
    ${plan.readme === undefined ? "" : `\n${plan.readme.trimEnd()}`}
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
  files.write("src/config.ts", configModule(architecture, service, plan));
  files.write("src/profile.ts", profileModule(architecture, service));
  files.write("src/service.ts", serviceModule(architecture, service, plan));
  files.write("src/main.ts", MAIN);
  files.write("src/service.test.ts", testModule(architecture, service, plan));
  files.write("Dockerfile", dockerfile(service));
  files.write("README.md", readme(architecture, service, archetype, plan));
  return { service, archetype, plan, dir };
}
