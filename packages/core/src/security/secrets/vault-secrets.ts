/**
 * Secrets from HashiCorp Vault's KV version 2 engine over its HTTP API
 * (`GET /v1/<mount>/data/<path>` → `{ data: { data: {...}, metadata: {...} } }`).
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

/** Options for {@link VaultSecrets} (from `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE`, `VAULT_KV_MOUNT`). */
export interface VaultSecretsOptions {
  /** Vault's address, e.g. `https://vault.internal:8200`. */
  address: string;
  /** A token allowed to `read` the paths used. */
  token: Sensitive<string>;
  /** Vault Enterprise / HCP namespace, sent as `X-Vault-Namespace`. */
  namespace?: string;
  /** Mount point of the KV v2 engine; default `secret`. */
  mount?: string;
  /** Default: global `fetch`. Pass an mTLS fetch (see `createMtlsFetch`) when Vault requires client certificates. */
  fetch?: typeof fetch;
}

/**
 * Reads `name` as the KV v2 path (`orders/db`) and `name#field` as one field of it. Without a field the
 * secret must have exactly one field.
 * @throws from `get`: AllFrameError `configuration` for a missing path (404) or a token without read
 *   access (403); `unavailable` when Vault cannot be reached or answers another error.
 */
export class VaultSecrets implements SecretsProvider {
  readonly kind = "vault";
  readonly #opts: VaultSecretsOptions;
  readonly #fetch: typeof fetch;

  constructor(opts: VaultSecretsOptions) {
    this.#opts = opts;
    this.#fetch = opts.fetch ?? fetch;
  }

  async get(name: string): Promise<Sensitive<string>> {
    const ref = parseSecretName(name, this.kind);
    const mount = this.#opts.mount ?? "secret";
    const path = ref.id.split("/").map(encodeURIComponent).join("/");
    const url = `${this.#opts.address.replace(/\/+$/, "")}/v1/${mount}/data/${path}`;
    const headers: Record<string, string> = { "X-Vault-Token": this.#opts.token.expose() };
    if (this.#opts.namespace !== undefined) headers["X-Vault-Namespace"] = this.#opts.namespace;
    let response: Response;
    try {
      response = await this.#fetch(url, { headers });
    } catch (error) {
      throw new AllFrameError(
        "unavailable",
        `vault at ${this.#opts.address} is unreachable reading "${name}"`,
        {
          cause: error,
        },
      );
    }
    if (response.status === 404) {
      throw secretNotFound(
        name,
        this.kind,
        `write it with: vault kv put -mount=${mount} ${ref.id} <field>=<value>`,
      );
    }
    if (response.status === 403) {
      throw new AllFrameError(
        "configuration",
        `vault denied reading secret "${name}" (${mount}/data/${ref.id}); give VAULT_TOKEN a policy with read on that path`,
        { details: { secret: name, provider: this.kind } },
      );
    }
    if (!response.ok) {
      throw new AllFrameError("unavailable", `vault answered ${response.status} reading secret "${name}"`, {
        details: { secret: name, provider: this.kind },
      });
    }
    const body = (await response.json()) as { data?: { data?: Record<string, unknown> | null } };
    const fields = body.data?.data;
    // A deleted (soft) version answers 200 with data null in some Vault versions.
    if (fields === undefined || fields === null)
      throw secretNotFound(name, this.kind, "its latest version is deleted");
    return selectSecretValue(name, this.kind, ref, fields);
  }
}
