/**
 * What every registry shares: the subject rule, the BACKWARD check before registering, and
 * validation with cached versions. Implementations supply storage only.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { checkBackwardCompatible } from "./backward-compatibility.ts";
import { canonicalJson, isJSONSchema, type JSONSchema } from "./json-schema.ts";
import type { RegisteredSchema, SchemaRegistry } from "./schema-registry.ts";
import { SchemaValidator } from "./schema-validator.ts";

/** Letters, digits, `.`, `_`, `-`; starts with a letter or digit (safe as a file name and URL segment). */
export const SUBJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** `BACKWARD` (default) checks each new version against the latest; `NONE` accepts anything. */
export type CompatibilityLevel = "BACKWARD" | "NONE";

/**
 * @throws AllFrameError `validation` when `subject` does not match {@link SUBJECT_PATTERN}.
 */
export function assertSubject(subject: string): void {
  if (typeof subject !== "string" || !SUBJECT_PATTERN.test(subject)) {
    throw new AllFrameError(
      "validation",
      `schema subject ${JSON.stringify(subject)} is not valid; use an event type such as "OrderPlaced" or "order.placed"`,
    );
  }
}

/** The shared half of a {@link SchemaRegistry}; subclasses store and fetch versions. */
export abstract class BaseSchemaRegistry implements SchemaRegistry {
  abstract readonly kind: string;
  readonly #validator = new SchemaValidator();
  readonly #versions = new Map<string, RegisteredSchema>();
  readonly #compatibility: CompatibilityLevel;
  readonly #registering = new Map<string, Promise<void>>();

  constructor(compatibility: CompatibilityLevel = "BACKWARD") {
    this.#compatibility = compatibility;
  }

  /** Stores `schema` as the next version of `subject`; returns its version. */
  protected abstract store(subject: string, schema: JSONSchema): Promise<number>;
  /** Fetches the newest version, or `undefined`. */
  protected abstract fetchLatest(subject: string): Promise<RegisteredSchema | undefined>;
  /** Fetches one version, or `undefined`. */
  protected abstract fetchVersion(subject: string, version: number): Promise<RegisteredSchema | undefined>;

  register(subject: string, schema: JSONSchema): Promise<number> {
    // One registration per subject at a time, so each is checked against the version it follows.
    const previous = this.#registering.get(subject) ?? Promise.resolve();
    const run = previous.then(
      () => this.#register(subject, schema),
      () => this.#register(subject, schema),
    );
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#registering.set(subject, settled);
    void settled.then(() => {
      if (this.#registering.get(subject) === settled) this.#registering.delete(subject);
    });
    return run;
  }

  async #register(subject: string, schema: JSONSchema): Promise<number> {
    assertSubject(subject);
    if (!isJSONSchema(schema))
      throw new AllFrameError("validation", `schema for ${subject} must be an object or a boolean`);
    this.#validator.compile({ subject, version: 0, schema }); // fail before storing an invalid schema
    const current = await this.latest(subject);
    if (current !== undefined && canonicalJson(current.schema) === canonicalJson(schema))
      return current.version;
    if (current !== undefined && this.#compatibility === "BACKWARD") {
      const result = checkBackwardCompatible(current.schema, schema);
      if (!result.compatible) {
        throw new AllFrameError(
          "conflict",
          `schema for ${subject} is not BACKWARD compatible with v${current.version}: ${result.problems.map((p) => `${p.path || "/"}: ${p.message}`).join("; ")}`,
          {
            issues: result.problems.map((p) => ({ path: p.path.split("/").slice(1), message: p.message })),
            details: { subject, latestVersion: current.version, problems: result.problems },
          },
        );
      }
    }
    return this.store(subject, schema);
  }

  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    assertSubject(subject);
    return this.fetchLatest(subject);
  }

  async get(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    assertSubject(subject);
    if (!Number.isInteger(version) || version < 1) return undefined;
    const key = `${subject}\u0000${version}`;
    const cached = this.#versions.get(key);
    if (cached !== undefined) return cached;
    const found = await this.fetchVersion(subject, version);
    if (found !== undefined) this.#versions.set(key, found); // versions never change once registered
    return found;
  }

  async validate(subject: string, payload: unknown, version?: number): Promise<unknown> {
    const entry = version === undefined ? await this.latest(subject) : await this.get(subject, version);
    if (entry === undefined) {
      const which = version === undefined ? "no schema" : `no schema version ${version}`;
      throw new AllFrameError(
        "not-found",
        `event type ${subject} has ${which} in the ${this.kind} schema registry`,
      );
    }
    return this.#validator.validate(entry, payload);
  }
}
