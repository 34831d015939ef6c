/**
 * Secrets from environment variables: the embedded default for `npm run dev` and for platforms that
 * inject secrets as variables (Kubernetes `secretKeyRef`, Fly secrets, Cloud Run `--set-secrets`).
 * @module
 */
import type { Sensitive } from "../sensitive/sensitive.ts";
import {
  parseSecretName,
  type SecretsProvider,
  secretNotFound,
  selectSecretValue,
} from "./secrets-provider.ts";

/** The variable a secret name reads: upper-cased, other characters as `_` (`db-password` → `DB_PASSWORD`). */
export function secretEnvName(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * Reads secret `name` from the variable {@link secretEnvName}(name); `name#field` reads a field of a
 * JSON object held in the variable. An empty variable counts as missing.
 */
export class EnvSecrets implements SecretsProvider {
  readonly kind = "env";
  readonly #env: Record<string, string | undefined>;

  /** @param env variables to read; default `process.env`. */
  constructor(env: Record<string, string | undefined> = process.env) {
    this.#env = env;
  }

  async get(name: string): Promise<Sensitive<string>> {
    const ref = parseSecretName(name, this.kind);
    const variable = secretEnvName(ref.id);
    const value = this.#env[variable];
    if (value === undefined || value === "") throw secretNotFound(name, this.kind, `set ${variable}`);
    return selectSecretValue(name, this.kind, ref, value);
  }
}
