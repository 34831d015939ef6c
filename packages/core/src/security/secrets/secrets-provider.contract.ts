/**
 * The contract every {@link SecretsProvider} passes (house style rule 4). Each case seeds the store
 * with {@link CONTRACT_SECRETS} through the factory and reads them back by name.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { Sensitive } from "../sensitive/sensitive.ts";
import { openSecretsProvider } from "./open-secrets-provider.ts";
import type { SecretsProvider } from "./secrets-provider.ts";

/** The secrets every store is seeded with: a plain one and a JSON object (Vault: its fields). */
export const CONTRACT_SECRETS = {
  "db-password": "s3cret-db-pw",
  "payments/stripe": JSON.stringify({ api_key: "sk_live_contract", webhook_secret: "whsec_contract" }),
} as const;

const VALUES = /s3cret-db-pw|sk_live_contract|whsec_contract/;

/** Makes a provider over a store holding `secrets` (name → value), and a way to release it. */
export type SecretsProviderFactory = (
  secrets: Readonly<Record<string, string>>,
) => Promise<{ provider: SecretsProvider; close?: () => Promise<void> }>;

/** Registers the secrets provider contract as a `describe` block. */
export function runSecretsProviderContract(name: string, factory: SecretsProviderFactory): void {
  const withProvider = (fn: (provider: SecretsProvider) => Promise<void>) => async () => {
    const { provider, close } = await factory(CONTRACT_SECRETS);
    try {
      await fn(provider);
    } finally {
      await close?.();
    }
  };
  const refusal = (provider: SecretsProvider, secret: string, message: RegExp) => (e: unknown) => {
    assert.ok(hasErrorCode(e, "configuration"), `expected configuration, got ${String(e)}`);
    assert.match(e.message, message);
    assert.ok(e.message.includes(`"${secret}"`) && e.message.includes(provider.kind), e.message);
    assert.doesNotMatch(e.message, VALUES, "values are never echoed");
    return true;
  };

  describe(`secrets provider contract: ${name}`, () => {
    it(
      "reads a secret as a Sensitive string",
      withProvider(async (provider) => {
        const secret = await provider.get("db-password");
        assert.ok(secret instanceof Sensitive);
        assert.equal(secret.expose(), "s3cret-db-pw");
        assert.equal(JSON.stringify({ secret }), '{"secret":"[REDACTED]"}');
      }),
    );

    it(
      "reads one field of a structured secret with name#field",
      withProvider(async (provider) => {
        assert.equal((await provider.get("payments/stripe#api_key")).expose(), "sk_live_contract");
        assert.equal((await provider.get("payments/stripe#webhook_secret")).expose(), "whsec_contract");
      }),
    );

    it(
      "refuses a missing secret with a configuration error naming it and the store",
      withProvider(async (provider) => {
        await assert.rejects(
          provider.get("no-such-secret"),
          refusal(provider, "no-such-secret", /not found/),
        );
      }),
    );

    it(
      "refuses a missing field, listing the fields but not their values",
      withProvider(async (provider) => {
        await assert.rejects(
          provider.get("payments/stripe#password"),
          refusal(
            provider,
            "payments/stripe#password",
            /no string field "password"; its fields are api_key, webhook_secret/,
          ),
        );
      }),
    );
  });
}

/**
 * Registers the live checks against a real cloud store when `envVar` names an existing secret
 * there, else a suite skipped with `howToRun` as its reason: the secret reads back non-empty, and a
 * missing one is a `configuration` error naming it.
 */
export function runLiveSecretsStore(
  title: string,
  envVar: string,
  provider: "aws" | "gcp",
  howToRun: string,
): void {
  const secretId = process.env[envVar];
  if (secretId === undefined || secretId === "") {
    describe(title, { skip: `set ${envVar}=<id of an existing secret> ${howToRun}` }, () => {});
    return;
  }
  describe(title, () => {
    const secrets = openSecretsProvider({ ...process.env, SECRETS_PROVIDER: provider });

    it("reads an existing secret", async () => {
      assert.ok((await secrets.get(secretId)).expose().length > 0);
    });

    it("reports a missing secret as configuration", async () => {
      const missing = `allframe-test-missing-${process.pid}`;
      await assert.rejects(
        secrets.get(missing),
        (e) => hasErrorCode(e, "configuration") && e.message.includes(missing),
      );
    });
  });
}
