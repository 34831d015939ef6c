/**
 * Secrets from AWS Secrets Manager (`GetSecretValue`, AWS SDK v3). Credentials and region come from
 * the SDK's default chain (env, profile, container/instance role).
 * @module
 */
import type { GetSecretValueCommand, GetSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Sensitive } from "../sensitive/sensitive.ts";
import {
  parseSecretName,
  type SecretsProvider,
  secretNotFound,
  selectSecretValue,
} from "./secrets-provider.ts";

/** The slice of `SecretsManagerClient` used here, so tests can hand in a client with a fake transport. */
export interface SecretsManagerClientLike {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** Options for {@link AwsSecretsManagerSecrets}. */
export interface AwsSecretsManagerSecretsOptions {
  /** AWS region, e.g. `eu-west-1` (env `AWS_REGION`). */
  region: string;
  /** Default: a `SecretsManagerClient` for `region`, created on first use. */
  client?: SecretsManagerClientLike;
}

// Errors that a person must fix (permissions, keys, secret state) rather than wait out.
const CONFIGURATION_ERRORS = new Set([
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "CredentialsProviderError",
  "DecryptionFailure",
  "InvalidRequestException",
  "InvalidParameterException",
]);

/**
 * Reads `name` as a secret id (name or ARN) and `name#field` as one field of a JSON secret.
 * `SecretBinary` secrets are read as UTF-8.
 * @throws from `get`: AllFrameError `configuration` for a missing secret (ResourceNotFoundException),
 *   denied access, bad credentials or a secret scheduled for deletion; `unavailable` otherwise.
 */
export class AwsSecretsManagerSecrets implements SecretsProvider {
  readonly kind = "aws-secrets-manager";
  readonly #region: string;
  #client: SecretsManagerClientLike | undefined;

  constructor(opts: AwsSecretsManagerSecretsOptions) {
    this.#region = opts.region;
    this.#client = opts.client;
  }

  async get(name: string): Promise<Sensitive<string>> {
    const ref = parseSecretName(name, this.kind);
    const sdk = await import("@aws-sdk/client-secrets-manager");
    this.#client ??= new sdk.SecretsManagerClient({ region: this.#region });
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.#client.send(new sdk.GetSecretValueCommand({ SecretId: ref.id }));
    } catch (error) {
      throw this.#failure(name, error);
    }
    const text = output.SecretString ?? new TextDecoder().decode(output.SecretBinary ?? new Uint8Array());
    return selectSecretValue(name, this.kind, ref, text);
  }

  #failure(name: string, error: unknown): AllFrameError {
    const type = error instanceof Error ? error.name : "Error";
    const why = error instanceof Error ? error.message : String(error);
    if (type === "ResourceNotFoundException") {
      return secretNotFound(
        name,
        this.kind,
        `create it in ${this.#region} (aws secretsmanager create-secret --name ...)`,
      );
    }
    const details = { secret: name, provider: this.kind, awsError: type };
    if (CONFIGURATION_ERRORS.has(type)) {
      return new AllFrameError(
        "configuration",
        `cannot read secret "${name}" from ${this.kind} (${this.#region}): ${type}: ${why}; check the credentials and secretsmanager:GetSecretValue permission`,
        { cause: error, details },
      );
    }
    return new AllFrameError(
      "unavailable",
      `${this.kind} (${this.#region}) failed reading secret "${name}": ${type}: ${why}`,
      {
        cause: error,
        details,
      },
    );
  }
}
