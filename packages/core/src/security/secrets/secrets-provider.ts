/**
 * The secrets port: services ask for a secret by name and get a `Sensitive<string>`, whichever store
 * holds it (`[security].secrets_manager`: env, AWS Secrets Manager, GCP Secret Manager, Vault).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { Sensitive } from "../sensitive/sensitive.ts";

/** Reads secrets by name. */
export interface SecretsProvider {
  /** Which store, for messages: `env`, `aws-secrets-manager`, `gcp-secret-manager`, `vault`. */
  readonly kind: string;
  /**
   * The secret called `name`. `name#field` picks one field of a secret that holds a JSON object
   * (AWS, GCP, env) or a key/value map (Vault), e.g. `orders/db#password`.
   * @throws AllFrameError `configuration` naming the secret and the store when it does not exist, the
   *   field is absent, or access is denied; `unavailable` when the store cannot be reached.
   */
  get(name: string): Promise<Sensitive<string>>;
}

/** A secret name split at `#`: the store's id and the optional field. */
export interface SecretRef {
  id: string;
  field: string | undefined;
}

/**
 * Splits `name` into its id and `#field`.
 * @throws AllFrameError `configuration` for an empty id or field.
 */
export function parseSecretName(name: string, kind: string): SecretRef {
  const hash = name.indexOf("#");
  const id = hash === -1 ? name : name.slice(0, hash);
  const field = hash === -1 ? undefined : name.slice(hash + 1);
  if (id.trim() === "" || field === "") {
    throw new AllFrameError(
      "configuration",
      `secret name "${name}" (${kind}) is empty; use "name" or "name#field"`,
    );
  }
  return { id, field };
}

/** The error for a secret that is not there; `hint` says what to create or set. */
export function secretNotFound(name: string, kind: string, hint: string): AllFrameError {
  return new AllFrameError("configuration", `secret "${name}" not found in ${kind}; ${hint}`, {
    details: { secret: name, provider: kind },
  });
}

/**
 * Picks `ref.field` out of a secret: `fields` when the store returns a map (Vault), else the JSON
 * object in `text`. Without a field the text is the value, or a map's only field.
 * @throws AllFrameError `configuration` naming the secret when the field is missing, the text is not a
 *   JSON object, or a map has several fields and none was named (field names are listed, values never).
 */
export function selectSecretValue(
  name: string,
  kind: string,
  ref: SecretRef,
  stored: string | Readonly<Record<string, unknown>>,
): Sensitive<string> {
  if (typeof stored === "string" && ref.field === undefined) return new Sensitive(stored);
  const fields = typeof stored === "string" ? parseObject(stored) : stored;
  if (fields === undefined) {
    throw new AllFrameError(
      "configuration",
      `secret "${name}" in ${kind} is not a JSON object, so #${ref.field} cannot be read`,
      {
        details: { secret: name, provider: kind },
      },
    );
  }
  const names = Object.keys(fields);
  const field = ref.field ?? (names.length === 1 ? names[0] : undefined);
  const value = field === undefined ? undefined : fields[field];
  if (typeof value === "string") return new Sensitive(value);
  const why = field === undefined ? "holds several fields; name one" : `has no string field "${field}"`;
  throw new AllFrameError(
    "configuration",
    `secret "${name}" in ${kind} ${why}; its fields are ${names.join(", ") || "(none)"}, read one as "${ref.id}#<field>"`,
    { details: { secret: name, provider: kind } },
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
