/**
 * A loopback gRPC server implementing Secret Manager's `AccessSecretVersion` from the client's own
 * protos, and a real `SecretManagerServiceClient` pointed at it (insecure channel, no Google auth).
 * @module
 */
import { createRequire } from "node:module";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { SecretManagerClientLike } from "./gcp-secret-manager-secrets.ts";

/** The running fake. */
export interface FakeSecretManager {
  client: SecretManagerClientLike;
  /** Resource names requested, oldest first. */
  requests: string[];
  close(): Promise<void>;
}

interface AccessCall {
  request: { name: string };
}
type AccessCallback = (error: grpc.ServiceError | null, response?: unknown) => void;

/**
 * Starts the fake. `secrets` maps full resource names (`projects/p/secrets/s/versions/latest`) to
 * values; `failWith` answers every call with that gRPC status code.
 */
export async function startFakeSecretManager(
  secrets: Record<string, string>,
  failWith?: grpc.status,
): Promise<FakeSecretManager> {
  const require = createRequire(import.meta.url);
  const definition = protoLoader.fromJSON(require("@google-cloud/secret-manager/build/protos/protos.json"));
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    google: {
      cloud: { secretmanager: { v1: { SecretManagerService: { service: grpc.ServiceDefinition } } } };
    };
  };
  const requests: string[] = [];
  const server = new grpc.Server();
  server.addService(root.google.cloud.secretmanager.v1.SecretManagerService.service, {
    accessSecretVersion(call: AccessCall, callback: AccessCallback) {
      requests.push(call.request.name);
      const value = secrets[call.request.name];
      const fail = (code: grpc.status, details: string) =>
        callback(Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }));
      if (failWith !== undefined) return fail(failWith, "fake failure");
      if (value === undefined) return fail(grpc.status.NOT_FOUND, `Secret [${call.request.name}] not found`);
      callback(null, { name: call.request.name, payload: { data: Buffer.from(value) } });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  // The client asks google-auth for the universe domain, which probes the GCE metadata server (~2 s
  // here, then a warning). Tests never run on GCE; "none" skips the probe.
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const client = new SecretManagerServiceClient({
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
  return {
    client: client as unknown as SecretManagerClientLike,
    requests,
    close: async () => {
      await client.close();
      server.forceShutdown();
    },
  };
}
