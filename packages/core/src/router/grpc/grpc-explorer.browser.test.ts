import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import { userHandlers } from "../users.fixture.ts";
import { type ExplorerHttp, serveExplorer } from "./explorer-server.fixture.ts";
import { createGrpcExplorer, type GrpcExplorer } from "./grpc-explorer.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
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
      const external: string[] = [];
      const refused: string[] = [];
      await page.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (LOOPBACK_HOSTS.has(url.hostname)) return route.continue();
        external.push(url.href);
        return route.abort();
      });
      page.on("console", (message) => {
        if (/Content.Security.Policy/i.test(message.text())) refused.push(message.text());
      });

      await page.goto(`${http.url}/grpc`);
      await page.getByRole("heading", { name: "allframe.users.v1.UserService", exact: true }).waitFor();
      const methods = await page
        .locator("nav button")
        .evaluateAll((buttons) => buttons.map((b) => b.textContent));
      assert.deepEqual(methods, ["CreateUser", "GetUser", "ListUsers", "WatchUsersstream"]);
      await page.getByText("listed from server reflection").waitFor();

      await page.getByRole("button", { name: "CreateUser", exact: true }).click();
      assert.deepEqual(JSON.parse(await page.locator("#request").inputValue()), { email: "", name: "" });
      await page
        .locator("#request")
        .fill(JSON.stringify({ email: "grace@example.com", name: "Grace", age: 85 }, null, 2));
      const answered = page.waitForResponse(
        (r) => r.request().method() === "POST" && r.url().endsWith("/grpc/invoke"),
      );
      await page.getByRole("button", { name: "Invoke" }).click();
      assert.equal((await answered).status(), 200);
      await page.locator("#status", { hasText: "0 OK" }).waitFor();
      const shown = JSON.parse((await page.locator("#response").textContent()) ?? "null") as Record<
        string,
        unknown
      >;
      assert.deepEqual(shown, { id: shown.id, email: "grace@example.com", name: "Grace", age: 85, tags: [] });

      await page.getByRole("button", { name: "GetUser", exact: true }).click();
      await page.locator("#request").fill(JSON.stringify({ id: "nobody" }));
      await page.getByRole("button", { name: "Invoke" }).click();
      await page.locator("#status", { hasText: "5 NOT_FOUND" }).waitFor();
      assert.match((await page.locator("#response").textContent()) ?? "", /user nobody does not exist/);

      await page.getByRole("button", { name: "CreateUser", exact: true }).click();
      await page
        .locator("#request")
        .fill(JSON.stringify({ email: "linus@example.com", name: "Linus", age: 54 }, null, 2));
      await page.getByRole("button", { name: "Invoke" }).click();
      await page.locator("#status", { hasText: "0 OK" }).waitFor();
      await page.screenshot({ path: await screenshotPath("router-grpc-explorer") });

      assert.deepEqual(external, [], "the page tried to reach a non-loopback host");
      assert.deepEqual(refused, [], "the page hit its Content-Security-Policy");
    } finally {
      await browser.close();
    }
  });
});
