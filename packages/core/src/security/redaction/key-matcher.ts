/**
 * Decides whether a field name (`password`, `dbPassword`, `X-Api-Key`, `customer_email`) names a
 * secret or a configured PII field, however it is cased or separated.
 * @module
 */

/**
 * Field names treated as secrets by default (matched as described in {@link createKeyMatcher}):
 * credentials, tokens, keys, cookies and signatures. Pass your own list to `createLogger({ secretKeys })`
 * to replace it.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  "password",
  "pass",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "authorization",
  "cookie",
  "api key",
  "apikey",
  "private key",
  "credentials",
  "signature",
  "jwt",
];

/** Splits `dbPassword`, `X-API-Key`, `customer_email`, `user.address` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
}

interface Term {
  name: string;
  words: string[];
  joined: string;
}

function containsRun(words: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= words.length; i++) {
    if (run.every((word, j) => words[i + j] === word)) return true;
  }
  return false;
}

// Field names repeat from one log line to the next, so answers are memoised; the bound keeps a
// stream of generated keys (ids used as keys) from growing the memo without limit.
const MEMO_LIMIT = 10_000;

/**
 * Builds a matcher for `terms`. A key matches a term when the term's words appear in a row among the
 * key's words (camelCase, snake_case, kebab-case and dotted keys are split: `customerEmail` and
 * `email_address` match `email`; `className` does not match `ssn`), or when the key without separators
 * ends with the term without separators (`dbpassword` matches `password`).
 *
 * @param terms field names as written in config, e.g. `[compliance].pii_fields`.
 * @returns `(key) => term` giving the first matching term as written, or `undefined`.
 */
export function createKeyMatcher(terms: readonly string[]): (key: string) => string | undefined {
  const parsed: Term[] = terms
    .map((name) => ({ name, words: keyWords(name) }))
    .filter((term) => term.words.length > 0)
    .map((term) => ({ ...term, joined: term.words.join("") }));
  const memo = new Map<string, string | null>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined) return known ?? undefined;
    const words = keyWords(key);
    const joined = words.join("");
    const term = parsed.find((t) => containsRun(words, t.words) || joined.endsWith(t.joined));
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, term?.name ?? null);
    return term?.name;
  };
}
