/**
 * A real `SecretsManagerClient` whose HTTP transport is replaced by an in-process fake speaking the
 * AWS JSON 1.1 protocol, so tests exercise the SDK's own serialization and error parsing.
 * @module
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";

/** Secret id → value (`SecretString`), or `{ binary }` for a `SecretBinary` secret. */
export type FakeAwsSecrets = Record<string, string | { binary: Uint8Array }>;

/** Makes the client; `failWith` answers every call with that AWS error type and HTTP status. */
export function fakeSecretsManagerClient(
  secrets: FakeAwsSecrets,
  failWith?: { type: string; status: number },
) {
  const requests: Array<{ target: string; secretId: string }> = [];
  const answer = (status: number, body: unknown) => ({
    response: {
      statusCode: status,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: new TextEncoder().encode(JSON.stringify(body)),
    },
  });
  const client = new SecretsManagerClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { headers: Record<string, string>; body: Uint8Array | string }) {
        const body = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
        const secretId = String((JSON.parse(body) as { SecretId?: unknown }).SecretId);
        requests.push({ target: request.headers["x-amz-target"] ?? "", secretId });
        if (failWith !== undefined)
          return answer(failWith.status, { __type: failWith.type, message: "fake failure" });
        const secret = secrets[secretId];
        if (secret === undefined) {
          return answer(400, {
            __type: "ResourceNotFoundException",
            message: "Secrets Manager can't find the specified secret.",
          });
        }
        const value =
          typeof secret === "string"
            ? { SecretString: secret }
            : { SecretBinary: Buffer.from(secret.binary).toString("base64") };
        return answer(200, {
          ARN: `arn:aws:secretsmanager:eu-west-1:0:secret:${secretId}`,
          Name: secretId,
          ...value,
        });
      },
    } as unknown as SecretsManagerClientConfig["requestHandler"],
  });
  return { client, requests };
}
