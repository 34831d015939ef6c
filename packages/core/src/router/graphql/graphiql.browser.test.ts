import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { browserSkipReason, launchBrowser, screenshotPath } from "../../testing/browser.ts";
import { blockNonLoopback, recordPageProblems } from "../../testing/page-guard.driver.ts";
import type { StreamHandler } from "../handler.ts";
import { userHandlers } from "../users.fixture.ts";
import { graphiqlResultShows, runGraphiqlQuery, startGraphiqlOperation } from "./graphiql.driver.ts";
import {
  type GraphqlTestHost,
  type ObservedStream,
  observeStream,
  startGraphqlTestHost,
} from "./graphql-test-host.ts";

const skip = browserSkipReason();
const QUERY = '{ user(id: "u1") { id name email } }';
const SUBSCRIPTION = "subscription { userCreated { type user { email } } }";

/** A page that blocks and records every request beyond loopback, and records what broke in it. */
async function guardedPage(
  browser: Browser,
): Promise<{ page: Page; offLoopback: string[]; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  return { page, offLoopback: await blockNonLoopback(page), problems: recordPageProblems(page) };
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
    const { page, offLoopback, problems } = await guardedPage(browser);
    const shown = JSON.parse(await runGraphiqlQuery(page, host.url, QUERY)) as unknown;
    assert.deepEqual(shown, { data: { user: { id: "u1", name: "Ada", email: "ada@example.com" } } });
    await page.screenshot({ path: await screenshotPath("router-graphiql") });
    assert.deepEqual(offLoopback, [], "GraphiQL must not reach beyond loopback");
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("runs a subscription over graphql-ws and shows the event a mutation causes", async () => {
    const { page, offLoopback, problems } = await guardedPage(browser);
    await startGraphiqlOperation(page, host.url, SUBSCRIPTION);
    await stream.listening(1);
    await host.post('mutation { createUser(input: { email: "grace@example.com", name: "Grace" }) { id } }');
    assert.match(await graphiqlResultShows(page, "grace@example.com"), /"type":\s*"created"/);
    assert.deepEqual(offLoopback, []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
