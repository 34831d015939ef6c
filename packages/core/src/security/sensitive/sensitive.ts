/**
 * `Sensitive<T>`: a value that can be passed around and logged without leaking. Seed 001,
 * "Resilience & Security v0.1.7" (`Sensitive<T>` wrapper); DESIGN.md maps it to a wrapper redacted by
 * `toJSON`, `util.inspect` and the logger.
 * @module
 */
import { z } from "zod";

/** What every rendering of a {@link Sensitive} value prints. */
export const REDACTED = "[REDACTED]";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const MARKER = Symbol.for("allframe.sensitive");

/**
 * Wraps a secret (password, token, key material, personal data). The value sits in a private field:
 * `JSON.stringify`, `util.inspect`/`console.log`, `String()`, template literals and AllFrame's logger
 * all render `"[REDACTED]"`, `structuredClone` copies nothing, and `Object.keys` lists nothing.
 * Only {@link Sensitive.expose} returns it, so every place a secret is used shows up in a search.
 *
 * @example
 * const password = sensitive(process.env.DB_PASSWORD ?? "");
 * logger.info({ password }, "connecting"); // {"password":"[REDACTED]",...}
 * await pool.connect({ password: password.expose() });
 */
export class Sensitive<T> {
  readonly #value: T;

  // On the prototype, so a spread or clone of the wrapper is not mistaken for one.
  get [MARKER](): true {
    return true;
  }

  constructor(value: T) {
    this.#value = value;
  }

  /** The wrapped value. Call it only where the secret is handed to what needs it. */
  expose(): T {
    return this.#value;
  }

  /** A new Sensitive holding `fn(value)`, so a secret can be transformed without exposing it. */
  map<U>(fn: (value: T) => U): Sensitive<U> {
    return new Sensitive(fn(this.#value));
  }

  /** `JSON.stringify` renders `"[REDACTED]"`. */
  toJSON(): string {
    return REDACTED;
  }

  /** `String(x)` and `${x}` render `"[REDACTED]"`. */
  toString(): string {
    return REDACTED;
  }

  /** Any coercion (`+`, `==`, `${}`) renders `"[REDACTED]"`. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** `util.inspect` and `console.log` render `[REDACTED]`. */
  [INSPECT](): string {
    return REDACTED;
  }
}

/**
 * True for a {@link Sensitive}, even one made by another copy of this package (checks a marker, not
 * the class).
 */
export function isSensitive(value: unknown): value is Sensitive<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}

/**
 * Wraps `value` in a {@link Sensitive}.
 * @example const apiKey = sensitive("sk_live_...");
 */
export function sensitive<T>(value: T): Sensitive<T> {
  return new Sensitive(value);
}

/**
 * A zod schema that validates with `inner` (default `z.string()`) and yields a `Sensitive` of the
 * result, for config and request fields that hold secrets. zod v4 leaves the input out of its issues,
 * so a failed parse does not echo the secret either.
 *
 * @example
 * const Config = z.object({ DB_PASSWORD: zSensitive(z.string().min(12)) });
 * const config = Config.parse(process.env); // config.DB_PASSWORD: Sensitive<string>
 */
export function zSensitive<S extends z.ZodType = z.ZodString>(inner?: S) {
  return (inner ?? z.string()).transform((value) => new Sensitive(value as z.output<S>));
}
