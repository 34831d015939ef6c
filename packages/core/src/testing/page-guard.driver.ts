/**
 * Guards for browser tests of the docs pages, which must work offline: every request that would leave
 * loopback is blocked and recorded, and what the page reports as broken is recorded too.
 * Not exported from the package index: only this repository's tests use it.
 * @module
 */
import type { Page } from "playwright-core";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function isLoopback(url: string | URL): boolean {
  return LOOPBACK_HOSTS.has(new URL(url).hostname);
}

/**
 * Blocks every HTTP request and WebSocket from `page` to a host other than 127.0.0.1, localhost or
 * [::1], for the page's whole life (navigations included). Call it before the first `goto`.
 *
 * @returns the live list of blocked URLs (absolute hrefs, in the order tried); a test asserts it
 *   stays empty.
 * @example
 * const offLoopback = await blockNonLoopback(page);
 * await page.goto(`${url}/docs`);
 * assert.deepEqual(offLoopback, [], "the page tried to reach the internet");
 */
export async function blockNonLoopback(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  // Only sockets to other hosts are routed; the handler never connects them to their server.
  await page.routeWebSocket(
    (url) => !isLoopback(url),
    (socket) => {
      blocked.push(socket.url());
      return socket.close();
    },
  );
  return blocked;
}

/**
 * Records what `page` itself reports as broken: Content-Security-Policy refusals (console messages)
 * and uncaught script errors (`pageerror`), for the page's whole life. Call it before the first `goto`.
 *
 * @returns the live list of problems as text, in order; a test asserts it stays empty.
 */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}
