/**
 * Test clients built the way a client team builds them: the server's emitted `.proto` written to a
 * file and loaded with `@grpc/proto-loader` (enums as names, int64 as numbers). Only tests use this.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Client,
  type ClientReadableStream,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

type UnaryMethod = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, response?: unknown) => void,
) => unknown;
type StreamMethod = (request: object, metadata: Metadata) => ClientReadableStream<unknown>;

/** A dynamic client of one service. */
export interface TestClient {
  readonly client: Client;
  /** Resolves with the response, or with the failure (never rejects). */
  unary(method: string, request: object, headers?: Record<string, string>): Promise<UnaryOutcome>;
  stream(method: string, request: object, headers?: Record<string, string>): ClientReadableStream<unknown>;
}

/** The outcome of a unary call. */
export type UnaryOutcome =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; error: ServiceError };

function metadataOf(headers: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}

/** Writes `proto` to a temporary file, loads it like a client would, and removes the file. */
export async function loadEmittedProto(proto: string): Promise<GrpcObject> {
  const dir = await mkdtemp(join(tmpdir(), "allframe-grpc-client-"));
  try {
    const file = join(dir, "service.proto");
    await writeFile(file, proto);
    return loadPackageDefinition(
      loadSync(file, { keepCase: true, longs: Number, enums: String, arrays: true }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A client of `service` (fully qualified, e.g. `allframe.users.v1.UserService`) at `address`. */
export function testClient(pkg: GrpcObject, service: string, address: string): TestClient {
  let node: unknown = pkg;
  for (const part of service.split(".")) node = (node as Record<string, unknown>)[part];
  if (typeof node !== "function") throw new Error(`${service} is not a service of the loaded proto`);
  const client = new (node as ServiceClientConstructor)(address, credentials.createInsecure());
  const method = <T>(name: string): T => {
    const fn = (client as unknown as Record<string, unknown>)[name];
    if (typeof fn !== "function") throw new Error(`${service} has no method ${name}`);
    return fn.bind(client) as T;
  };
  return {
    client,
    unary: (name, request, headers = {}) =>
      new Promise((resolve) => {
        method<UnaryMethod>(name)(request, metadataOf(headers), (error, response) => {
          resolve(
            error === null
              ? { ok: true, response: response as Record<string, unknown> }
              : { ok: false, error },
          );
        });
      }),
    stream: (name, request, headers = {}) => method<StreamMethod>(name)(request, metadataOf(headers)),
  };
}

/** The failure of an outcome, or an assertion error naming the unexpected success. */
export function failureOf(outcome: UnaryOutcome): ServiceError {
  if (outcome.ok) throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.response)}`);
  return outcome.error;
}

/** The response of an outcome, or an assertion error with the status. */
export function responseOf(outcome: UnaryOutcome): Record<string, unknown> {
  if (!outcome.ok)
    throw new Error(
      `expected the call to succeed, got status ${outcome.error.code}: ${outcome.error.details}`,
    );
  return outcome.response;
}
