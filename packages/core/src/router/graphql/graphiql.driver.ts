/**
 * Drives the GraphiQL page a service serves at its GraphQL endpoint (see `graphiql-page.ts`) in a
 * real browser: open it with an operation in the editor, run it, read the result pane.
 * Not exported from the package index: only this repository's tests use it.
 * @module
 */
import type { Page } from "playwright-core";

const RESULT_PANE = ".result-window";

/**
 * Opens GraphiQL at `endpointUrl` in `page` with `operation` in the editor and clicks "Run". Use it
 * for subscriptions, whose results come later; await `graphiqlResultShows` for them.
 *
 * @param endpointUrl the GraphQL endpoint, which serves GraphiQL to browsers, e.g.
 *   `http://127.0.0.1:8081/graphql`.
 * @param operation a GraphQL document with one operation.
 * @throws playwright's `TimeoutError` when GraphiQL does not load within 30 s.
 */
export async function startGraphiqlOperation(
  page: Page,
  endpointUrl: string,
  operation: string,
): Promise<void> {
  await page.goto(`${endpointUrl}?query=${encodeURIComponent(operation)}`);
  await page.locator(".graphiql-execute-button").click({ timeout: 30_000 });
}

/**
 * Waits until GraphiQL's result pane contains `text`.
 *
 * @returns the pane's text: JSON, its lines joined, so it still parses. The pane (Monaco) draws only
 *   the lines in view, so an answer taller than the pane comes back cut.
 * @throws playwright's `TimeoutError` when the pane does not show `text` within 30 s.
 */
export function graphiqlResultShows(page: Page, text: string): Promise<string> {
  return resultContainingAny(page, [text]);
}

/**
 * Opens GraphiQL at `endpointUrl` with `query`, runs it and waits until the result pane shows the
 * answer (`data` or `errors`).
 *
 * @param endpointUrl the GraphQL endpoint, e.g. `http://127.0.0.1:8081/graphql`.
 * @returns the result pane's text, as `graphiqlResultShows` returns it; the page stays on the answer
 *   for a screenshot.
 * @throws playwright's `TimeoutError` when GraphiQL does not load or answer within 30 s.
 * @example
 * const shown = JSON.parse(await runGraphiqlQuery(page, `${url}/graphql`, "{ overview { services { name } } }"));
 */
export async function runGraphiqlQuery(page: Page, endpointUrl: string, query: string): Promise<string> {
  await startGraphiqlOperation(page, endpointUrl, query);
  return resultContainingAny(page, ['"data"', '"errors"']);
}

/** Monaco draws spaces as U+00A0, which `JSON.parse` does not take for white space. */
async function resultContainingAny(page: Page, texts: readonly string[]): Promise<string> {
  await page.waitForFunction(
    ([pane, expected]) => {
      const shown = (document.querySelector(pane)?.textContent ?? "").replace(/\u00a0/g, " ");
      return expected.some((text) => shown.includes(text));
    },
    [RESULT_PANE, texts] as const,
    { timeout: 30_000 },
  );
  return ((await page.locator(RESULT_PANE).textContent()) ?? "").replace(/\u00a0/g, " ");
}
