/**
 * Picks the secrets store from the environment, the twelve-factor switch behind
 * `[security].secrets_manager` (DESIGN.md, "Embedded defaults and real engines").
 * @module
 */
import { z } from "zod";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Clock } from "../../runtime/clock.ts";
import { envInteger, loadEnvConfig } from "../../runtime/env-config.ts";
import { Sensitive } from "../sensitive/sensitive.ts";
import { AwsSecretsManagerSecrets, type SecretsManagerClientLike } from "./aws-secrets-manager-secrets.ts";
import { cachedSecrets } from "./cached-secrets.ts";
import { EnvSecrets } from "./env-secrets.ts";
import { GcpSecretManagerSecrets, type SecretManagerClientLike } from "./gcp-secret-manager-secrets.ts";
import type { SecretsProvider } from "./secrets-provider.ts";
import { VaultSecrets } from "./vault-secrets.ts";

/** Test seams for {@link openSecretsProvider}; production code passes none. */
export interface SecretsProviderDeps {
  clock?: Clock;
  awsClient?: SecretsManagerClientLike;
  gcpClient?: SecretManagerClientLike;
  fetch?: typeof fetch;
}

const optional = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());
const required = (hint: string) => z.string().min(1).describe(hint);

const base = z.object({
  // `[security].secrets_manager` spells them aws-secrets / gcp-secrets; both spellings are accepted.
  SECRETS_PROVIDER: z
    .preprocess(
      (value) => (value === "" ? undefined : value),
      z.enum(["env", "aws", "aws-secrets", "gcp", "gcp-secrets", "vault"]).default("env"),
    )
    .describe("env, aws, gcp or vault"),
  SECRETS_CACHE_TTL_MS: envInteger(300_000, { min: 1 }),
});
const vault = z.object({
  VAULT_ADDR: required("Vault's address, e.g. https://vault.internal:8200"),
  VAULT_TOKEN: required("a Vault token with read on the secrets' paths"),
  VAULT_NAMESPACE: optional,
  VAULT_KV_MOUNT: optional,
});

/**
 * The secrets provider `SECRETS_PROVIDER` names (default `env`), with caching for remote stores
 * (`SECRETS_CACHE_TTL_MS`, default 300000 ms):
 * - `env`: {@link EnvSecrets} over `env`, not cached.
 * - `aws` / `aws-secrets`: {@link AwsSecretsManagerSecrets} in `AWS_REGION` (or `AWS_DEFAULT_REGION`);
 *   credentials from the SDK's chain (`AWS_ACCESS_KEY_ID`, profile, role).
 * - `gcp` / `gcp-secrets`: {@link GcpSecretManagerSecrets} in `GOOGLE_CLOUD_PROJECT` (or `GCLOUD_PROJECT`,
 *   else detected); credentials from ADC (`GOOGLE_APPLICATION_CREDENTIALS`, metadata server).
 * - `vault`: {@link VaultSecrets} at `VAULT_ADDR` with `VAULT_TOKEN`, optional `VAULT_NAMESPACE` and
 *   `VAULT_KV_MOUNT` (default `secret`).
 *
 * @throws AllFrameError `configuration` listing each bad or missing variable (values never echoed).
 * @example const secrets = openSecretsProvider(process.env); const dbPassword = await secrets.get("db-password");
 */
export function openSecretsProvider(
  env: Record<string, string | undefined> = process.env,
  deps: SecretsProviderDeps = {},
): SecretsProvider {
  const { SECRETS_PROVIDER: kind, SECRETS_CACHE_TTL_MS: ttlMs } = loadEnvConfig(base, env);
  if (kind === "env") return new EnvSecrets(env);
  const cache = (provider: SecretsProvider) => cachedSecrets(provider, { ttlMs, clock: deps.clock });
  if (kind === "aws" || kind === "aws-secrets") {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (region === undefined || region === "") {
      throw new AllFrameError(
        "configuration",
        `SECRETS_PROVIDER=${kind} needs AWS_REGION (or AWS_DEFAULT_REGION); set it to the secrets' region, e.g. eu-west-1`,
        { issues: [{ path: ["AWS_REGION"], message: "required for AWS Secrets Manager" }] },
      );
    }
    return cache(new AwsSecretsManagerSecrets({ region, client: deps.awsClient }));
  }
  if (kind === "gcp" || kind === "gcp-secrets") {
    const projectId = env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || undefined;
    return cache(new GcpSecretManagerSecrets({ projectId, client: deps.gcpClient }));
  }
  const config = loadEnvConfig(vault, env);
  return cache(
    new VaultSecrets({
      address: config.VAULT_ADDR,
      token: new Sensitive(config.VAULT_TOKEN),
      namespace: config.VAULT_NAMESPACE,
      mount: config.VAULT_KV_MOUNT,
      fetch: deps.fetch,
    }),
  );
}
