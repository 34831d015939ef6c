/**
 * A {@link SchemaRegistry} client for Apicurio Registry's Core Registry API v3, artifact type JSON.
 *
 * Source: Apicurio Registry 3.x REST API: `POST /groups/{groupId}/artifacts?ifExists=FIND_OR_CREATE_VERSION`
 * (create the artifact or add a version, returning the existing version for identical content),
 * `GET /groups/{groupId}/artifacts/{artifactId}/versions/branch=latest`,
 * `GET .../versions/{version}/content`.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { BaseSchemaRegistry, type CompatibilityLevel } from "./base-schema-registry.ts";
import { parseBody, type RegistryHttpOptions, registryError, requestRegistry } from "./http-json.ts";
import type { JSONSchema } from "./json-schema.ts";
import type { RegisteredSchema } from "./schema-registry.ts";

/** Options of {@link ApicurioSchemaRegistry}. */
export interface ApicurioSchemaRegistryOptions extends RegistryHttpOptions {
  /** Server URL, e.g. `http://localhost:8080` (the `/apis/registry/v3` suffix is added when missing). */
  url: string;
  /** Artifact group; default `"default"`. */
  group?: string;
  /** Checked on the client before registering; Apicurio applies its own rules too. Default BACKWARD. */
  compatibility?: CompatibilityLevel;
}

interface VersionMetaData {
  version: string;
}

/**
 * Apicurio Registry over `fetch`: one artifact per event type in `group`; versions must be the
 * numbers Apicurio assigns (1, 2, ...), not custom version strings.
 */
export class ApicurioSchemaRegistry extends BaseSchemaRegistry {
  readonly kind = "apicurio";
  readonly #base: string;
  readonly #http: RegistryHttpOptions;

  constructor(options: ApicurioSchemaRegistryOptions) {
    super(options.compatibility);
    const { url, group = "default", compatibility: _c, ...http } = options;
    const root = url.replace(/\/+$/, "");
    const api = root.endsWith("/apis/registry/v3") ? root : `${root}/apis/registry/v3`;
    this.#base = `${api}/groups/${encodeURIComponent(group)}/artifacts`;
    this.#http = http;
  }

  #send(method: string, url: string, body?: unknown) {
    return requestRegistry(
      this.kind,
      url,
      {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.#http,
    );
  }

  protected async store(subject: string, schema: JSONSchema): Promise<number> {
    const content = { content: JSON.stringify(schema), contentType: "application/json" };
    const body = { artifactId: subject, artifactType: "JSON", firstVersion: { content } };
    const response = await this.#send("POST", `${this.#base}?ifExists=FIND_OR_CREATE_VERSION`, body);
    if (response.status !== 200) throw registryError(this.kind, `register a schema for ${subject}`, response);
    return this.#number(
      subject,
      parseBody<{ version: VersionMetaData }>(this.kind, response).version.version,
    );
  }

  protected async fetchLatest(subject: string): Promise<RegisteredSchema | undefined> {
    const url = `${this.#base}/${encodeURIComponent(subject)}/versions/branch=latest`;
    const response = await this.#send("GET", url);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw registryError(this.kind, `read the latest ${subject}`, response);
    const version = this.#number(subject, parseBody<VersionMetaData>(this.kind, response).version);
    return this.fetchVersion(subject, version);
  }

  protected async fetchVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    const url = `${this.#base}/${encodeURIComponent(subject)}/versions/${version}/content`;
    const response = await this.#send("GET", url);
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw registryError(this.kind, `read ${subject} version ${version}`, response);
    return { subject, version, schema: parseBody<JSONSchema>(this.kind, response) };
  }

  #number(subject: string, version: string): number {
    const n = Number(version);
    if (!Number.isInteger(n) || n < 1) {
      throw new AllFrameError(
        "unsupported",
        `${subject} has version "${version}" in Apicurio; AllFrame needs numbered versions (1, 2, ...)`,
      );
    }
    return n;
  }
}
