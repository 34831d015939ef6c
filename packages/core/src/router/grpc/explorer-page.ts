/**
 * The gRPC explorer's HTML: one self-contained page (inline CSS and JS, nothing fetched from a CDN)
 * that lists services and methods, shows an example request per method, and posts it to the
 * explorer's invoke endpoint. Data is embedded as JSON and written to the DOM with `textContent` only.
 * @module
 */

/** One method as the page lists it. */
export interface ExplorerMethod {
  readonly name: string;
  readonly requestType: string;
  readonly responseType: string;
  readonly serverStreaming: boolean;
  /** Client-streaming methods are listed but cannot be invoked from the page. */
  readonly clientStreaming: boolean;
  readonly example: unknown;
}

/** One service: its fully qualified name, e.g. `allframe.users.v1.UserService`. */
export interface ExplorerService {
  readonly name: string;
  readonly methods: readonly ExplorerMethod[];
}

/** What the page shows. */
export interface ExplorerPageData {
  readonly title: string;
  /** The gRPC server, e.g. `127.0.0.1:50051`. */
  readonly target: string;
  /** Where the list came from: the server's reflection, or the given `.proto` text when reflection failed. */
  readonly source: "reflection" | "proto";
  /** Why discovery fell back or failed, shown as a notice. */
  readonly notice?: string;
  readonly services: readonly ExplorerService[];
  /** Absolute path of the invoke endpoint, e.g. `/grpc/invoke`. */
  readonly invokePath: string;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;background:#f5f7fa}
header{padding:12px 20px;background:#102a43;color:#f0f4f8}header h1{margin:0;font-size:18px}header p{margin:2px 0 0;color:#bcccdc;font-size:13px}
.notice{margin:0;padding:8px 20px;background:#fff3c4;color:#8d2b0b}
main{display:grid;grid-template-columns:280px 1fr;min-height:calc(100vh - 60px)}
nav{border-right:1px solid #d9e2ec;background:#fff;padding:12px;overflow:auto}nav h2{font-size:12px;letter-spacing:.02em;color:#627d98;margin:14px 4px 6px;overflow-wrap:anywhere}
nav button{display:flex;justify-content:space-between;align-items:center;width:100%;text-align:left;border:0;background:none;padding:6px 8px;border-radius:4px;font:inherit;cursor:pointer;color:inherit}
nav button:hover{background:#f0f4f8}nav button[aria-current=true]{background:#d9e2ec;font-weight:600}
.badge{font-size:11px;padding:1px 6px;border-radius:8px;background:#e0e8f9;color:#334e68;font-weight:400}
section{padding:16px 24px;display:flex;flex-direction:column;gap:10px;min-width:0}section h2{margin:0;font-size:17px;overflow-wrap:anywhere}.types{color:#627d98;margin:0}
textarea{width:100%;min-height:180px;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;padding:8px;border:1px solid #bcccdc;border-radius:4px}
.actions{display:flex;gap:12px;align-items:center}
#invoke{background:#2f80ed;color:#fff;border:0;border-radius:4px;padding:7px 18px;font:inherit;font-weight:600;cursor:pointer}#invoke:disabled{opacity:.5;cursor:default}
#status{font-weight:600}#status.ok{color:#0e7c3a}#status.error{color:#c0392b}
pre{margin:0;background:#102a43;color:#d9e2ec;padding:12px;border-radius:4px;overflow:auto;min-height:80px;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById("grpc-data").textContent);
const $ = (id) => document.getElementById(id);
const nav = $("methods"), request = $("request"), invoke = $("invoke"), statusLine = $("status"), output = $("response");
let current;
function el(tag, text, cls) { const node = document.createElement(tag); if (text !== undefined) node.textContent = text; if (cls) node.className = cls; return node; }
function show(text, kind) { statusLine.textContent = text; statusLine.className = kind || ""; }
function select(service, method, button) {
  current = { service: service.name, method: method.name, clientStreaming: method.clientStreaming };
  for (const other of nav.querySelectorAll("button")) other.removeAttribute("aria-current");
  button.setAttribute("aria-current", "true");
  $("method-title").textContent = service.name + "/" + method.name;
  $("method-types").textContent = method.requestType + " \\u2192 " + (method.serverStreaming ? "stream " : "") + method.responseType;
  request.value = JSON.stringify(method.example, null, 2);
  output.textContent = "";
  invoke.disabled = method.clientStreaming;
  show(method.clientStreaming ? "Client-streaming methods cannot be invoked from this page." : "", "");
}
for (const service of data.services) {
  nav.append(el("h2", service.name));
  for (const method of service.methods) {
    const button = el("button");
    button.type = "button";
    button.dataset.method = service.name + "/" + method.name;
    button.append(el("span", method.name));
    if (method.serverStreaming || method.clientStreaming) button.append(el("span", "stream", "badge"));
    button.addEventListener("click", () => select(service, method, button));
    nav.append(button);
  }
}
if (data.services.length === 0) nav.append(el("p", "No services found."));
invoke.addEventListener("click", async () => {
  if (!current) return;
  let body;
  try { body = JSON.parse(request.value || "{}"); } catch (error) { show("Request is not valid JSON: " + error.message, "error"); return; }
  invoke.disabled = true;
  show("Calling\\u2026", "");
  output.textContent = "";
  try {
    const res = await fetch(data.invokePath, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: current.service, method: current.method, request: body }) });
    const result = await res.json();
    if (!res.ok) { show("HTTP " + res.status + ": " + (result.error ? result.error.message : "request failed"), "error"); output.textContent = JSON.stringify(result, null, 2); return; }
    show(result.status + " " + result.statusName + (result.stopped ? " (stream stopped: " + result.stopped + ")" : ""), result.status === 0 ? "ok" : "error");
    output.textContent = JSON.stringify(result.status === 0 ? result.response : { error: result.error, response: result.response }, null, 2);
  } catch (error) {
    show("Invoke failed: " + error.message, "error");
  } finally {
    invoke.disabled = false;
  }
});
const first = nav.querySelector("button");
if (first) first.click();
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The Content-Security-Policy the page is served with: inline code only, requests to its own origin only. */
export const EXPLORER_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** Renders the explorer page. */
export function renderExplorerPage(data: ExplorerPageData): string {
  const source =
    data.source === "reflection" ? "server reflection" : "the given .proto (reflection unavailable)";
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const notice =
    data.notice === undefined ? "" : `<p class="notice" role="status">${escapeHtml(data.notice)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(data.target)} &middot; listed from ${escapeHtml(source)}</p></header>
${notice}
<main>
<nav id="methods" aria-label="Services and methods"></nav>
<section aria-live="polite">
<h2 id="method-title">Select a method</h2>
<p class="types" id="method-types"></p>
<label for="request">Request (JSON, field names as in the .proto; optional fields are left out of the example)</label>
<textarea id="request" spellcheck="false"></textarea>
<div class="actions"><button type="button" id="invoke">Invoke</button><span id="status"></span></div>
<pre id="response"></pre>
</section>
</main>
<script type="application/json" id="grpc-data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
