import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { TLSSocket } from "node:tls";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createMtlsFetch } from "./mtls-fetch.ts";
import { loadMtlsMaterial, type MtlsMaterial } from "./mtls-material.ts";
import { mtlsClientOptions, mtlsServerOptions } from "./mtls-options.ts";
import { createTestPki, type TestPki } from "./test-pki.fixture.ts";

let pki: TestPki;
let server: Server;
let origin = "";
/** Peer CNs of requests that reached the handler. */
const served: unknown[] = [];

before(async () => {
  pki = createTestPki();
  server = createServer(mtlsServerOptions(pki.server), (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    served.push(peer.subject?.CN);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.stringify({
        peer: peer.subject?.CN,
        method: req.method,
        body: Buffer.concat(chunks).toString(),
      });
      res
        .writeHead(req.url === "/missing" ? 404 : 200, {
          "content-type": "application/json",
          "x-trace": "t-1",
        })
        .end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  pki.remove();
});

/** A raw https GET with the given TLS options; resolves with the status or rejects with the TLS error. */
function rawGet(options: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/`, { ...options, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("mTLS server and client options", () => {
  it("let a client with a certificate from the shared CA in", async () => {
    assert.equal(await rawGet(mtlsClientOptions(pki.client)), 200);
  });

  it("refuse a client without a certificate", async () => {
    const before = served.length;
    await assert.rejects(rawGet({ ca: pki.client.ca }), {
      code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
    });
    assert.equal(served.length, before, "the handler never ran");
  });

  it("refuse a client whose certificate comes from another CA", async () => {
    const before = served.length;
    await assert.rejects(rawGet({ ...mtlsClientOptions(pki.stranger), ca: pki.client.ca }), (e) =>
      /ECONNRESET|UNKNOWN_CA|BAD_CERTIFICATE/.test(String((e as NodeJS.ErrnoException).code)),
    );
    assert.equal(served.length, before, "the handler never ran");
  });

  it("make the client refuse a server its CA did not sign", async () => {
    await assert.rejects(
      rawGet(mtlsClientOptions({ ...pki.client, ca: pki.stranger.ca })),
      /self-signed|unable to verify/i,
    );
  });

  it("keep the private key out of logs and JSON", () => {
    assert.doesNotMatch(JSON.stringify(pki.client), /PRIVATE KEY/);
  });
});

describe("createMtlsFetch", () => {
  it("calls a peer with the client certificate, sending and reading bodies and headers", async () => {
    const fetchInternal = createMtlsFetch(pki.client);
    try {
      const res = await fetchInternal(`${origin}/orders`, {
        method: "POST",
        body: '{"sku":"a"}',
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-trace"), "t-1");
      assert.deepEqual(await res.json(), { peer: "client", method: "POST", body: '{"sku":"a"}' });
      const missing = await fetchInternal(new URL(`${origin}/missing`));
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).peer, "client");
    } finally {
      fetchInternal.close();
    }
  });

  it("rejects like fetch when the handshake fails, and refuses plain http", async () => {
    const stranger = createMtlsFetch({ ...pki.stranger, ca: pki.client.ca });
    try {
      await assert.rejects(
        stranger(`${origin}/`),
        (e) => e instanceof TypeError && e.message === "fetch failed",
      );
      await assert.rejects(stranger("http://127.0.0.1:1/"), (e) => hasErrorCode(e, "configuration"));
    } finally {
      stranger.close();
    }
  });

  it("rejects with the abort reason when the signal aborts", async () => {
    const fetchInternal = createMtlsFetch(pki.client);
    try {
      const controller = new AbortController();
      controller.abort(new Error("caller gave up"));
      await assert.rejects(fetchInternal(`${origin}/`, { signal: controller.signal }), /caller gave up/);
    } finally {
      fetchInternal.close();
    }
  });
});

describe("loadMtlsMaterial", () => {
  it("reads the files TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE name", async () => {
    const material: MtlsMaterial = loadMtlsMaterial({
      TLS_CA_FILE: join(pki.dir, "test-ca.crt"),
      TLS_CERT_FILE: join(pki.dir, "client.crt"),
      TLS_KEY_FILE: join(pki.dir, "client.key"),
    });
    assert.equal(await rawGet(mtlsClientOptions(material)), 200);
  });

  it("lists unset variables and names an unreadable file", () => {
    assert.throws(
      () => loadMtlsMaterial({ TLS_CA_FILE: join(pki.dir, "test-ca.crt") }),
      (e) => hasErrorCode(e, "configuration") && /TLS_CERT_FILE, TLS_KEY_FILE are not set/.test(e.message),
    );
    assert.throws(
      () =>
        loadMtlsMaterial({
          TLS_CA_FILE: join(pki.dir, "test-ca.crt"),
          TLS_CERT_FILE: join(pki.dir, "nope.crt"),
          TLS_KEY_FILE: join(pki.dir, "client.key"),
        }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /TLS_CERT_FILE=.*nope\.crt cannot be read \(ENOENT\)/.test(e.message),
    );
  });
});
