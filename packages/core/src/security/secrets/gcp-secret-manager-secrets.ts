/**
 * Secrets from Google Cloud Secret Manager (`AccessSecretVersion`, `@google-cloud/secret-manager`).
 * Credentials come from Application Default Credentials.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Sensitive } from "../sensitive/sensitive.ts";
import {
  parseSecretName,
  type SecretsProvider,
  secretNotFound,
  selectSecretValue,
} from "./secrets-provider.ts";

/** The slice of `SecretManagerServiceClient` used here, so tests can hand in a client on a fake server. */
export interface SecretManagerClientLike {
  accessSecretVersion(request: {
    name: string;
  }): Promise<[{ payload?: { data?: Uint8Array | string | null } | null }, ...unknown[]]>;
  getProjectId(): Promise<string>;
}

/** Options for {@link GcpSecretManagerSecrets}. */
export interface GcpSecretManagerSecretsOptions {
  /** Project id (env `GOOGLE_CLOUD_PROJECT`); default: the client's own detection (ADC, metadata server). */
  projectId?: string;
  /** Default: a `SecretManagerServiceClient`, created on first use. */
  client?: SecretManagerClientLike;
}

// gRPC status codes (grpc/status.h) that a person must fix rather than wait out.
const NOT_FOUND = 5;
const CONFIGURATION_CODES = new Set([
  3 /* INVALID_ARGUMENT */, 7 /* PERMISSION_DENIED */, 9 /* FAILED_PRECONDITION */, 16 /* UNAUTHENTICATED */,
]);

/**
 * Reads `name` as a secret id in the project (version `latest`), or as a full resource name
 * `projects/<p>/secrets/<id>/versions/<v>`; `name#field` reads one field of a JSON secret.
 * @throws from `get`: AllFrameError `configuration` for a missing secret (NOT_FOUND), denied access, a
 *   disabled or destroyed version; `unavailable` otherwise.
 */
export class GcpSecretManagerSecrets implements SecretsProvider {
  readonly kind = "gcp-secret-manager";
  #projectId: string | undefined;
  #client: SecretManagerClientLike | undefined;

  constructor(opts: GcpSecretManagerSecretsOptions = {}) {
    this.#projectId = opts.projectId;
    this.#client = opts.client;
  }

  async get(name: string): Promise<Sensitive<string>> {
    const ref = parseSecretName(name, this.kind);
    const client = await this.#getClient();
    const resource = ref.id.startsWith("projects/")
      ? ref.id
      : `projects/${await this.#project(client, name)}/secrets/${ref.id}/versions/latest`;
    let payload: Uint8Array | string | null | undefined;
    try {
      const [response] = await client.accessSecretVersion({ name: resource });
      payload = response.payload?.data;
    } catch (error) {
      throw this.#failure(name, error);
    }
    const text =
      typeof payload === "string" ? payload : new TextDecoder().decode(payload ?? new Uint8Array());
    return selectSecretValue(name, this.kind, ref, text);
  }

  async #getClient(): Promise<SecretManagerClientLike> {
    if (this.#client === undefined) {
      const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
      this.#client = new SecretManagerServiceClient() as unknown as SecretManagerClientLike;
    }
    return this.#client;
  }

  async #project(client: SecretManagerClientLike, name: string): Promise<string> {
    try {
      this.#projectId ??= await client.getProjectId();
      return this.#projectId;
    } catch (error) {
      throw new AllFrameError(
        "configuration",
        `cannot tell which GCP project holds secret "${name}"; set GOOGLE_CLOUD_PROJECT`,
        { cause: error, details: { secret: name, provider: this.kind } },
      );
    }
  }

  #failure(name: string, error: unknown): AllFrameError {
    const code = (error as { code?: unknown }).code;
    const why = error instanceof Error ? error.message : String(error);
    if (code === NOT_FOUND) {
      return secretNotFound(name, this.kind, "create it with: gcloud secrets create <id> --data-file=-");
    }
    const details = { secret: name, provider: this.kind, grpcCode: code };
    if (typeof code === "number" && CONFIGURATION_CODES.has(code)) {
      return new AllFrameError(
        "configuration",
        `cannot read secret "${name}" from ${this.kind}: ${why}; check the project, the secret version's state and roles/secretmanager.secretAccessor`,
        { cause: error, details },
      );
    }
    return new AllFrameError("unavailable", `${this.kind} failed reading secret "${name}": ${why}`, {
      cause: error,
      details,
    });
  }
}
