/**
 * The HTML page of the Scalar API reference. Everything it loads comes from the service itself:
 * Scalar's bundle, the OpenAPI document; Scalar's web fonts, telemetry, developer toolbar and AI
 * agent are switched off, and a Content-Security-Policy makes the browser refuse any other origin.
 * @module
 */
import { createHash } from "node:crypto";

/** What the page shows and where it loads from. */
export interface ScalarPageOptions {
  /** Page title, e.g. `orders API`. */
  title: string;
  /** URL of the OpenAPI document, e.g. `/openapi.json`. */
  openApiUrl: string;
  /** URL of Scalar's bundle, e.g. `/docs/scalar.js?v=<etag>`. */
  scriptUrl: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Scalar configuration (`@scalar/api-reference` 1.46 option names). `withDefaultFonts: false`
 * keeps the browser off fonts.scalar.com (system fonts instead); no `proxyUrl`, so "Test Request"
 * calls the service directly from the browser.
 */
function scalarConfig(openApiUrl: string): Record<string, unknown> {
  return {
    url: openApiUrl,
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    hideClientButton: true,
    documentDownloadType: "json",
  };
}

/** The page and the Content-Security-Policy header to send with it. */
export interface ScalarPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

/**
 * The browser may load scripts, styles, fonts and images only from the service (plus `data:` and
 * `blob:` URLs Scalar builds itself) and the one inline script by its hash; requests ("Test
 * Request", the document) may go to the service and to `connectOrigins`.
 */
function contentSecurityPolicy(inlineScript: string, connectOrigins: readonly string[]): string {
  const hash = createHash("sha256").update(inlineScript).digest("base64");
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectOrigins].join(" "),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * The page: an empty `#app` element, Scalar's bundle, and one inline script that mounts the
 * reference; JSON in the inline script has `<` escaped, so no value can close the script element.
 * @param connectOrigins origins besides the service's own that "Test Request" may call (the
 *   OpenAPI document's `servers`), e.g. `https://api.example.com`.
 */
export function scalarPage(opts: ScalarPageOptions, connectOrigins: readonly string[] = []): ScalarPage {
  const config = JSON.stringify(scalarConfig(opts.openApiUrl)).replace(/</g, "\\u003c");
  const script = `Scalar.createApiReference("#app", ${config});`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="app"></div>
<script src="${escapeHtml(opts.scriptUrl)}"></script>
<script>${script}</script>
</body>
</html>
`;
  return { html, contentSecurityPolicy: contentSecurityPolicy(script, connectOrigins) };
}
