import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { EnvSecrets, secretEnvName } from "./env-secrets.ts";
import { runSecretsProviderContract } from "./secrets-provider.contract.ts";

runSecretsProviderContract("env", async (secrets) => ({
  provider: new EnvSecrets(
    Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value])),
  ),
}));

describe("EnvSecrets", () => {
  it("maps secret names to variable names", () => {
    assert.equal(secretEnvName("db-password"), "DB_PASSWORD");
    assert.equal(secretEnvName("payments/stripe"), "PAYMENTS_STRIPE");
    assert.equal(secretEnvName("JWT_SECRET"), "JWT_SECRET");
  });

  it("treats an empty variable as missing and says which variable to set", async () => {
    await assert.rejects(
      new EnvSecrets({ DB_PASSWORD: "" }).get("db-password"),
      (e) =>
        hasErrorCode(e, "configuration") && /"db-password" not found in env; set DB_PASSWORD/.test(e.message),
    );
  });

  it("refuses #field on a variable that is not a JSON object", async () => {
    await assert.rejects(
      new EnvSecrets({ DB_PASSWORD: "plain" }).get("db-password#user"),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /not a JSON object/.test(e.message) &&
        !e.message.includes("plain"),
    );
  });
});
