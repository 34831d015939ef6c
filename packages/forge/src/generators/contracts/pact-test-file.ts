/**
 * The source of `contracts/<consumer>--<provider>.pact.test.ts`: a Pact V4 consumer test that runs the
 * BFF's own generated `ServiceClient` (the code behind its `/overview` and `/api/<service>/*`) against
 * Pact's mock server and writes `contracts/pacts/<consumer>-<provider>.json`, then a provider
 * verification that replays that file against the real generated provider, started in-process with
 * embedded defaults. Both halves share one file because the verification needs the
 * file the consumer half writes, and `node --test` runs files in parallel processes: within a file
 * its suites run in order, so the pact is always fresh when it is verified (Pact's consumer-driven
 * contracts, https://docs.pact.io/getting_started/how_pact_works).
 * @module
 */
import { testEnvOf } from "../../archetypes/scaffold.ts";
import type { ResolvedArchitecture } from "../../config/resolve.ts";
import { blocks, code } from "../typescript/code.ts";
import { str } from "../typescript/names.ts";
import { type ContractPair, contractBroker } from "./contract-pairs.ts";
import { type ProviderResource, providerResource } from "./provider-resource.ts";

/** `contracts/<consumer>--<provider>.pact.test.ts`, relative to the workspace root. */
export function pactTestPath(pair: ContractPair): string {
  return `contracts/${pair.consumer.service.name}--${pair.provider.service.name}.pact.test.ts`;
}

/** The file Pact writes for a pair: `<consumer>-<provider>.json` (Pact's own naming), under `pacts/`. */
export function pactFileName(pair: ContractPair): string {
  return `${pair.consumer.service.name}-${pair.provider.service.name}.json`;
}

/** An object literal of string values, keys bare where they can be (the workspace's lint wants that). */
function objectLiteral(values: Record<string, string>): string {
  const entries = Object.entries(values).map(
    ([name, value]) => `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : str(name)}: ${str(value)}`,
  );
  return `{ ${entries.join(", ")} }`;
}

function healthCase(consumer: string, provider: string, version: string): string {
  return code`
    it(${str(`ServiceClient.health(), behind ${consumer}'s GET /overview, reads ${provider}'s GET /health`)}, async () => {
      await pact
        .addInteraction()
        .uponReceiving(${str(`a health check from ${consumer}`)})
        .withRequest("GET", "/health")
        .willRespondWith(200, (response) => {
          response.jsonBody({ status: like("ok"), version: like(${str(version)}) });
        })
        .executeTest(async (mock) => {
          assert.deepEqual(await clientAt(mock.url).health(), { status: "ok", version: ${str(version)} });
        });
    });
  `;
}

function readCases(consumer: string, provider: string, resource: ProviderResource): string {
  const { path } = resource;
  const read = code`
    it(${str(`ServiceClient.get(), behind ${consumer}'s GET /api/${provider}/*, reads ${provider}'s GET ${path}/:id`)}, async () => {
      await pact
        .addInteraction()
        .given(CREATED)
        .uponReceiving(${str(`a request for one item of ${path}`)})
        .withRequest("GET", fromProviderState(\`${path}/\${ID_EXPRESSION}\`, \`${path}/\${EXAMPLE_ID}\`))
        .willRespondWith(200, (response) => {
          response.jsonBody({ id: fromProviderState(ID_EXPRESSION, EXAMPLE_ID) });
        })
        .executeTest(async (mock) => {
          const item = await clientAt(mock.url).get<{ id: string }>(\`${path}/\${EXAMPLE_ID}\`);
          assert.equal(item.id, EXAMPLE_ID);
        });
    });
  `;
  const list = code`
    it(${str(`ServiceClient.get(), behind ${consumer}'s GET /api/${provider}/*, reads ${provider}'s GET ${path}`)}, async () => {
      await pact
        .addInteraction()
        .given(CREATED)
        .uponReceiving(${str(`a request for the list of ${path}`)})
        .withRequest("GET", ${str(path)})
        .willRespondWith(200, (response) => {
          response.jsonBody({ items: eachLike({ id: uuid(EXAMPLE_ID) }) });
        })
        .executeTest(async (mock) => {
          const list = await clientAt(mock.url).get<{ items: unknown[] }>(${str(path)});
          assert.deepEqual(list.items, [{ id: EXAMPLE_ID }]);
        });
    });
  `;
  return blocks(read, resource.listable && list);
}

function stateHandlers(resource: ProviderResource | undefined): string {
  if (resource === undefined) return "{}";
  const { path } = resource;
  return code`
    {
      // Creates the item through ${path} itself; the verifier injects its id where the pact says \${id}.
      [CREATED]: async () => {
        const created = await provider.request<{ id: string }>(${str(path)}, { method: "POST", body: ${JSON.stringify(resource.createBody)} });
        assert.ok(created.status >= 200 && created.status < 300, \`POST ${path} answered \${created.status}\`);
        return { id: created.body.id };
      },
    }
  `;
}

/**
 * The test file's source for one pair. Interactions: `GET /health` (what `ServiceClient.health()`
 * reads for the BFF's `/overview`), and when the provider has a {@link providerResource}, one item read
 * and the list (what `ServiceClient.get()` fetches for the BFF's `/api/<provider>/*` pass-through).
 * Response shapes name only what the BFF relies on (`status`, `version`, `id`, `items`), with Pact
 * matchers, so the provider may add fields.
 */
export function pactTestFile(pair: ContractPair, architecture: ResolvedArchitecture): string {
  const consumer = pair.consumer.service.name;
  const provider = pair.provider.service.name;
  const version = architecture.architecture.architecture.version;
  const resource = providerResource(pair.provider.plan);
  const matchers = [
    "like",
    ...(resource === undefined ? [] : ["fromProviderState"]),
    ...(resource?.listable === true ? ["eachLike", "uuid"] : []),
  ].sort();
  const resourceConstants =
    resource !== undefined &&
    code`
      /** The id the consumer half reads; in verification, the id the provider state created replaces it. */
      const EXAMPLE_ID = "00000000-0000-4000-8000-000000000001";
      /** Pact's provider-state expression for that id (a Pact expression, not a JavaScript template). */
      const ID_EXPRESSION = \`\\\${id}\`;
      const CREATED = ${str(resource.state)};
    `;
  const source = blocks(
    code`
      /**
       * Pact contract: ${consumer} (consumer) → ${provider} (provider). The first suite runs ${consumer}'s
       * own ServiceClient against Pact's mock server and writes pacts/${pactFileName(pair)}; the second
       * replays that file against the real ${provider}. One file keeps them in order (node --test runs files in
       * parallel).${contractBroker(architecture) !== undefined ? " Publishing to the broker: see README.md in this folder." : ""}
       */
      import assert from "node:assert/strict";
      import { rm } from "node:fs/promises";
      import { after, before, describe, it } from "node:test";
      import { fileURLToPath } from "node:url";
      import { type ServiceHarness, startService } from "@allframe/core";
      import { MatchersV3, PactV4, Verifier } from "@pact-foundation/pact";
      import { createService as createProvider } from "../services/${provider}/src/service.ts";
      import { ServiceClient } from "../services/${consumer}/src/clients/service-client.ts";

      // Tests talk to loopback only: no Pact usage metrics.
      process.env.PACT_DO_NOT_TRACK = "true";

      const { ${matchers.join(", ")} } = MatchersV3;
      const PACT_DIR = fileURLToPath(new URL("pacts/", import.meta.url));
      const PACT_FILE = \`\${PACT_DIR}${pactFileName(pair)}\`;
    `,
    resourceConstants,
    code`
      /** ${consumer}'s own client for ${provider} (as its service.ts builds it), pointed at \`url\`. */
      function clientAt(url: string): ServiceClient {
        return new ServiceClient(${str(provider)}, url, 2000);
      }
    `,
    code`
      describe(${str(`${consumer} → ${provider} (Pact consumer)`)}, () => {
        const pact = new PactV4({ consumer: ${str(consumer)}, provider: ${str(provider)}, dir: PACT_DIR, logLevel: "warn" });
        // A stale file would keep interactions this run no longer makes.
        before(() => rm(PACT_FILE, { force: true }));

        ${blocks(healthCase(consumer, provider, version), resource !== undefined && readCases(consumer, provider, resource))}
      });
    `,
    code`
      describe(${str(`${provider} honours ${consumer}'s pact (Pact provider verification)`)}, () => {
        let provider: ServiceHarness;
        before(async () => {
          provider = await startService(createProvider, { env: ${objectLiteral(testEnvOf(pair.provider.service, pair.provider.plan))} });
        });
        after(() => provider.stop());

        it(${str(`answers every interaction in pacts/${pactFileName(pair)}`)}, async () => {
          await new Verifier({
            provider: ${str(provider)},
            providerBaseUrl: provider.url,
            pactUrls: [PACT_FILE],
            // Failures print in full at this level; "warn" would also flag every interaction without a state.
            logLevel: "error",
            stateHandlers: ${stateHandlers(resource).trimEnd()},
          }).verifyProvider();
        });
      });
    `,
  );
  return `${source}\n`;
}
