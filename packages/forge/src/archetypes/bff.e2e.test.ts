/**
 * End to end for the generated BFF (issue 7): a stateless user-service serving REST and GraphQL, and a
 * web-bff aggregating it and a service the architecture does not define. Ignites the architecture,
 * checks the generated typed client, runs the generated tests, type-check and lint in the workspace,
 * then runs both services in this process and proves, against the real user-service: typed client
 * calls, the degraded field, DataLoader batching (upstream calls counted on user-service's /metrics)
 * and stale-while-revalidate caching (on mocked `Date`). The workspace borrows this checkout's
 * node_modules (which links `@allframe/core` and `dataloader`), so no install is needed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it, mock } from "node:test";
import { pathToFileURL } from "node:url";
import * as core from "@allframe/core";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";

const ARCHITECTURE = `
[architecture]
name = "bff-shop"
version = "0.1.0"

[[services]]
name = "user-service"
type = "stateless"
responsibility = "Users"
protocols = ["rest", "graphql"]
[services.domain]
entities = ["User"]

[[services]]
name = "web-bff"
type = "bff"
responsibility = "One API for the web frontend"
protocols = ["rest", "graphql"]
[services.bff]
aggregates = ["user-service", "ghost-service"]
caching = { ttl_seconds = 60, strategy = "stale-while-revalidate" }
rate_limit = { rps = 100, burst = 20, per = "user" }
`;

const TTL_MS = 60_000;

/**
 * Polls `probe` on real timers (Date is mocked in the caching test, so the harness's `waitFor`, whose
 * deadline reads Date, cannot be used) until it holds; fails after `attempts` tries 10 ms apart.
 */
async function eventually(probe: () => Promise<boolean>, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`not met after ${attempts} attempts: ${probe.toString()}`);
}

type CreateService = Parameters<typeof core.startService>[0];
interface UserPart {
  id: string;
  status: string;
  record?: { name?: string };
  reason?: string | null;
}

describe("generated bff: typed clients, DataLoader batching, stale-while-revalidate, degraded fields", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "bff" });
  const read = (path: string) => workspace.read(`services/${path}`);
  const load = async (service: string): Promise<CreateService> =>
    (await import(pathToFileURL(join(workspace.dir, "services", service, "src/service.ts")).href))
      .createService;

  it("generates a typed client of user-service, batched reads through DataLoader and the dependency", async () => {
    const client = await read("web-bff/src/clients/user-service-client.ts");
    assert.match(client, /export class UserServiceClient extends ServiceClient \{/);
    assert.match(client, /createUser\(input: UserInput\): Promise<User> \{/);
    assert.match(
      client,
      /getUserMany\(ids: readonly string\[\]\): Promise<Array<User \| Error>> \{\s*return this\.graphqlBatch\("user"/,
    );
    const service = await read("web-bff/src/service.ts");
    assert.match(
      service,
      /new UserServiceClient\("user-service", config\.USER_SERVICE_URL, clientTimeoutMs, fetch\)/,
    );
    assert.match(service, /new RecordReader\(\(ids\) => userServiceClient\.getUserMany\(ids\)/);
    assert.match(service, /strategy: "stale-while-revalidate",\s*ttlMs: 60000,/);
    assert.match(service, /new OverviewAggregator\(clients, \["ghost-service"\]/);
    assert.match(
      await read("web-bff/src/aggregators/record-reader.ts"),
      /import DataLoader from "dataloader";/,
    );
    const pkg = JSON.parse(await read("web-bff/package.json")) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies.dataloader, "^2.2.3");
    assert.doesNotMatch(await read("web-bff/src/config.ts"), /GHOST_SERVICE_URL/);
  });

  it("passes the generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, [
      "services/web-bff/src/service.test.ts",
      "services/web-bff/src/clients/user-service-client.test.ts",
      "services/web-bff/src/aggregators/record-reader.test.ts",
      "services/web-bff/src/presentation/handlers/per-user.test.ts",
    ]);
    assert.match(tests, /ONE upstream call \(no N\+1\)/);
    assert.match(tests, /then stale while one refresh runs/);
    assert.match(tests, /refuses the next with rate-limited, per user/);
    assert.match(tests, /answers user degraded, naming user-service, when it is unreachable/);
    assert.match(tests, /^ℹ fail 0$/m, tests);
    await assertTypecheckAndLint(workspace.dir);
  });

  describe("running against the real user-service", () => {
    let users: core.ServiceHarness;
    let usersStopped = false;
    let bff: core.ServiceHarness;
    const ids: string[] = [];
    /** user-service's count of answered GraphQL requests, from its Prometheus /metrics. */
    const upstreamGraphqlCalls = async (): Promise<number> => {
      const text = await (await fetch(`${users.url}/metrics`)).text();
      return text
        .split("\n")
        .filter((line) => line.startsWith("http_server_requests_total{") && line.includes('route="/graphql"'))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    };
    const user = async (id: string): Promise<UserPart> => {
      const { body } = await bff.request<{ data: { user: UserPart } }>("/graphql", {
        method: "POST",
        body: {
          query: "query ($id: String!) { user(id: $id) { id status record { name } reason } }",
          variables: { id },
        },
      });
      return body.data.user;
    };
    before(async () => {
      users = await core.startService(await load("user-service"), {
        env: { LOG_LEVEL: "silent", DATABASE_URL: "memory:" },
      });
      for (const name of ["Ada", "Grace", "Edsger"]) {
        const { body } = await users.request<{ id: string }>("/users", { method: "POST", body: { name } });
        ids.push(body.id);
      }
      bff = await core.startService(await load("web-bff"), {
        env: { LOG_LEVEL: "silent", USER_SERVICE_URL: users.url },
      });
    });
    after(async () => {
      mock.timers.reset();
      await bff.stop();
      if (!usersStopped) await users.stop();
    });

    it("answers the overview with user-service up and the undefined service degraded, with the reason", async () => {
      const { body } = await bff.request<{
        services: Array<{ name: string; status: string; reason?: string }>;
      }>("/overview");
      assert.deepEqual(body.services, [
        {
          name: "ghost-service",
          status: "degraded",
          reason: "ghost-service is not defined in the architecture",
        },
        { name: "user-service", status: "up", version: "0.1.0" },
      ]);
    });

    it("resolves many users for one query with ONE batched upstream call through the typed client", async () => {
      const [a, b, c] = ids as [string, string, string];
      const before = await upstreamGraphqlCalls();
      const { body } = await bff.request<{ data: { users: { items: UserPart[] }; one: UserPart } }>(
        "/graphql",
        {
          method: "POST",
          body: {
            query:
              "query ($ids: [String!]!, $id: String!) { users(ids: $ids) { items { id status record { name } } } one: user(id: $id) { status record { name } } }",
            variables: { ids: [a, b, c, a, "nobody"], id: b },
          },
        },
      );
      assert.deepEqual(
        body.data.users.items.map((p) => [p.status, p.record?.name ?? null]),
        [
          ["ok", "Ada"],
          ["ok", "Grace"],
          ["ok", "Edsger"],
          ["ok", "Ada"],
          ["not-found", null],
        ],
      );
      assert.equal(body.data.one.record?.name, "Grace");
      assert.equal(
        (await upstreamGraphqlCalls()) - before,
        1,
        "five ids and a second field: one upstream call",
      );
    });

    it("serves one user over REST too, and a missing one as not-found rather than an error", async () => {
      const found = await bff.request<UserPart>(`/user-service/users/${ids[2]}`);
      assert.equal(found.status, 200);
      assert.deepEqual([found.body.status, found.body.record?.name], ["ok", "Edsger"]);
      const missing = await bff.request<UserPart>("/user-service/users/nobody");
      assert.equal(missing.status, 200);
      assert.equal(missing.body.status, "not-found");
      assert.match(missing.body.reason ?? "", /nobody/);
    });

    it("serves a stale user at once while one refresh runs, keeps it while user-service is down, then degrades", async () => {
      mock.timers.enable({ apis: ["Date"], now: Date.now() });
      const id = ids[0] ?? "";
      assert.equal((await user(id)).record?.name, "Ada", "read once, now cached");
      await users.request(`/users/${id}`, { method: "PUT", body: { name: "Ada L." } });
      assert.equal((await user(id)).record?.name, "Ada", "fresh for ttl_seconds: the cached answer");
      mock.timers.tick(TTL_MS);
      const before = await upstreamGraphqlCalls();
      assert.equal((await user(id)).record?.name, "Ada", "stale: served at once");
      await eventually(async () => (await user(id)).record?.name === "Ada L.");
      assert.equal((await upstreamGraphqlCalls()) - before, 1, "one background refresh");
      await users.stop();
      usersStopped = true;
      mock.timers.tick(TTL_MS);
      assert.deepEqual(
        await user(id),
        { id, status: "ok", record: { name: "Ada L." }, reason: null },
        "refresh fails: stale kept",
      );
      mock.timers.tick(TTL_MS * 10);
      const degraded = await user(id);
      assert.equal(degraded.status, "degraded", "past the hard limit the outage shows");
      assert.match(degraded.reason ?? "", /user-service is unreachable/);
    });
  });
});
