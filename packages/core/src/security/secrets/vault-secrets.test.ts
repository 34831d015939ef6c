import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { sensitive } from "../sensitive/sensitive.ts";
import { startFakeVault } from "./fake-vault.fixture.ts";
import { runSecretsProviderContract } from "./secrets-provider.contract.ts";
import { VaultSecrets } from "./vault-secrets.ts";

const TOKEN = "hvs.test-token";

/** KV v2 holds maps: a JSON secret becomes its fields, a plain one the single field `value`. */
function asVaultSecrets(secrets: Readonly<Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(secrets).map(([path, value]) => [
      path,
      value.startsWith("{") ? JSON.parse(value) : { value },
    ]),
  );
}

runSecretsProviderContract("vault (fake KV v2 server)", async (secrets) => {
  const vault = await startFakeVault({ token: TOKEN, secrets: asVaultSecrets(secrets) });
  return {
    provider: new VaultSecrets({ address: vault.address, token: sensitive(TOKEN) }),
    close: vault.close,
  };
});

describe("VaultSecrets", () => {
  it("sends the token and namespace and reads from the configured mount", async () => {
    const vault = await startFakeVault({
      token: TOKEN,
      mount: "kv",
      secrets: { "orders/db": { password: "pw" } },
    });
    try {
      const provider = new VaultSecrets({
        address: `${vault.address}/`,
        token: sensitive(TOKEN),
        namespace: "team-a",
        mount: "kv",
      });
      assert.equal((await provider.get("orders/db")).expose(), "pw");
      assert.equal(vault.requests[0]?.path, "/v1/kv/data/orders/db");
      assert.equal(vault.requests[0]?.headers["x-vault-token"], TOKEN);
      assert.equal(vault.requests[0]?.headers["x-vault-namespace"], "team-a");
    } finally {
      await vault.close();
    }
  });

  it("asks for a field when a secret has several", async () => {
    const vault = await startFakeVault({ token: TOKEN, secrets: { db: { user: "app", password: "pw" } } });
    try {
      await assert.rejects(
        new VaultSecrets({ address: vault.address, token: sensitive(TOKEN) }).get("db"),
        (e) =>
          hasErrorCode(e, "configuration") &&
          /holds several fields; name one; its fields are user, password/.test(e.message),
      );
    } finally {
      await vault.close();
    }
  });

  it("reports a token without access as configuration, never echoing the token", async () => {
    const vault = await startFakeVault({ token: TOKEN, secrets: { db: { value: "pw" } } });
    try {
      await assert.rejects(
        new VaultSecrets({ address: vault.address, token: sensitive("hvs.wrong-token") }).get("db"),
        (e) =>
          hasErrorCode(e, "configuration") && /denied/.test(e.message) && !e.message.includes("wrong-token"),
      );
    } finally {
      await vault.close();
    }
  });

  it("reports server errors and an unreachable Vault as unavailable", async () => {
    const vault = await startFakeVault({ token: TOKEN, secrets: {}, failWith: 503 });
    await assert.rejects(
      new VaultSecrets({ address: vault.address, token: sensitive(TOKEN) }).get("db"),
      (e) => hasErrorCode(e, "unavailable") && /answered 503/.test(e.message),
    );
    await vault.close();
    await assert.rejects(
      new VaultSecrets({ address: vault.address, token: sensitive(TOKEN) }).get("db"),
      (e) => hasErrorCode(e, "unavailable") && /unreachable/.test(e.message),
    );
  });
});
