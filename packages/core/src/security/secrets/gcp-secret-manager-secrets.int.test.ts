import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { openSecretsProvider } from "./open-secrets-provider.ts";

const secretId = process.env.ALLFRAME_TEST_GCP_SECRETS;

if (secretId === undefined || secretId === "") {
  describe("GCP Secret Manager (real project)", {
    skip: "set ALLFRAME_TEST_GCP_SECRETS=<id of an existing secret> with GOOGLE_CLOUD_PROJECT and Application Default Credentials to run against GCP",
  }, () => {});
} else {
  describe("GCP Secret Manager (real project)", () => {
    const secrets = openSecretsProvider({ ...process.env, SECRETS_PROVIDER: "gcp" });

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
