/**
 * Drives the gRPC explorer page a service serves at `/grpc` (see `explorer-page.ts`) in a real
 * browser: list the methods, pick one, fill the request, invoke, read status and response.
 * Not exported from the package index: only this repository's tests use it.
 * @module
 */
import type { Page } from "playwright-core";

/** What the explorer showed for one invocation. */
export interface GrpcExplorerCall {
  /** The request example the page filled in when the method was picked, parsed from its JSON. */
  readonly example: unknown;
  /** The status line, e.g. `"0 OK"` or `"5 NOT_FOUND"`. */
  readonly status: string;
  /** The response pane's text: the response message as JSON, or `{ error, response }` on failure. */
  readonly response: string;
}

/**
 * Opens `${baseUrl}/grpc` in `page`.
 *
 * @param baseUrl the service's HTTP origin, e.g. `http://127.0.0.1:8080`.
 * @returns the methods the page lists, as `"<package>.<Service>/<Method>"`, in page order.
 * @throws playwright's `TimeoutError` when the page does not load within 30 s.
 */
export async function openGrpcExplorer(page: Page, baseUrl: string): Promise<string[]> {
  await page.goto(`${baseUrl}/grpc`);
  return page.locator("nav button").evaluateAll((buttons) => buttons.map((b) => b.dataset.method ?? ""));
}

/**
 * On an explorer opened with `openGrpcExplorer`: picks `service`/`method`, replaces the request
 * with `request` (as JSON, field names as in the .proto), clicks "Invoke" and waits for the answer.
 * Client-streaming methods cannot be invoked from the page.
 *
 * @param service the fully qualified service, e.g. `"e_commerce_platform.user_service.v1.UserService"`.
 * @param method the method name, e.g. `"CreateUser"`.
 * @returns what the page showed; it stays on the answer for a screenshot.
 * @throws playwright's `TimeoutError` when the page lacks the method or does not answer within 30 s.
 */
export async function invokeGrpcExplorer(
  page: Page,
  service: string,
  method: string,
  request: unknown,
): Promise<GrpcExplorerCall> {
  await page.locator(`nav button[data-method="${service}/${method}"]`).click();
  const example: unknown = JSON.parse(await page.locator("#request").inputValue());
  await page.locator("#request").fill(JSON.stringify(request, null, 2));
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.endsWith("/grpc/invoke"),
    ),
    page.getByRole("button", { name: "Invoke", exact: true }).click(),
  ]);
  // The page shows "Calling…" and disables Invoke until it has rendered the answer.
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLButtonElement>("#invoke")?.disabled === false &&
      document.querySelector("#status")?.textContent !== "Calling\u2026",
  );
  return {
    example,
    status: (await page.locator("#status").textContent()) ?? "",
    response: (await page.locator("#response").textContent()) ?? "",
  };
}
