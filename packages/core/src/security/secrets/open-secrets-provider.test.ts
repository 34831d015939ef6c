import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { fakeSecretsManagerClient } from "./fake-aws-secrets.fixture.ts";
import { startFakeVault } from "./fake-vault.fixture.ts";
import { openSecretsProvider } from "./open-secrets-provider.ts";

describe("openSecretsProvider", () => {
  it("defaults to env", async () => {
    const secrets = openSecretsProvider({ DB_PASSWORD: "pw" });
    assert.equal(secrets.kind, "env");
    assert.equal((await secrets.get("db-password")).expose(), "pw");
  });

  it("opens AWS Secrets Manager under both spellings, requiring a region", async () => {
    const { client } = fakeSecretsManagerClient({ db: "aws-pw" });
    for (const kind of ["aws", "aws-secrets"]) {
      const secrets = openSecretsProvider(
        { SECRETS_PROVIDER: kind, AWS_DEFAULT_REGION: "eu-west-1" },
        { awsClient: client },
      );
      assert.equal(secrets.kind, "aws-secrets-manager");
      assert.equal((await secrets.get("db")).expose(), "aws-pw");
    }
    assert.throws(
      () => openSecretsProvider({ SECRETS_PROVIDER: "aws" }),
      (e) => hasErrorCode(e, "configuration") && /needs AWS_REGION/.test(e.message),
    );
  });

  it("opens GCP Secret Manager under both spellings", () => {
    for (const kind of ["gcp", "gcp-secrets"]) {
      assert.equal(
        openSecretsProvider({ SECRETS_PROVIDER: kind, GOOGLE_CLOUD_PROJECT: "p" }).kind,
        "gcp-secret-manager",
      );
    }
  });

  it("opens Vault from VAULT_* variables and caches for SECRETS_CACHE_TTL_MS", async () => {
    const vault = await startFakeVault({
      token: "t-1",
      mount: "kv",
      secrets: { "orders/db": { password: "v-pw" } },
    });
    try {
      const clock = new ManualClock(0);
      const env = {
        SECRETS_PROVIDER: "vault",
        VAULT_ADDR: vault.address,
        VAULT_TOKEN: "t-1",
        VAULT_KV_MOUNT: "kv",
        SECRETS_CACHE_TTL_MS: "1000",
      };
      const secrets = openSecretsProvider(env, { clock });
      assert.equal(secrets.kind, "vault");
      assert.equal((await secrets.get("orders/db#password")).expose(), "v-pw");
      await secrets.get("orders/db#password");
      assert.equal(vault.requests.length, 1);
      clock.advance(1000);
      await secrets.get("orders/db#password");
      assert.equal(vault.requests.length, 2);
    } finally {
      await vault.close();
    }
  });

  it("lists every missing Vault variable and rejects unknown providers, never echoing values", () => {
    assert.throws(
      () => openSecretsProvider({ SECRETS_PROVIDER: "vault", VAULT_TOKEN: "" }),
      (e) =>
        hasErrorCode(e, "configuration") && /VAULT_ADDR/.test(e.message) && /VAULT_TOKEN/.test(e.message),
    );
    assert.throws(
      () => openSecretsProvider({ SECRETS_PROVIDER: "keychain-s3cret" }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /SECRETS_PROVIDER/.test(e.message) &&
        !e.message.includes("keychain-s3cret"),
    );
  });
});
