/**
 * Hides credentials inside free text and URLs: connection strings in error messages, `Bearer` tokens,
 * JWTs, AWS access key ids, PEM private keys and `password=...`-style pairs. Seed 001, "Resilience &
 * Security v0.1.7" (URL obfuscation).
 * @module
 */
import { createKeyMatcher, DEFAULT_SECRET_KEYS, keyWords } from "./key-matcher.ts";

/** What replaces a secret inside text (objects' fields get `"[REDACTED]"` instead). */
export const MASK = "***";

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
// scheme://user:password@ — the password runs to the last "@" before the path, since unencoded "@"
// in passwords is common in hand-written connection strings.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#]*@/gi;
// Credentials are at least 8 characters, so "Basic auth" in prose is left alone.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi;
const JWT = /\beyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g;
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;
// name=value, name: value, "name":"value", ?name=value&... — the name decides (via the key matcher).
// A name right after "/" or "\" is a file ("/app/token-store.ts:12:5" in a stack), not a key.
const KEY_VALUE =
  /(?<![\w.\-/\\])(["']?)([A-Za-z_][\w.-]*)\1(\s*[:=]\s*)(?!\/\/)("[^"]*"|'[^']*'|[^\s"'&,;#?]+)/g;

// Every rule below needs whitespace, ":", "=" or "." (or, for an AWS key id, 20 characters), so most
// short log values (ids, verbs, paths) are cleared by this one cheap test.
const CANNOT_HOLD_SECRET = /^[^\s:=.]{0,19}$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds a text redactor whose `name=value` rule uses `secretKeys`. Text without any hint of a secret
 * (no `://`, `Bearer`/`Basic`, `eyJ`, `AKIA`/`ASIA`, `PRIVATE KEY` or secret key name) is returned as is
 * after one regular-expression scan, which keeps the logger's hot path cheap.
 *
 * @param secretKeys names whose values are hidden in `name=value` pairs; default {@link DEFAULT_SECRET_KEYS}.
 * @returns `(text) => text` with each secret replaced by `***`.
 */
export function createTextRedactor(
  secretKeys: readonly string[] = DEFAULT_SECRET_KEYS,
): (text: string) => string {
  const isSecret = createKeyMatcher(secretKeys);
  const names = secretKeys.map((key) => keyWords(key).map(escapeRegExp).join("[\\W_]?")).filter(Boolean);
  const hint = new RegExp(
    ["://", "Bearer", "Basic", "eyJ", "AKIA", "ASIA", "PRIVATE KEY", ...names].join("|"),
    "i",
  );
  const maskPair = (pair: string, quote: string, name: string, separator: string, value: string): string => {
    const key = `${quote}${name}${quote}${separator}`;
    // A non-secret pair may hold one in its value ("failed: password=x"), so look inside it.
    if (isSecret(name) === undefined) return key + value.replace(KEY_VALUE, maskPair);
    if (value === MASK) return pair;
    const wrap = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : "";
    return `${key}${wrap}${MASK}${wrap}`;
  };
  return (text) => {
    if (CANNOT_HOLD_SECRET.test(text) || !hint.test(text)) return text;
    return text
      .replace(PEM_PRIVATE_KEY, "[REDACTED PRIVATE KEY]")
      .replace(URL_PASSWORD, `$1:${MASK}@`)
      .replace(AUTH_SCHEME, `$1$2${MASK}`)
      .replace(JWT, MASK)
      .replace(AWS_ACCESS_KEY_ID, `$1${MASK}`)
      .replace(KEY_VALUE, maskPair);
  };
}

const defaultTextRedactor = createTextRedactor();

/**
 * Hides secrets in free text with the default secret key names: passwords in URLs
 * (`postgres://app:s3cret@db` → `postgres://app:***@db`), secret query parameters and `name=value`
 * pairs (`?token=abc` → `?token=***`, `"password":"x"` → `"password":"***"`), `Bearer`/`Basic`
 * credentials, JWTs, AWS access key ids and PEM private keys.
 *
 * @example redactSecrets("connect ECONNREFUSED postgres://app:s3cret@db:5432/orders")
 * // "connect ECONNREFUSED postgres://app:***@db:5432/orders"
 */
export function redactSecrets(text: string): string {
  return defaultTextRedactor(text);
}

/**
 * A connection URL with its password and secret query parameters hidden, safe to log or show:
 * `postgres://user:secret@host/db?sslmode=require&api_key=k` → `postgres://user:***@host/db?sslmode=require&api_key=***`.
 * The rest of the URL is kept as written (not re-encoded). Same rules as {@link redactSecrets}.
 */
export function obfuscateUrl(url: string | URL): string {
  return defaultTextRedactor(String(url));
}
