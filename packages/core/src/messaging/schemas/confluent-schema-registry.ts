/**
 * A {@link SchemaRegistry} client for Confluent Schema Registry's REST API, schema type JSON.
 *
 * Source: Confluent Schema Registry API reference: `POST /subjects/{subject}/versions`,
 * `POST /subjects/{subject}` (look up a schema's version), `GET /subjects/{subject}/versions/{version|latest}`;
 * content type `application/vnd.schemaregistry.v1+json`; error codes 40401 (subject not found),
 * 40402 (version not found), 409 (incompatible), 42201 (invalid schema).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { BaseSchemaRegistry, type CompatibilityLevel } from "./base-schema-registry.ts";
import { parseBody, type RegistryHttpOptions, registryError, requestRegistry } from "./http-json.ts";
import type { JSONSchema } from "./json-schema.ts";
import type { RegisteredSchema } from "./schema-registry.ts";

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

/** Options of {@link ConfluentSchemaRegistry}. */
export interface ConfluentSchemaRegistryOptions extends RegistryHttpOptions {
  /** Base URL, e.g. `http://localhost:8081` (env `SCHEMA_REGISTRY_URL`). */
  url: string;
  /** Checked on the client before registering; the server applies its own level too. Default BACKWARD. */
  compatibility?: CompatibilityLevel;
}

interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  schema: string;
}

/**
 * Confluent Schema Registry over `fetch`. Subjects are event types (TopicNameStrategy does not
 * apply: AllFrame routes by event type).
 * @example
 * const registry = new ConfluentSchemaRegistry({ url: "http://localhost:8081" });
 * const version = await registry.register("OrderPlaced", schema);
 */
export class ConfluentSchemaRegistry extends BaseSchemaRegistry {
  readonly kind = "confluent";
  readonly #url: string;
  readonly #http: RegistryHttpOptions;

  constructor(options: ConfluentSchemaRegistryOptions) {
    super(options.compatibility);
    const { url, compatibility: _c, ...http } = options;
    this.#url = url.replace(/\/+$/, "");
    this.#http = http;
  }

  #subjectUrl(subject: string): string {
    return `${this.#url}/subjects/${encodeURIComponent(subject)}`;
  }

  async #send(method: string, url: string, body?: unknown) {
    return requestRegistry(
      this.kind,
      url,
      {
        method,
        headers: { accept: CONTENT_TYPE, ...(body === undefined ? {} : { "content-type": CONTENT_TYPE }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.#http,
    );
  }

  protected async store(subject: string, schema: JSONSchema): Promise<number> {
    const body = { schemaType: "JSON", schema: JSON.stringify(schema) };
    const created = await this.#send("POST", `${this.#subjectUrl(subject)}/versions`, body);
    if (created.status !== 200) throw registryError(this.kind, `register a schema for ${subject}`, created);
    // The register answer carries only the global id; the lookup gives the subject's version.
    const found = await this.#send("POST", this.#subjectUrl(subject), body);
    if (found.status !== 200)
      throw registryError(this.kind, `look up the schema just registered for ${subject}`, found);
    return parseBody<SubjectVersion>(this.kind, found).version;
  }

  protected fetchLatest(subject: string): Promise<RegisteredSchema | undefined> {
    return this.#fetch(subject, "latest");
  }

  protected fetchVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    return this.#fetch(subject, String(version));
  }

  async #fetch(subject: string, version: string): Promise<RegisteredSchema | undefined> {
    const response = await this.#send("GET", `${this.#subjectUrl(subject)}/versions/${version}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw registryError(this.kind, `read ${subject} version ${version}`, response);
    const body = parseBody<SubjectVersion>(this.kind, response);
    if (body.schemaType !== undefined && body.schemaType !== "JSON") {
      throw new AllFrameError(
        "unsupported",
        `${subject} v${body.version} is a ${body.schemaType} schema; AllFrame reads JSON Schema only`,
      );
    }
    return { subject, version: body.version, schema: JSON.parse(body.schema) as JSONSchema };
  }
}
