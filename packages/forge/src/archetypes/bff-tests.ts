/**
 * The generated BFF's tests: the service tests (overview, degraded fields, per-user rate limit), a
 * test of each typed client against a recording fetch, and the record reader's batching and caching
 * on fake time, for the strategy the architecture names.
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import type { ServiceConfig } from "../config/schema.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { ServiceFiles } from "./archetype.ts";
import type { ClientSpec, ReadableRecord } from "./bff-clients.ts";

/** `[services.bff] caching.strategy`. */
export type CacheStrategy = NonNullable<
  NonNullable<NonNullable<ServiceConfig["bff"]>["caching"]>["strategy"]
>;

/** What the tests are generated from. */
export interface BffTestInput {
  readonly service: ResolvedService;
  readonly specs: readonly ClientSpec[];
  readonly aggregates: readonly string[];
  readonly strategy: CacheStrategy;
  readonly ttlSeconds: number;
}

/** A recording fetch answering JSON from a route function, for the client tests. */
const RECORDING_FETCH = code`
  /** Every call the client made, and a fetch answering \`reply(method, path, body)\` as JSON. */
  function recordingFetch(reply: (method: string, path: string, body: unknown) => { status: number; body: unknown }) {
    const calls: Array<{ method: string; path: string; body: unknown }> = [];
    const fetch: Fetch = async (input, init) => {
      const call = { method: init?.method ?? "GET", path: input.slice(BASE.length), body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) };
      calls.push(call);
      const answer = reply(call.method, call.path, call.body);
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
    };
    return { calls, fetch };
  }
`;

/**
 * The client's other calls, each on its route with its body, answering what upstream answered: a
 * stateless service's create, list, replace and delete per entity; a saga orchestrator's start, list
 * and log. Method names as bff-clients.ts writes them.
 */
function routesTest(spec: ClientSpec): string {
  const client = `new ${spec.className}(${str(spec.service.name)}, BASE, 2000, upstream.fetch)`;
  if (spec.service.type === "saga-orchestrator") {
    return code`
      it("starts a saga, lists them and reads one's log, each on its route", async () => {
        const upstream = recordingFetch((method, path) => ({ status: 200, body: { id: "s 1", items: [\`\${method} \${path}\`] } }));
        const client = ${client};
        assert.equal((await client.startSaga({ orderId: "o-1" })).id, "s 1");
        assert.deepEqual(await client.listSagas(), ["GET /sagas"]);
        assert.deepEqual(await client.sagaLog("s 1"), ["GET /sagas/s%201/log"]);
        assert.deepEqual(upstream.calls.map((c) => c.body), [{ orderId: "o-1" }, undefined, undefined]);
      });
    `;
  }
  const calls = spec.readables.map((r) => {
    const plural = pascalCase(camelCase(pluralKebab(r.type)));
    return code`
      assert.deepEqual(await client.create${r.type}({ name: "n" }), { call: ${str(`POST ${r.collection}`)} });
      assert.deepEqual(await client.list${plural}({ limit: 5, offset: 10 }), { call: ${str(`GET ${r.collection}?limit=5&offset=10`)} });
      assert.deepEqual(await client.replace${r.type}("a b", { name: "m" }), { call: ${str(`PUT ${r.collection}/a%20b`)} });
      assert.deepEqual(await client.delete${r.type}("a b"), { call: ${str(`DELETE ${r.collection}/a%20b`)} });
    `;
  });
  const bodies = spec.readables.map(() => '{ name: "n" }, undefined, { name: "m" }, undefined').join(", ");
  return code`
    it("creates, lists a page of, replaces and deletes each record type on its route", async () => {
      const upstream = recordingFetch((method, path) => ({ status: 200, body: { call: \`\${method} \${path}\` } }));
      const client = ${client};
      ${calls.join("\n")}
      assert.deepEqual(upstream.calls.map((c) => c.body), [${bodies}]);
    });
  `;
}

function clientTest(spec: ClientSpec, r: ReadableRecord): string {
  const graphql = spec.service.protocols.includes("graphql");
  const many = graphql
    ? code`
        it("reads many ${r.type} records in one GraphQL call, an error in place of each missing one", async () => {
          const upstream = recordingFetch((_method, _path, body) => {
            const ids = (body as { variables: Record<string, string> }).variables;
            return {
              status: 200,
              body: {
                data: { k0: { id: ids.k0 }, k1: null },
                errors: [{ message: \`\${ids.k1} does not exist\`, path: ["k1"], extensions: { code: "NOT_FOUND" } }],
              },
            };
          });
          const client = new ${spec.className}(${str(spec.service.name)}, BASE, 2000, upstream.fetch);
          const [found, missing] = await client.${r.getMany}(["a", "b"]);
          assert.deepEqual(found, { id: "a" });
          assert.ok(hasErrorCode(missing, "not-found"));
          assert.equal(upstream.calls.length, 1);
          assert.deepEqual(upstream.calls.map((c) => \`\${c.method} \${c.path}\`), ["POST /graphql"]);
        });
      `
    : code`
        it("reads many ${r.type} records (${spec.service.name} serves no GraphQL: one GET each), an error in place of each missing one", async () => {
          const upstream = recordingFetch((_method, path) => (path.endsWith("/a") ? { status: 200, body: { id: "a" } } : { status: 404, body: { error: { message: "b does not exist" } } }));
          const client = new ${spec.className}(${str(spec.service.name)}, BASE, 2000, upstream.fetch);
          const [found, missing] = await client.${r.getMany}(["a", "b"]);
          assert.deepEqual(found, { id: "a" });
          assert.ok(hasErrorCode(missing, "not-found"));
          assert.deepEqual(upstream.calls.map((c) => c.path).sort(), [${str(`${r.collection}/a`)}, ${str(`${r.collection}/b`)}]);
        });
      `;
  return code`
    import assert from "node:assert/strict";
    import { describe, it } from "node:test";
    import { hasErrorCode } from "@allframe/core";
    import { ${spec.className} } from "./${kebabCase(spec.service.name)}-client.ts";
    import type { Fetch } from "./service-client.ts";

    const BASE = "http://${spec.service.name}.test";

    ${RECORDING_FETCH}
    describe(${str(`${spec.className} (typed client of ${spec.service.name})`)}, () => {
      it("GETs one ${r.type} by id over HTTP, the id URL-encoded", async () => {
        const upstream = recordingFetch(() => ({ status: 200, body: { id: "a b" } }));
        const client = new ${spec.className}(${str(spec.service.name)}, BASE, 2000, upstream.fetch);
        assert.deepEqual(await client.${r.get}("a b"), { id: "a b" });
        assert.deepEqual(upstream.calls, [{ method: "GET", path: ${str(`${r.collection}/a%20b`)}, body: undefined }]);
      });

      ${many.trimEnd()}

      it("turns a 404 into not-found and an unreachable service into unavailable, naming it", async () => {
        const missing = new ${spec.className}(${str(spec.service.name)}, BASE, 2000, recordingFetch(() => ({ status: 404, body: { error: { message: "no such record" } } })).fetch);
        await assert.rejects(missing.${r.get}("x"), (e) => hasErrorCode(e, "not-found") && /no such record/.test(e.message));
        const down = new ${spec.className}(${str(spec.service.name)}, BASE, 2000, () => Promise.reject(new TypeError("fetch failed")));
        await assert.rejects(down.${r.get}("x"), (e) => hasErrorCode(e, "unavailable") && /${spec.service.name} is unreachable/.test(e.message));
      });

      ${routesTest(spec).trimEnd()}
    });
  `;
}

/** The caching test for the configured strategy, on a ManualClock. */
function cacheTest(strategy: CacheStrategy, ttlMs: number): string {
  if (strategy === "none") {
    return code`
      it("caches nothing (strategy none): every request reads upstream", async () => {
        const source = upstream();
        const reader = new RecordReader(source.batchRead, createReadThroughCache({ strategy: "none", ttlMs: TTL_MS }));
        await reader.read("u1", request());
        await reader.read("u1", request());
        assert.equal(source.calls.length, 2);
      });
    `;
  }
  const stale = code`
    clock.advance(1);
    const served = await reader.read("u1", request());
    assert.equal(served.record?.name, "u1#1", "the stale record is served at once");
    await settle();
    assert.equal(source.calls.length, 2, "one background refresh");
    assert.equal((await reader.read("u1", request())).record?.name, "u1#2");
    source.down = true;
    clock.advance(TTL_MS);
    const kept = await reader.read("u1", request());
    assert.equal(kept.record?.name, "u1#2", "a failed refresh keeps the stale record");
    await settle();
    clock.advance(TTL_MS * 10);
    const degraded = await reader.read("u1", request());
    assert.equal(degraded.status, "degraded", "past the hard limit the failure shows");
    assert.match(degraded.reason ?? "", /users is unreachable/);
  `;
  const expired = code`
    clock.advance(1);
    assert.equal((await reader.read("u1", request())).record?.name, "u1#2", "expired: read again");
  `;
  return code`
    it("serves a cached record for ttl_seconds (${ttlMs / 1000} s) without calling upstream${strategy === "stale-while-revalidate" ? ", then stale while one refresh runs" : ""}", async () => {
      const clock = new ManualClock();
      const source = upstream();
      const reader = new RecordReader(source.batchRead, createReadThroughCache({ strategy: ${str(strategy)}, ttlMs: TTL_MS, clock }));
      assert.equal((await reader.read("u1", request())).record?.name, "u1#1");
      clock.advance(TTL_MS - 1);
      assert.equal((await reader.read("u1", request())).record?.name, "u1#1");
      assert.equal(source.calls.length, 1);
      ${strategy === "stale-while-revalidate" ? stale : expired}
    });
  `;
}

function readerTest(strategy: CacheStrategy, ttlSeconds: number): string {
  return code`
    import assert from "node:assert/strict";
    import { describe, it } from "node:test";
    import { AllFrameError, createReadThroughCache, type HandlerContext, ManualClock } from "@allframe/core";
    import { RecordReader } from "./record-reader.ts";

    /** [services.bff] caching.ttl_seconds, in milliseconds. */
    const TTL_MS = ${ttlSeconds * 1000};

    /** A new request's context (each request gets its own DataLoader). */
    const request = (): HandlerContext => ({ protocol: "graphql", headers: {}, signal: new AbortController().signal });

    /** Lets a background refresh settle. */
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    /** An upstream knowing ids that start with "u"; names carry the call number; counts its calls. */
    function upstream() {
      const source = {
        calls: [] as string[][],
        down: false,
        batchRead: async (ids: readonly string[]): Promise<Array<{ id: string; name: string } | Error>> => {
          source.calls.push([...ids]);
          if (source.down) throw new AllFrameError("unavailable", "users is unreachable at http://users.test");
          const call = source.calls.length;
          return ids.map((id) => (id.startsWith("u") ? { id, name: \`\${id}#\${call}\` } : new AllFrameError("not-found", \`\${id} does not exist\`)));
        },
      };
      return source;
    }

    describe("RecordReader", () => {
      it("reads every id one request asks for in the same tick with ONE upstream call (no N+1)", async () => {
        const source = upstream();
        const reader = new RecordReader(source.batchRead, createReadThroughCache({ strategy: "none", ttlMs: TTL_MS }));
        const ctx = request();
        const [one, many] = await Promise.all([reader.read("u1", ctx), reader.readMany(["u2", "u3", "u1", "u2"], ctx)]);
        assert.equal(one.record?.id, "u1");
        assert.deepEqual(many.map((p) => p.record?.id), ["u2", "u3", "u1", "u2"]);
        assert.deepEqual(source.calls, [["u1", "u2", "u3"]]);
        await reader.read("u4", request());
        assert.equal(source.calls.length, 2, "another request, another batch");
      });

      it("answers not-found and degraded parts with their reason instead of failing", async () => {
        const source = upstream();
        const reader = new RecordReader(source.batchRead, createReadThroughCache({ strategy: "none", ttlMs: TTL_MS }));
        const [found, missing] = await reader.readMany(["u1", "x1"], request());
        assert.equal(found?.status, "ok");
        assert.deepEqual(missing, { id: "x1", status: "not-found", reason: "x1 does not exist" });
        source.down = true;
        const down = await reader.read("u1", request());
        assert.equal(down.status, "degraded");
        assert.match(down.reason ?? "", /users is unreachable/);
      });

      ${cacheTest(strategy, ttlSeconds * 1000).trimEnd()}
    });
  `;
}

/** Service tests of the degraded record fields, when the BFF serves GraphQL. */
function degradedFieldTest(input: BffTestInput): string {
  const first = input.specs.find((s) => s.readables.length > 0);
  const r = first?.readables[0];
  if (first === undefined || r === undefined || !input.service.protocols.includes("graphql")) return "";
  return code`
    it("answers ${r.field} degraded, naming ${first.service.name}, when it is unreachable", async () => {
      const { body } = await svc.request<{ data: { ${r.listField}: { items: Array<{ id: string; status: string; reason: string }> } } }>("/graphql", {
        method: "POST",
        body: { query: '{ ${r.listField}(ids: ["a", "b"]) { items { id status reason } } }' },
      });
      assert.deepEqual(body.data.${r.listField}.items.map((p) => [p.id, p.status]), [["a", "degraded"], ["b", "degraded"]]);
      assert.match(body.data.${r.listField}.items[0]?.reason ?? "", /${first.service.name} is unreachable/);
    });
  `;
}

/** The per-user rate limit on fake time: each user's own bucket of the profile's `inbound` policy. */
function perUserTest(service: ResolvedService): string {
  const { rps, burst, per } = service.resilience.rate_limit;
  const others =
    per === "global"
      ? `await assert.rejects(call("patient"), (e) => hasErrorCode(e, "rate-limited"), "per = global: one bucket for everyone");`
      : `assert.equal(await call("patient"), "ok", "per = ${per}: another caller has its own bucket");`;
  return code`
    import assert from "node:assert/strict";
    import { describe, it } from "node:test";
    import { type HandlerContext, hasErrorCode, policyFromArchitecture, ResilienceOrchestrator } from "@allframe/core";
    import { PROFILE } from "../../profile.ts";
    import { perUser, USER_HEADER } from "./per-user.ts";

    const as = (user: string): HandlerContext => ({ protocol: "rest", headers: { [USER_HEADER]: user }, signal: new AbortController().signal });

    describe("perUser", () => {
      it("lets a caller burst ${burst} calls, refuses the next with rate-limited, per ${per}, refilling at ${rps} rps", async () => {
        let nowMs = 0;
        const inbound = PROFILE.resilience?.inbound;
        assert.ok(inbound, "the profile has the inbound policy");
        const limit = perUser(new ResilienceOrchestrator({ policies: { inbound: policyFromArchitecture(inbound) }, now: () => nowMs }));
        const call = (user: string) => limit(as(user), async () => "ok");
        for (let i = 0; i < ${burst}; i += 1) assert.equal(await call("greedy"), "ok");
        await assert.rejects(call("greedy"), (e) => hasErrorCode(e, "rate-limited"));
        ${others}
        nowMs += 1000 / ${rps};
        assert.equal(await call("greedy"), "ok", "a token is back after 1/rps seconds");
      });
    });
  `;
}

/**
 * Writes the client and reader test files and answers the `it(...)` blocks of `src/service.test.ts`.
 */
export function bffTests(input: BffTestInput, files: ServiceFiles): string {
  const { service, aggregates } = input;
  files.write("src/presentation/handlers/per-user.test.ts", perUserTest(service));
  for (const spec of input.specs) {
    const r = spec.readables[0];
    if (r !== undefined)
      files.write(`src/clients/${kebabCase(spec.service.name)}-client.test.ts`, clientTest(spec, r));
  }
  if (input.specs.some((s) => s.readables.length > 0)) {
    files.write("src/aggregators/record-reader.test.ts", readerTest(input.strategy, input.ttlSeconds));
  }
  const names = JSON.stringify([...aggregates].sort());
  const graphql = service.protocols.includes("graphql")
    ? code`
        it("answers the same overview over GraphQL", async () => {
          const { body } = await svc.request<{ data: { overview: { services: Array<{ name: string }> } } }>("/graphql", {
            method: "POST",
            body: { query: "{ overview { services { name status reason } } }" },
          });
          assert.deepEqual(body.data.overview.services.map((s) => s.name), ${names});
        });
      `
    : "";
  return code`
    it("aggregates its services and degrades the unreachable or undefined ones", async () => {
      const { status, body } = await svc.request<{ services: Array<{ name: string; status: string }> }>("/overview");
      assert.equal(status, 200);
      assert.deepEqual(body.services.map((s) => s.name), ${names});
      for (const part of body.services) assert.notEqual(part.status, "up");
    });

    ${graphql.trimEnd()}

    ${degradedFieldTest(input).trimEnd()}

    it("answers 404 for a service it does not aggregate", async () => {
      assert.equal((await svc.request("/api/nope/x")).status, 404);
    });
  `;
}
