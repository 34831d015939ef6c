import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { openSecretsProvider } from "./open-secrets-provider.ts";

const secretId = process.env.ALLFRAME_TEST_AWS_SECRETS;

if (secretId === undefined || secretId === "") {
  describe("AWS Secrets Manager (real account)", {
    skip: "set ALLFRAME_TEST_AWS_SECRETS=<id of an existing secret> with AWS_REGION and AWS credentials to run against AWS",
  }, () => {});
} else {
  describe("AWS Secrets Manager (real account)", () => {
    const secrets = openSecretsProvider({ ...process.env, SECRETS_PROVIDER: "aws" });

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
