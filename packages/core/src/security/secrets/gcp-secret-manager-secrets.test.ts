import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { startFakeSecretManager } from "./fake-gcp-secrets.fixture.ts";
import { GcpSecretManagerSecrets, type SecretManagerClientLike } from "./gcp-secret-manager-secrets.ts";
import { runSecretsProviderContract } from "./secrets-provider.contract.ts";

const resource = (id: string) => `projects/test-project/secrets/${id}/versions/latest`;

runSecretsProviderContract("gcp secret manager (SDK client, fake gRPC server)", async (secrets) => {
  const fake = await startFakeSecretManager(
    Object.fromEntries(Object.entries(secrets).map(([id, value]) => [resource(id), value])),
  );
  return {
    provider: new GcpSecretManagerSecrets({ projectId: "test-project", client: fake.client }),
    close: fake.close,
  };
});

describe("GcpSecretManagerSecrets", () => {
  it("reads the latest version in the project, or a full resource name as given", async () => {
    const pinned = "projects/other/secrets/db/versions/3";
    const fake = await startFakeSecretManager({ [resource("db")]: "latest-pw", [pinned]: "v3-pw" });
    try {
      const provider = new GcpSecretManagerSecrets({ projectId: "test-project", client: fake.client });
      assert.equal((await provider.get("db")).expose(), "latest-pw");
      assert.equal((await provider.get(pinned)).expose(), "v3-pw");
      assert.deepEqual(fake.requests, [resource("db"), pinned]);
    } finally {
      await fake.close();
    }
  });

  it("asks the client for the project once when none is configured", async () => {
    let asked = 0;
    const client: SecretManagerClientLike = {
      getProjectId: async () => {
        asked += 1;
        return "detected";
      },
      accessSecretVersion: async ({ name }) => [{ payload: { data: new TextEncoder().encode(name) } }],
    };
    const provider = new GcpSecretManagerSecrets({ client });
    assert.equal((await provider.get("a")).expose(), "projects/detected/secrets/a/versions/latest");
    await provider.get("b");
    assert.equal(asked, 1);
    const undetectable = new GcpSecretManagerSecrets({
      client: { ...client, getProjectId: () => Promise.reject(new Error("Unable to detect a Project Id")) },
    });
    await assert.rejects(
      undetectable.get("a"),
      (e) => hasErrorCode(e, "configuration") && /set GOOGLE_CLOUD_PROJECT/.test(e.message),
    );
  });

  it("reports denied access as configuration and internal errors as unavailable", async () => {
    const denied = await startFakeSecretManager({}, status.PERMISSION_DENIED);
    const broken = await startFakeSecretManager({}, status.INTERNAL);
    try {
      await assert.rejects(
        new GcpSecretManagerSecrets({ projectId: "p", client: denied.client }).get("db"),
        (e) => hasErrorCode(e, "configuration") && /secretAccessor/.test(e.message),
      );
      await assert.rejects(
        new GcpSecretManagerSecrets({ projectId: "p", client: broken.client }).get("db"),
        (e) => hasErrorCode(e, "unavailable") && e.details.grpcCode === status.INTERNAL,
      );
    } finally {
      await denied.close();
      await broken.close();
    }
  });
});
