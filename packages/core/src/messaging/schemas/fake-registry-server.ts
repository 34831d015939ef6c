/**
 * Test support (not exported): a small in-memory HTTP server speaking the subset of Confluent's and
 * Apicurio's REST APIs the clients use, on loopback, so the clients are tested over real HTTP.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A started fake: its base URL, the requests it saw (`METHOD path`), and `close()`. */
export interface FakeRegistryServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Starts a fake of `kind` on 127.0.0.1 with a free port. */
export async function startFakeRegistry(kind: "confluent" | "apicurio"): Promise<FakeRegistryServer> {
  const subjects = new Map<string, string[]>(); // subject → schema texts, version = index + 1
  const requests: string[] = [];
  const handle = kind === "confluent" ? confluent : apicurio;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", "http://fake");
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      send(res, handle(subjects, req.method ?? "GET", url, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(body));
  });
}

interface Reply {
  status: number;
  body: unknown;
  raw: boolean;
}

function reply(status: number, body: unknown, raw = false): Reply {
  return { status, body, raw };
}

function send(res: ServerResponse, { status, body, raw }: Reply): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(raw ? String(body) : JSON.stringify(body));
}

function confluent(subjects: Map<string, string[]>, method: string, url: URL, body: string): Reply {
  const m = /^\/subjects\/([^/]+)(\/versions(?:\/([^/]+))?)?$/.exec(url.pathname);
  if (m === null) return reply(404, { error_code: 404, message: "HTTP 404 Not Found" });
  const subject = decodeURIComponent(m[1] ?? "");
  const versions = subjects.get(subject);
  if (method === "POST") {
    const { schema, schemaType } = JSON.parse(body) as { schema: string; schemaType?: string };
    if (schemaType !== "JSON") return reply(422, { error_code: 42201, message: "Invalid schema" });
    const index = versions?.indexOf(schema) ?? -1;
    if (m[2] === undefined) {
      if (index < 0) return reply(404, { error_code: 40403, message: "Schema not found" });
      return reply(200, { subject, id: index + 1, version: index + 1, schema });
    }
    const list = versions ?? [];
    if (index < 0) list.push(schema);
    subjects.set(subject, list);
    return reply(200, { id: index < 0 ? list.length : index + 1 });
  }
  if (versions === undefined)
    return reply(404, { error_code: 40401, message: `Subject '${subject}' not found.` });
  const version = m[3] === "latest" ? versions.length : Number(m[3]);
  const schema = versions[version - 1];
  if (schema === undefined) return reply(404, { error_code: 40402, message: "Version not found." });
  return reply(200, { subject, version, id: version, schemaType: "JSON", schema });
}

function apicurio(subjects: Map<string, string[]>, method: string, url: URL, body: string): Reply {
  const prefix = "/apis/registry/v3/groups/default/artifacts";
  if (!url.pathname.startsWith(prefix)) return reply(404, { status: 404, title: "Not found" });
  const rest = url.pathname.slice(prefix.length);
  if (method === "POST" && rest === "") {
    if (url.searchParams.get("ifExists") !== "FIND_OR_CREATE_VERSION")
      return reply(409, { status: 409, name: "ArtifactAlreadyExistsException" });
    const request = JSON.parse(body) as {
      artifactId: string;
      artifactType: string;
      firstVersion: { content: { content: string } };
    };
    const list = subjects.get(request.artifactId) ?? [];
    const content = request.firstVersion.content.content;
    let index = list.indexOf(content);
    if (index < 0) index = list.push(content) - 1;
    subjects.set(request.artifactId, list);
    return reply(200, {
      artifact: { artifactId: request.artifactId },
      version: { version: String(index + 1) },
    });
  }
  const m = /^\/([^/]+)\/versions\/([^/]+)(\/content)?$/.exec(rest);
  const list = m === null ? undefined : subjects.get(decodeURIComponent(m[1] ?? ""));
  if (m === null || list === undefined) return reply(404, { status: 404, name: "ArtifactNotFoundException" });
  const version = m[2] === "branch=latest" ? list.length : Number(m[2]);
  const content = list[version - 1];
  if (content === undefined) return reply(404, { status: 404, name: "VersionNotFoundException" });
  if (m[3] === undefined) return reply(200, { version: String(version), artifactType: "JSON" });
  return reply(200, content, true);
}
