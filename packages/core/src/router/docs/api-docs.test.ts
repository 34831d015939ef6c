import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import { blockNonLoopback, recordPageProblems } from "../../testing/page-guard.driver.ts";
import { type RestTestHost, startRestHost } from "../rest/rest-test-host.ts";
import { userHandlers } from "../users.fixture.ts";
import { sendScalarTestRequest } from "./scalar.driver.ts";

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
      const offLoopback = await blockNonLoopback(page);
      const problems = recordPageProblems(page);

      const shown = await sendScalarTestRequest(page, t.url, {
        method: "post",
        path: "/users",
        body: { email: "ada@example.com", name: "Ada" },
      });
      assert.equal(shown.status, 201);
      assert.equal(shown.statusLine, "201 Created");
      const created = { id: "u1", email: "ada@example.com", name: "Ada", tags: [] };
      assert.deepEqual(JSON.parse(shown.body), created);
      for (const summary of [
        "Creates a user; the email must be unused.",
        "Reads one user by id.",
        "Lists users, oldest first.",
      ]) {
        await page.getByRole("heading", { name: summary }).waitFor();
      }
      await page.screenshot({ path: await screenshotPath("router-docs-scalar") });

      assert.deepEqual(await (await fetch(`${t.url}/users/u1`)).json(), created);
      assert.deepEqual(offLoopback, [], "the page tried to reach the internet");
      assert.deepEqual(problems, [], "the page hit its Content-Security-Policy or threw");
    } finally {
      await browser.close();
    }
  });
});
