import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { AwsSecretsManagerSecrets } from "./aws-secrets-manager-secrets.ts";
import { fakeSecretsManagerClient } from "./fake-aws-secrets.fixture.ts";
import { runSecretsProviderContract } from "./secrets-provider.contract.ts";

runSecretsProviderContract("aws secrets manager (SDK client, fake transport)", async (secrets) => ({
  provider: new AwsSecretsManagerSecrets({
    region: "eu-west-1",
    client: fakeSecretsManagerClient(secrets).client,
  }),
}));

describe("AwsSecretsManagerSecrets", () => {
  it("calls GetSecretValue with the secret id and decodes SecretBinary as UTF-8", async () => {
    const { client, requests } = fakeSecretsManagerClient({
      "tls/key": { binary: new TextEncoder().encode("key-bytes") },
    });
    const provider = new AwsSecretsManagerSecrets({ region: "eu-west-1", client });
    assert.equal((await provider.get("tls/key")).expose(), "key-bytes");
    assert.deepEqual(requests, [{ target: "secretsmanager.GetSecretValue", secretId: "tls/key" }]);
  });

  it("reports denied access as configuration and service errors as unavailable", async () => {
    const denied = fakeSecretsManagerClient({}, { type: "AccessDeniedException", status: 400 });
    await assert.rejects(
      new AwsSecretsManagerSecrets({ region: "eu-west-1", client: denied.client }).get("db"),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /AccessDeniedException/.test(e.message) &&
        /secretsmanager:GetSecretValue/.test(e.message),
    );
    const down = fakeSecretsManagerClient({}, { type: "InternalServiceError", status: 500 });
    await assert.rejects(
      new AwsSecretsManagerSecrets({ region: "eu-west-1", client: down.client }).get("db"),
      (e) => hasErrorCode(e, "unavailable") && e.details.awsError === "InternalServiceError",
    );
  });
});
