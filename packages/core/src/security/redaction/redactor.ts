/**
 * Redacts secrets and personal data from structured values before they are logged or returned: the
 * engine behind `createLogger`'s redaction, {@link redactError} and the PII auditor.
 *
 * Why a walk and not pino's `redact` paths: pino paths are exact-case and fixed-depth (`*.password`
 * matches one level only, `**` does not exist), so `{ db: { config: { Password } } }`, `dbPassword` or
 * `X-Api-Key` would slip through. The walk is bounded (depth, node budget, cycles) and copy-on-write:
 * a record with nothing to hide is returned as the same object, with no allocation.
 * @module
 */
import pino from "pino";
import { REDACTED } from "../sensitive/sensitive.ts";
import { createKeyMatcher, DEFAULT_SECRET_KEYS } from "./key-matcher.ts";
import { createTextRedactor } from "./redact-secrets.ts";

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** Field names whose values are secrets; default {@link DEFAULT_SECRET_KEYS}. */
  secretKeys?: readonly string[];
  /** Field names holding personal data, e.g. `[compliance].pii_fields`; default none. */
  piiFields?: readonly string[];
}

/** A configured redactor. */
export interface Redactor {
  /**
   * `value` with secret and PII fields replaced by `"[REDACTED]"` at any depth, secrets in strings
   * masked (see `redactSecrets`), `Error`s serialized (`type`, `message`, `stack`, own fields) and
   * redacted, and `URL`s turned into obfuscated strings. Objects with a `toJSON` (Date, Buffer,
   * `Sensitive`) are left to it. Beyond depth 10 or 5,000 visited nodes a value becomes `"[Truncated]"`;
   * a cycle becomes `"[Circular]"`. Returns `value` itself when nothing changed.
   * @param found receives the configured PII field names (as written) whose values were hidden.
   */
  redact(value: unknown, found?: Set<string>): unknown;
  /** Free text with secrets masked as `***` (uses this redactor's secret keys). */
  redactText(text: string): string;
  /**
   * A copy of `error` safe to log or send: same prototype (so `instanceof` and AllFrame's guards still
   * work), `message`, `stack` and own fields redacted as in {@link Redactor.redact}, `cause` redacted
   * the same way. A non-Error becomes an `Error` whose message is its redacted string form.
   */
  redactError(error: unknown): Error;
}

const MAX_DEPTH = 10;
const MAX_NODES = 5_000;
const TRUNCATED = "[Truncated]";
const CIRCULAR = "[Circular]";

interface Walk {
  found: Set<string> | undefined;
  nodes: number;
  ancestors: Set<object>;
}

/**
 * Builds a {@link Redactor}. Build it once (e.g. per logger): key decisions are memoised per redactor.
 * @example
 * const redactor = createRedactor({ piiFields: ["email", "phone"] });
 * redactor.redact({ user: { customerEmail: "a@b.c", password: "x" } });
 * // { user: { customerEmail: "[REDACTED]", password: "[REDACTED]" } }
 */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const isSecret = createKeyMatcher(opts.secretKeys ?? DEFAULT_SECRET_KEYS);
  const isPii = createKeyMatcher(opts.piiFields ?? []);
  const redactText = createTextRedactor(opts.secretKeys ?? DEFAULT_SECRET_KEYS);

  function entry(key: string, value: unknown, depth: number, walk: Walk): unknown {
    if (value === undefined) return value;
    if (isSecret(key) !== undefined) return REDACTED;
    const pii = isPii(key);
    if (pii === undefined) return visit(value, depth + 1, walk);
    walk.found?.add(pii);
    return REDACTED;
  }

  function visit(value: unknown, depth: number, walk: Walk): unknown {
    if (typeof value === "string") return redactText(value);
    if (typeof value !== "object" || value === null) return value;
    if (value instanceof Error) return visit(pino.stdSerializers.err(value), depth, walk);
    if (value instanceof URL) return redactText(value.href);
    if (typeof (value as { toJSON?: unknown }).toJSON === "function" || ArrayBuffer.isView(value))
      return value;
    if (depth >= MAX_DEPTH || ++walk.nodes > MAX_NODES) return TRUNCATED;
    if (walk.ancestors.has(value)) return CIRCULAR;
    walk.ancestors.add(value);
    try {
      return Array.isArray(value) ? visitArray(value, depth, walk) : visitObject(value, depth, walk);
    } finally {
      walk.ancestors.delete(value);
    }
  }

  function visitArray(items: unknown[], depth: number, walk: Walk): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const next = visit(items[i], depth + 1, walk);
      if (next !== items[i]) {
        copy ??= items.slice();
        copy[i] = next;
      }
    }
    return copy ?? items;
  }

  function visitObject(object: object, depth: number, walk: Walk): object {
    const record = object as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const next = entry(key, record[key], depth, walk);
      if (next !== record[key]) {
        copy ??= { ...record };
        copy[key] = next;
      }
    }
    return copy ?? object;
  }

  function newWalk(found?: Set<string>): Walk {
    return { found, nodes: 0, ancestors: new Set() };
  }

  function redactError(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(redactText(String(error)));
    const copy = Object.create(Object.getPrototypeOf(error)) as Error;
    const walk = newWalk();
    for (const key of Reflect.ownKeys(error)) {
      const enumerable = Object.getOwnPropertyDescriptor(error, key)?.enumerable ?? false;
      // V8 keeps `stack` as an own accessor bound to the original error: read it, store the redacted text.
      const value: unknown = Reflect.get(error, key);
      const redacted =
        typeof key !== "string"
          ? value
          : key === "cause" && value instanceof Error
            ? redactError(value)
            : entry(key, value, 0, walk);
      Object.defineProperty(copy, key, { value: redacted, enumerable, writable: true, configurable: true });
    }
    return copy;
  }

  return { redact: (value, found) => visit(value, 0, newWalk(found)), redactText, redactError };
}

const defaultRedactor = createRedactor();

/**
 * {@link Redactor.redactError} with the default secret keys: use it before an error goes into a
 * response body or a log line that AllFrame's logger does not write.
 *
 * @example
 * catch (e) { throw redactError(e); } // "connect to postgres://app:***@db failed"
 */
export function redactError(error: unknown): Error {
  return defaultRedactor.redactError(error);
}
