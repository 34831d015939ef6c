/**
 * The generated BFF's base HTTP client (`src/clients/service-client.ts`): JSON calls to one backend
 * through the runtime's fetch (mTLS and trace propagation), upstream failures as `AllFrameError`s, and
 * the two ways a typed client reads many records: one aliased GraphQL request when the backend serves
 * GraphQL, else one REST call per id, concurrently.
 * @module
 */
import { code } from "../generators/typescript/code.ts";

/** Source of `src/clients/service-client.ts`. */
export const SERVICE_CLIENT = code`
  import { AllFrameError, ERROR_CODE_MAPPING, ERROR_CODES, type ErrorCode } from "@allframe/core";

  /** The runtime's fetch: presents this service's certificate under mTLS, propagates the trace. */
  export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

  /** One page of a list answer. */
  export interface Page<T> {
    items: T[];
    limit: number;
    offset: number;
  }

  /** \`?limit=..&offset=..\` from the defined values (empty when none). */
  export function queryString(params: Record<string, string | number | undefined>): string {
    const defined = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
    return defined.length === 0 ? "" : \`?\${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}\`;
  }

  /** The error code for an upstream answer: 5xx and unknown statuses mean the service is unavailable. */
  function codeOfStatus(status: number): ErrorCode {
    if (status >= 500) return "unavailable";
    return ERROR_CODES.find((c) => ERROR_CODE_MAPPING[c].http === status) ?? "unavailable";
  }

  function codeOfGraphql(extensionCode: unknown): ErrorCode {
    return ERROR_CODES.find((c) => ERROR_CODE_MAPPING[c].graphql === extensionCode) ?? "unavailable";
  }

  /** GraphQL answers \`null\` for an absent optional field, REST leaves it out: both read the same. */
  function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === null ? [] : [[k, withoutNulls(v)]])));
  }

  interface GraphqlAnswer<T> {
    data?: Record<string, T | null> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: unknown } }>;
  }

  /**
   * An HTTP client for one backend service of this architecture. Every failure is an \`AllFrameError\`:
   * \`unavailable\` when the service cannot be reached, times out or answers 5xx; otherwise the code of
   * its 4xx status (\`not-found\` for 404, \`validation\` for 400, ...), with the service's own message.
   */
  export class ServiceClient {
    readonly name: string;
    readonly baseUrl: string;
    readonly #fetch: Fetch;
    readonly #timeoutMs: number;

    /**
     * \`baseUrl\`: e.g. \`http://127.0.0.1:8080\`; \`timeoutMs\`: per call; \`fetchImpl\`: the runtime's
     * fetch (default the global one, without mTLS).
     */
    constructor(name: string, baseUrl: string, timeoutMs: number, fetchImpl: Fetch = fetch) {
      this.name = name;
      this.baseUrl = baseUrl.replace(/\\/+$/, "");
      this.#fetch = fetchImpl;
      this.#timeoutMs = timeoutMs;
    }

    /** Sends \`body\` as JSON and answers the parsed JSON reply. */
    protected async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await this.#fetch(this.baseUrl + path, {
          method,
          signal: AbortSignal.timeout(this.#timeoutMs),
          ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new AllFrameError("unavailable", \`\${this.name} is unreachable at \${this.baseUrl}\`, { cause: error });
      }
      if (!response.ok) {
        const reply = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
        const detail = reply?.error?.message ?? response.statusText;
        throw new AllFrameError(codeOfStatus(response.status), \`\${this.name} answered \${response.status} to \${method} \${path}: \${detail}\`);
      }
      return (await response.json()) as T;
    }

    /** GET a JSON resource (any path of the service). */
    get<T>(path: string): Promise<T> {
      return this.request("GET", path);
    }

    /** The service's \`/health\`: its status and version. */
    health(): Promise<{ status: string; version: string }> {
      return this.get("/health");
    }

    /**
     * Many records in ONE request: aliased root fields \`k0: <field>(id: $k0) { <selection> }\` in one
     * GraphQL operation. Answers in the order of \`ids\`, with an \`AllFrameError\` in place of each record
     * that failed (the DataLoader batch contract); null fields are left out, as over REST.
     */
    protected async graphqlBatch<T>(field: string, selection: string, ids: readonly string[]): Promise<Array<T | Error>> {
      const variables = Object.fromEntries(ids.map((id, i) => [\`k\${i}\`, id]));
      const params = ids.map((_id, i) => \`$k\${i}: String!\`).join(", ");
      const fields = ids.map((_id, i) => \`k\${i}: \${field}(id: $k\${i}) { \${selection} }\`).join(" ");
      const answer = await this.request<GraphqlAnswer<T>>("POST", "/graphql", { query: \`query Batch(\${params}) { \${fields} }\`, variables });
      return ids.map((id, i) => {
        const value = answer.data?.[\`k\${i}\`];
        if (value !== undefined && value !== null) return withoutNulls(value) as T;
        const error = answer.errors?.find((e) => e.path?.[0] === \`k\${i}\`) ?? answer.errors?.[0];
        return new AllFrameError(codeOfGraphql(error?.extensions?.code), \`\${this.name}: \${field} \${id}: \${error?.message ?? "no answer"}\`);
      });
    }

    /** Many records by one call per id, concurrently; same answer shape as {@link graphqlBatch}. */
    protected eachById<T>(ids: readonly string[], get: (id: string) => Promise<T>): Promise<Array<T | Error>> {
      return Promise.all(ids.map((id) => get(id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
    }
  }
`;
