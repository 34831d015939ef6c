import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import { type RestTestHost, startRestHost } from "../rest/rest-test-host.ts";
import { userHandlers } from "../users.fixture.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

describe("API docs on the service host", () => {
  let t: RestTestHost;
  before(async () => {
    t = await startRestHost(userHandlers());
  });
  after(() => t.host.stop("test done"));

  it("serves a page that loads Scalar and the document from the service only", async () => {
    const res = await fetch(`${t.url}/docs`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    const html = await res.text();
    assert.match(html, /<script src="\/docs\/scalar\.js\?v=[0-9a-f]{16}"><\/script>/);
    assert.match(html, /"url":"\/openapi\.json","withDefaultFonts":false,"telemetry":false/);
    assert.doesNotMatch(html, /https?:\/\//, "no absolute URL in the page");
  });

  it("serves Scalar's bundle from node_modules, gzipped and cached as immutable", async () => {
    const page = await (await fetch(`${t.url}/docs`)).text();
    const src = /src="([^"]+)"/.exec(page)?.[1] ?? "";
    const res = await fetch(`${t.url}${src}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(await res.text(), /@scalar\/api-reference/);
    const etag = res.headers.get("etag") ?? "";
    assert.equal(`"${src.split("v=")[1]}"`, etag);
    const again = await fetch(`${t.url}${src}`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
  });

  it("lists the operations and sends a Test Request from the page, offline", {
    skip: browserSkipReason(),
    timeout: 60_000,
  }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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

      await page.goto(`${t.url}/docs`);
      for (const summary of [
        "Creates a user; the email must be unused.",
        "Reads one user by id.",
        "Lists users, oldest first.",
      ]) {
        await page.getByRole("heading", { name: summary }).waitFor();
      }

      await page.getByRole("button", { name: /Test Request.*post \/users/i }).click();
      await page.getByRole("button", { name: /Code Snippet/ }).click();
      await page.locator(".cm-content").filter({ hasText: '"email"' }).click();
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.insertText(JSON.stringify({ email: "ada@example.com", name: "Ada" }));
      // Scalar's client takes an edited body into its request after a debounce; the curl snippet,
      // drawn from that request, shows when it has.
      await page
        .locator("pre")
        .filter({ hasText: "curl" })
        .filter({ hasText: "ada@example.com" })
        .first()
        .waitFor();
      const answered = page.waitForResponse(
        (r) => r.request().method() === "POST" && r.url().endsWith("/users"),
      );
      await page.getByRole("button", { name: /Send post request/i }).click();
      assert.equal((await answered).status(), 201);
      await page.getByText('"ada@example.com"').last().waitFor();
      await page.screenshot({ path: await screenshotPath("router-docs-scalar") });

      const stored = await fetch(`${t.url}/users/u1`);
      assert.deepEqual(await stored.json(), { id: "u1", email: "ada@example.com", name: "Ada", tags: [] });
      assert.deepEqual(external, [], "the page tried to reach the internet");
      assert.deepEqual(refused, [], "the page hit its Content-Security-Policy");
    } finally {
      await browser.close();
    }
  });
});
