/**
 * `gateway`: one client per `integrations.providers` entry behind a provider port. A provider whose
 * `<NAME>_API_URL` is set is called over HTTP; otherwise a local fake provider answers, with a failure
 * rate you can set for resilience testing (seed 000 "Gateway Service (External Integrations)").
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { constantCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { gatewayFailureTest, participantTest, writeGatewaySagaCommands } from "./saga-participant-code.ts";
import {
  commandsHandledBy,
  sagaCommandStoreEnv,
  serveSagaCommandsImport,
  serveSagaCommandsStatements,
} from "./saga-participation.ts";

export const gatewayArchetype: Archetype = {
  type: "gateway",
  summary: "integrates external providers behind one port, with a local fake provider for dev.",
  plan({ architecture, service, files }) {
    const providers = service.integrations?.providers ?? [];
    // Saga commands sent here run on the first provider (see saga-participant-code.ts).
    const sagaCommands = commandsHandledBy(architecture, service);
    const sagaProvider = providers[0];
    const participates = sagaCommands.length > 0 && sagaProvider !== undefined;
    if (participates) writeGatewaySagaCommands(files, sagaCommands, sagaProvider);
    const sagaTestRoute = sagaCommands.find((r) => r.succeeded.length > 0) ?? sagaCommands[0];
    files.write(
      "src/domain/provider.ts",
      code`
        /** The outcome of one provider operation. */
        export interface ProviderResult {
          provider: string;
          operation: string;
          reference: string;
          status: "succeeded";
          response: unknown;
        }

        /** The port every external provider is reached through. Errors are AllFrameErrors ("unavailable", "timeout"). */
        export interface IntegrationProvider {
          readonly name: string;
          readonly kind: "http" | "fake";
          execute(operation: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<ProviderResult>;
        }
      `,
    );
    files.write(
      "src/infrastructure/providers/http-provider.ts",
      code`
        import { AllFrameError, uuidGenerator } from "@allframe/core";
        import type { IntegrationProvider, ProviderResult } from "../../domain/provider.ts";

        /** Calls a provider's HTTP API: POST {baseUrl}/{operation} with the payload as JSON. */
        export class HttpProvider implements IntegrationProvider {
          readonly kind = "http";
          readonly name: string;
          readonly #baseUrl: string;

          constructor(name: string, baseUrl: string) {
            this.name = name;
            this.#baseUrl = baseUrl.replace(/\\/+$/, "");
          }

          async execute(operation: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<ProviderResult> {
            let response: Response;
            try {
              response = await fetch(\`\${this.#baseUrl}/\${encodeURIComponent(operation)}\`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(payload),
                signal,
              });
            } catch (error) {
              throw new AllFrameError("unavailable", \`\${this.name} is unreachable\`, { cause: error });
            }
            if (!response.ok) {
              throw new AllFrameError("unavailable", \`\${this.name} answered \${response.status} to \${operation}\`);
            }
            return { provider: this.name, operation, reference: uuidGenerator(), status: "succeeded", response: await response.json() };
          }
        }
      `,
    );
    files.write(
      "src/infrastructure/providers/fake-provider.ts",
      code`
        import { AllFrameError, uuidGenerator } from "@allframe/core";
        import type { IntegrationProvider, ProviderResult } from "../../domain/provider.ts";

        /**
         * A local stand-in for a provider in dev and tests: succeeds, except for a share of calls given by
         * \`failureRate\` (0..1), which fail as "unavailable" like a real outage would.
         */
        export class FakeProvider implements IntegrationProvider {
          readonly kind = "fake";
          readonly name: string;
          readonly #failureRate: number;
          readonly #random: () => number;

          constructor(name: string, failureRate: number, random: () => number = Math.random) {
            this.name = name;
            this.#failureRate = failureRate;
            this.#random = random;
          }

          async execute(operation: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<ProviderResult> {
            signal.throwIfAborted();
            if (this.#random() < this.#failureRate) {
              throw new AllFrameError("unavailable", \`\${this.name} (fake) failed \${operation} as configured\`);
            }
            return { provider: this.name, operation, reference: uuidGenerator(), status: "succeeded", response: { echo: payload } };
          }
        }
      `,
    );
    const providerEntries = providers
      .map((p) => {
        const url = `config.${constantCase(p)}_API_URL`;
        return `[${str(p)}, ${url} === undefined ? new FakeProvider(${str(p)}, config.FAKE_PROVIDER_FAILURE_RATE) : new HttpProvider(${str(p)}, ${url})],`;
      })
      .join("\n");
    files.write(
      "src/application/providers.ts",
      code`
        import type { Config } from "../config.ts";
        import type { IntegrationProvider } from "../domain/provider.ts";
        import { FakeProvider } from "../infrastructure/providers/fake-provider.ts";
        import { HttpProvider } from "../infrastructure/providers/http-provider.ts";

        /** One client per configured provider: HTTP when its API URL is set, the local fake otherwise. */
        export function createProviders(config: Config): Map<string, IntegrationProvider> {
          return new Map<string, IntegrationProvider>([
            ${providerEntries}
          ]);
        }
      `,
    );
    files.write(
      "src/presentation/rest/provider-routes.ts",
      code`
        import { AllFrameError, type Hono, readJson, type ResilienceOrchestrator, z } from "@allframe/core";
        import type { IntegrationProvider } from "../../domain/provider.ts";

        const payload = z.record(z.string(), z.unknown());

        /** How provider calls run: the resilience policies, the request's time budget, the idempotency key header. */
        export interface ProviderCallOptions {
          readonly resilience: ResilienceOrchestrator;
          readonly timeoutMs: number;
          readonly keyHeader: string;
        }

        /**
         * List providers (with their breaker state); run an operation on one under its \`provider:<name>\`
         * policy: breaker, retry with backoff, bulkhead. A call carrying an idempotency key may be retried
         * (the provider deduplicates it); one without runs once when the policy says \`idempotent_only\`.
         */
        export function registerProviderRoutes(app: Hono, providers: Map<string, IntegrationProvider>, opts: ProviderCallOptions): void {
          app.get("/providers", (c) =>
            c.json({
              items: [...providers.values()].map((p) => ({
                name: p.name,
                kind: p.kind,
                breaker: opts.resilience.circuitBreaker(\`provider:\${p.name}\`)?.state ?? "none",
              })),
            }),
          );
          app.post("/providers/:provider/operations/:operation", async (c) => {
            const provider = providers.get(c.req.param("provider"));
            if (provider === undefined) throw new AllFrameError("not-found", \`no provider \${c.req.param("provider")}\`);
            const body = await readJson(c, payload);
            const operation = c.req.param("operation");
            const result = await opts.resilience.execute(
              \`provider:\${provider.name}\`,
              (signal) => provider.execute(operation, body, signal),
              { idempotent: c.req.header(opts.keyHeader) !== undefined, signal: AbortSignal.timeout(opts.timeoutMs) },
            );
            return c.json(result);
          });
        }
      `,
    );
    const first = providers[0] ?? "provider";
    // Without an idempotency key a call runs once when retry.idempotent_only; otherwise each retry
    // attempt is a failure the breaker counts, so the breaker opens in fewer calls.
    const attemptsPerCall = service.resilience.retry.idempotent_only
      ? 1
      : service.resilience.retry.max_attempts;
    const threshold = Math.ceil(service.resilience.circuit_breaker.failure_threshold / attemptsPerCall);
    return {
      imports: [
        'import { createProviders } from "./application/providers.ts";',
        'import { registerProviderRoutes } from "./presentation/rest/provider-routes.ts";',
        ...(participates
          ? [
              serveSagaCommandsImport(service),
              'import { sagaCommandHandlers } from "./application/saga-commands.ts";',
            ]
          : []),
      ],
      body: code`
        const providers = createProviders(config);
        registerProviderRoutes(host.app, providers, {
          resilience,
          timeoutMs: ${service.resilience.circuit_breaker.timeout_ms},
          keyHeader: ${str(service.idempotency?.key_header ?? "Idempotency-Key")},
        });
        ${
          participates
            ? serveSagaCommandsStatements(
                `sagaCommandHandlers({ providers, resilience, bus, source: SERVICE_NAME, timeoutMs: ${service.resilience.circuit_breaker.timeout_ms} })`,
                sagaCommands,
              )
            : ""
        }
      `,
      env: [
        {
          name: "FAKE_PROVIDER_FAILURE_RATE",
          schema: "z.coerce.number().min(0).max(1).default(0)",
          description: "Share of calls (0..1) the local fake providers fail, to exercise resilience.",
        },
        ...providers.map((p) => ({
          name: `${constantCase(p)}_API_URL`,
          schema: "z.url().optional()",
          description: `Base URL of the ${p} API; unset uses the local fake ${p}.`,
        })),
        ...(participates ? [sagaCommandStoreEnv(service)] : []),
      ],
      routes: [
        {
          method: "GET",
          path: "/providers",
          summary: "Configured providers and whether each is real or fake",
        },
        {
          method: "POST",
          path: "/providers/:provider/operations/:operation",
          summary: "Run an operation on a provider",
        },
      ],
      tests: code`
        it("lists providers and runs an operation through the fake ${first}", async () => {
          const list = await svc.request<{ items: Array<{ name: string; kind: string }> }>("/providers");
          assert.deepEqual(list.body.items.map((p) => p.name), ${JSON.stringify(providers)});
          const result = await svc.request<{ status: string }>("/providers/${first}/operations/charge", {
            method: "POST",
            body: { amount: 1000, currency: "EUR" },
          });
          assert.equal(result.status, 200);
          assert.equal(result.body.status, "succeeded");
        });

        it("opens ${first}'s breaker after ${threshold} failures in a row and then rejects without calling it", async () => {
          const failing = await startService(createService, {
            env: { ...TEST_ENV, FAKE_PROVIDER_FAILURE_RATE: "1" },
          });
          try {
            const charge = () =>
              failing.request<{ error: { message: string } }>("/providers/${first}/operations/charge", { method: "POST", body: { amount: 1 } });
            for (let i = 0; i < ${threshold}; i++) assert.equal((await charge()).status, 503);
            const providers = await failing.request<{ items: Array<{ name: string; breaker: string }> }>("/providers");
            assert.equal(providers.body.items.find((p) => p.name === ${str(first)})?.breaker, "open");
            const rejected = await charge();
            assert.equal(rejected.status, 503);
            assert.match(rejected.body.error.message, /circuit breaker .* is open/);
          } finally {
            await failing.stop();
          }
        });

        it("answers 404 for an unknown provider", async () => {
          const { status } = await svc.request("/providers/nope/operations/charge", { method: "POST", body: {} });
          assert.equal(status, 404);
        });
        ${participates && sagaTestRoute !== undefined ? participantTest(sagaTestRoute, sagaTestRoute.succeeded[0] === undefined ? undefined : `svc.published.filter((e) => e.type === ${str(sagaTestRoute.succeeded[0])}).length`) : ""}
        ${participates && sagaTestRoute !== undefined ? gatewayFailureTest(sagaTestRoute) : ""}
      `,
      ...(participates ? { testEnv: { SAGA_COMMAND_STORE_URL: "memory:" } } : {}),
      idempotentExample: {
        path: `/providers/${first}/operations/charge`,
        body: { amount: 1000, currency: "EUR" },
      },
      engines: {},
    };
  },
};
