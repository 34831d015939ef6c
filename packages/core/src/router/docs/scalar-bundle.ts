/**
 * Scalar's standalone browser bundle (`@scalar/api-reference/browser/standalone.js`), served from
 * the installed npm package so the docs page works offline, without a CDN.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { AllFrameError } from "../../errors/allframe-error.ts";

/** The bundle, read once: raw and gzipped bytes, and an ETag (first 16 hex digits of its SHA-256). */
export interface ScalarBundle {
  readonly raw: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

let loading: Promise<ScalarBundle> | undefined;

async function load(): Promise<ScalarBundle> {
  const file = fileURLToPath(import.meta.resolve("@scalar/api-reference/browser/standalone.js"));
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (cause) {
    throw new AllFrameError(
      "configuration",
      `cannot read Scalar's browser bundle at ${file}; reinstall @scalar/api-reference`,
      { cause },
    );
  }
  const gzipped = await promisify(gzip)(raw);
  return { raw, gzipped, etag: `"${createHash("sha256").update(raw).digest("hex").slice(0, 16)}"` };
}

/**
 * Loads the bundle once per process (3.5 MB; gzipped once, off the event loop).
 * @throws AllFrameError `configuration` when the package is missing; a later call tries again.
 */
export function scalarBundle(): Promise<ScalarBundle> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/**
 * Answers with the bundle: `text/javascript`, gzip when the client accepts it, and cached for a
 * year as immutable (the page links it with `?v=<etag>`, so a new Scalar version is a new URL);
 * `If-None-Match` with the current ETag gets 304.
 */
export async function serveScalarBundle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bundle = await scalarBundle();
  const headers: Record<string, string | number> = {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "public, max-age=31536000, immutable",
    etag: bundle.etag,
    vary: "accept-encoding",
  };
  if (req.headers["if-none-match"] === bundle.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzipOk = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
  const body = gzipOk ? bundle.gzipped : bundle.raw;
  if (gzipOk) headers["content-encoding"] = "gzip";
  headers["content-length"] = body.length;
  res.writeHead(200, headers).end(body);
}
