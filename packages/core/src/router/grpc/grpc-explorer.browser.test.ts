import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import { blockNonLoopback, recordPageProblems } from "../../testing/page-guard.driver.ts";
import { userHandlers } from "../users.fixture.ts";
import { type ExplorerHttp, serveExplorer } from "./explorer-server.fixture.ts";
import { invokeGrpcExplorer, openGrpcExplorer } from "./grpc-explorer.driver.ts";
import { createGrpcExplorer, type GrpcExplorer } from "./grpc-explorer.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";

const SERVICE = "allframe.users.v1.UserService";
const silent = createLogger({ service: "grpc-test", level: "silent" });

describe("gRPC explorer page in Chromium", () => {
  let server: GrpcServer;
  let explorer: GrpcExplorer;
  let http: ExplorerHttp;

  before(async () => {
    server = await startGrpcServer({
      handlers: userHandlers(),
      package: "allframe.users.v1",
      port: 0,
      logger: silent,
    });
    explorer = createGrpcExplorer({
      target: server.address,
      package: "allframe.users.v1",
      proto: server.proto,
      logger: silent,
    });
    http = await serveExplorer(explorer);
  });
  after(async () => {
    explorer.close();
    await http.close();
    await server.stop(1_000);
  });

  it("lists the UserService methods and invokes CreateUser from the page, offline", {
    skip: browserSkipReason(),
    timeout: 60_000,
  }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
      const offLoopback = await blockNonLoopback(page);
      const problems = recordPageProblems(page);

      const methods = await openGrpcExplorer(page, http.url);
      assert.deepEqual(
        methods,
        ["CreateUser", "GetUser", "ListUsers", "WatchUsers"].map((m) => `${SERVICE}/${m}`),
      );
      assert.equal(
        await page.locator(`nav button[data-method="${SERVICE}/WatchUsers"] .badge`).textContent(),
        "stream",
      );
      await page.getByText("listed from server reflection").waitFor();

      const created = await invokeGrpcExplorer(page, SERVICE, "CreateUser", {
        email: "grace@example.com",
        name: "Grace",
        age: 85,
      });
      assert.deepEqual(created.example, { email: "", name: "" });
      assert.equal(created.status, "0 OK");
      const shown = JSON.parse(created.response) as Record<string, unknown>;
      assert.deepEqual(shown, { id: shown.id, email: "grace@example.com", name: "Grace", age: 85, tags: [] });

      const missing = await invokeGrpcExplorer(page, SERVICE, "GetUser", { id: "nobody" });
      assert.equal(missing.status, "5 NOT_FOUND");
      assert.match(missing.response, /user nobody does not exist/);

      const again = await invokeGrpcExplorer(page, SERVICE, "CreateUser", {
        email: "linus@example.com",
        name: "Linus",
        age: 54,
      });
      assert.equal(again.status, "0 OK");
      await page.screenshot({ path: await screenshotPath("router-grpc-explorer") });

      assert.deepEqual(offLoopback, [], "the page tried to reach a non-loopback host");
      assert.deepEqual(problems, [], "the page hit its Content-Security-Policy or threw");
    } finally {
      await browser.close();
    }
  });
});
