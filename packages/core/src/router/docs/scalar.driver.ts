/**
 * Drives the Scalar API reference a service serves at `/docs` (see `api-docs.ts`) in a real browser:
 * open an operation's "Test Request" client, type a body, send, read the response pane.
 * Not exported from the package index: only this repository's tests use it.
 * @module
 */
import type { Locator, Page } from "playwright-core";

/** One operation to send from Scalar's client. */
export interface ScalarTestRequest {
  /** HTTP method in lower case, as Scalar labels its buttons: `"get"`, `"post"`, ... */
  readonly method: string;
  /** The operation's OpenAPI path, without path parameters, e.g. `"/users"`. */
  readonly path: string;
  /**
   * JSON typed into the request body editor in place of Scalar's example (string values without
   * single quotes, which the curl snippet escapes); omit it to send the example as shown.
   */
  readonly body?: unknown;
}

/** What Scalar's response pane showed for the request. */
export interface ScalarShownResponse {
  /** The HTTP status the service answered, from the network. */
  readonly status: number;
  /** The pane's status line, e.g. `"201 Created"`. */
  readonly statusLine: string;
  /** The response body as the pane renders it (its lines joined, so JSON still parses); `""` if none. */
  readonly body: string;
}

/**
 * Opens `${baseUrl}/docs` in `page`, clicks the operation's "Test Request" button, types
 * `request.body` (if given), clicks "Send" and waits until the response pane shows the answer. Use a
 * viewport at least 1280 px wide, where Scalar shows request and response side by side.
 *
 * @param baseUrl the service's origin, e.g. `http://127.0.0.1:8080`.
 * @returns what the response pane showed; the pane is still open for a screenshot.
 * @throws playwright's `TimeoutError` (30 s per step) when the page lacks the operation or never answers.
 */
export async function sendScalarTestRequest(
  page: Page,
  baseUrl: string,
  request: ScalarTestRequest,
): Promise<ScalarShownResponse> {
  const { method, path } = request;
  await page.goto(`${baseUrl}/docs`);
  await page.getByRole("button", { name: `Test Request (${method} ${path})`, exact: true }).click();
  const client = page.getByRole("dialog");
  if (request.body !== undefined) await typeBody(page, client, request.body);

  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === method.toUpperCase() && new URL(r.url()).pathname === path,
    ),
    client.getByRole("button", { name: `Send ${method} request to ` }).click(),
  ]);
  const pane = client.locator('section[aria-label="Response"]');
  const statusLine = pane.getByRole("link", { name: new RegExp(`^${response.status()}\\b`) });
  await statusLine.waitFor();
  const body = pane.locator(".response-section-content-body .cm-content");
  if ((await response.body()).length > 0) await body.filter({ hasText: /\S/ }).waitFor();
  return {
    status: response.status(),
    statusLine: ((await statusLine.textContent()) ?? "").trim(),
    body: (await body.count()) === 0 ? "" : ((await body.textContent()) ?? ""),
  };
}

/** Replaces the client's example body with `body` and waits until Scalar has taken it in. */
async function typeBody(page: Page, client: Locator, body: unknown): Promise<void> {
  const snippet = client.getByRole("button", { name: "Code Snippet" });
  if ((await snippet.getAttribute("aria-expanded")) === "false") await snippet.click();
  await client.locator('.cm-content[data-language="json"][contenteditable="true"]').click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(JSON.stringify(body));
  // Scalar takes an edited body into its request after a debounce; the curl snippet, drawn from that
  // request, shows when it has (pretty-printed, hence the comparison without white space).
  await page.waitForFunction(
    (compact) =>
      Array.from(document.querySelectorAll("pre")).some((pre) => {
        const text = pre.textContent ?? "";
        return text.includes("curl") && text.replace(/\s/g, "").includes(compact);
      }),
    JSON.stringify(body).replace(/\s/g, ""),
  );
}
