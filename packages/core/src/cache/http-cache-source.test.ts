import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { httpCacheSource } from "./http-cache-source.ts";

describe("httpCacheSource", () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? "");
      if (req.url === "/products/p%2F1")
        res.writeHead(200, { "content-type": "application/json" }).end('{"name":"Widget"}');
      else if (req.url === "/products/down") res.writeHead(503).end("busy");
      else if (req.url === "/products/text") res.writeHead(200).end("not json");
      else if (req.url === "/products/hang")
        return; // never answers: only the client's timeout ends it
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/products/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("GETs <base>/<encoded key> and answers the JSON body, or undefined on 404", async () => {
    const load = httpCacheSource({ baseUrl: base });
    assert.deepEqual(await load("p/1"), { name: "Widget" });
    assert.equal(await load("missing"), undefined);
    assert.deepEqual(seen.slice(0, 2), ["/products/p%2F1", "/products/missing"]);
  });

  it("rejects with unavailable for another status or a non-JSON body, and timeout when too slow", async () => {
    const load = httpCacheSource({ baseUrl: base, timeoutMs: 50 });
    await assert.rejects(
      load("down"),
      (e) => hasErrorCode(e, "unavailable") && /answered 503/.test(e.message),
    );
    await assert.rejects(load("text"), (e) => hasErrorCode(e, "unavailable") && /non-JSON/.test(e.message));
    await assert.rejects(load("hang"), (e) => hasErrorCode(e, "timeout"));
    const unreachable = httpCacheSource({ baseUrl: "http://127.0.0.1:1/x" });
    await assert.rejects(
      unreachable("k"),
      (e) => hasErrorCode(e, "unavailable") && !e.message.includes("127.0.0.1"),
    );
  });
});
