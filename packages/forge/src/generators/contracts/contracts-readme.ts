/**
 * `contracts/README.md`, written when `[testing].contract_broker` names a broker: what the contract
 * tests cover and how CI publishes their pacts and verifies from the broker. The tests themselves never
 * reach the network; publishing is a separate CI step (Pact broker client CLI, which reads
 * `PACT_BROKER_BASE_URL` and `PACT_BROKER_TOKEN` or `PACT_BROKER_USERNAME`/`PACT_BROKER_PASSWORD`:
 * https://docs.pact.io/pact_broker/client_cli/readme).
 * @module
 */
import { code } from "../typescript/code.ts";
import type { ContractBroker, ContractPair } from "./contract-pairs.ts";
import { pactFileName, pactTestPath } from "./pact-test-file.ts";

function credentials(broker: ContractBroker): string {
  return broker === "pactflow"
    ? code`
        - \`PACT_BROKER_BASE_URL\`: your PactFlow workspace, e.g. \`https://<your-team>.pactflow.io\`.
        - \`PACT_BROKER_TOKEN\`: a PactFlow API token allowed to publish (a CI secret, never in the repository).
      `
    : code`
        - \`PACT_BROKER_BASE_URL\`: your Pact Broker, e.g. \`https://pact-broker.internal\`.
        - \`PACT_BROKER_USERNAME\` and \`PACT_BROKER_PASSWORD\`: the broker's basic auth (CI secrets, never in
          the repository). \`PACT_BROKER_TOKEN\` replaces them for a broker that takes bearer tokens.
      `;
}

/** The \`Verifier\` options that authenticate to the broker. */
function verifierAuth(broker: ContractBroker): string {
  return broker === "pactflow"
    ? "pactBrokerToken: process.env.PACT_BROKER_TOKEN,"
    : "pactBrokerUsername: process.env.PACT_BROKER_USERNAME,\npactBrokerPassword: process.env.PACT_BROKER_PASSWORD,";
}

/** The README's Markdown for the generated pairs and broker. */
export function contractsReadme(pairs: readonly ContractPair[], broker: ContractBroker): string {
  const rows = pairs.map(
    (p) =>
      `| ${p.consumer.service.name} | ${p.provider.service.name} | \`${pactTestPath(p).slice("contracts/".length)}\` | \`pacts/${pactFileName(p)}\` |`,
  );
  const name = broker === "pactflow" ? "PactFlow" : "the Pact Broker";
  return code`
    # Contract tests

    Consumer-driven contracts with [Pact](https://docs.pact.io), one file per consumer → provider pair of
    the architecture (a BFF and each service it aggregates):

    | Consumer | Provider | Test | Pact file |
    |---|---|---|---|
    ${rows.join("\n")}

    \`npm test\` runs them with the services' tests. Each file first runs the real consumer against Pact's
    mock server, which writes the pact file into \`pacts/\` (git-ignored), then starts the real provider
    in-process with its embedded stand-ins and verifies that pact against it. Provider states create
    their data through the provider's own API. Everything runs on loopback: no broker, no network.

    ## Publishing to ${name}

    Set these in CI (\`contract_broker = "${broker}"\` in the architecture):

    ${credentials(broker)}

    After \`npm test\` has written the pacts, publish them with the Pact broker client, as the commit's version on its
    branch:

    \`\`\`sh
    npx --yes --package @pact-foundation/pact-cli pact-broker publish contracts/pacts \\
      --consumer-app-version "$(git rev-parse HEAD)" --branch "$(git branch --show-current)"
    \`\`\`

    To verify a provider against the pacts on the broker instead of the local file, give its
    \`Verifier\` the broker in place of \`pactUrls\`:

    \`\`\`ts
    new Verifier({
      provider: "<provider>",
      providerBaseUrl: provider.url,
      pactBrokerUrl: process.env.PACT_BROKER_BASE_URL,
      ${verifierAuth(broker)}
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
      publishVerificationResult: true,
      providerVersion: process.env.GIT_COMMIT,
      stateHandlers,
    });
    \`\`\`

    Then gate deployments with \`pact-broker can-i-deploy --pacticipant <service> --version <commit> --to-environment production\`.
  `;
}
