import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import type { StreamHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import {
  type GraphqlTestHost,
  type ObservedStream,
  observeStream,
  startGraphqlTestHost,
} from "./graphql-test-host.ts";

const skip = browserSkipReason();
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const QUERY = '{ user(id: "u1") { id name email } }';
const SUBSCRIPTION = "subscription { userCreated { type user { email } } }";

/** Text of GraphiQL's result pane contains `text`. */
async function resultShows(page: Page, text: string): Promise<string> {
  await page.waitForFunction(
    (expected) => document.querySelector(".result-window")?.textContent?.includes(expected) === true,
    text,
    { timeout: 30_000 },
  );
  return (await page.locator(".result-window").textContent()) ?? "";
}

/** Opens GraphiQL with `query` in the editor, blocking and recording every request beyond loopback. */
async function openGraphiql(browser: Browser, url: string, query: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  await page.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (LOOPBACK.has(target.hostname)) return route.continue();
    offLoopback.push(target.href);
    return route.abort();
  });
  page.on("websocket", (socket) => {
    if (!LOOPBACK.has(new URL(socket.url()).hostname)) offLoopback.push(socket.url());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${url}?query=${encodeURIComponent(query)}`);
  return { page, offLoopback, pageErrors };
}

describe("GraphiQL in a browser", { skip }, () => {
  let host: GraphqlTestHost;
  let browser: Browser;
  let stream: ObservedStream;
  before(async () => {
    const handlers = userHandlers();
    stream = observeStream(handlers.find((h) => h.name === "userCreated") as StreamHandler);
    host = await startGraphqlTestHost({
      handlers: handlers.map((h) => (h.name === "userCreated" ? stream.wrapped : h)),
    });
    await host.post('mutation { createUser(input: { email: "ada@example.com", name: "Ada" }) { id } }');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await host?.close();
  });

  it("loads offline, runs a query from the page and shows the data", async () => {
    const { page, offLoopback, pageErrors } = await openGraphiql(browser, host.url, QUERY);
    await page.locator(".graphiql-execute-button").click({ timeout: 30_000 });
    assert.match(await resultShows(page, "ada@example.com"), /"name":\s*"Ada"/);
    await page.screenshot({ path: await screenshotPath("router-graphiql") });
    assert.deepEqual(offLoopback, [], "GraphiQL must not reach beyond loopback");
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it("runs a subscription over graphql-ws and shows the event a mutation causes", async () => {
    const { page, offLoopback, pageErrors } = await openGraphiql(browser, host.url, SUBSCRIPTION);
    await page.locator(".graphiql-execute-button").click({ timeout: 30_000 });
    await stream.listening(1);
    await host.post('mutation { createUser(input: { email: "grace@example.com", name: "Grace" }) { id } }');
    assert.match(await resultShows(page, "grace@example.com"), /"type":\s*"created"/);
    assert.deepEqual(offLoopback, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
