/**
 * Reads a REST request's JSON body with a size limit. Over the limit the request is answered 413
 * and its connection closed, without buffering the rest (the body is drained, not stored).
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HTTPException } from "hono/http-exception";
import { AllFrameError } from "../../errors/allframe-error.ts";

/** `application/json`, `application/problem+json`, ... with optional parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

function tooLarge(res: ServerResponse, limitBytes: number): HTTPException {
  // The unread rest of the body would otherwise be parsed as the next request on this connection.
  res.setHeader("connection", "close");
  return new HTTPException(413, {
    message: `request body exceeds ${limitBytes} bytes; send a smaller body`,
  });
}

function readText(req: IncomingMessage, res: ServerResponse, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.resume();
      reject(tooLarge(res, limitBytes));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onClose = () => {
      stop();
      reject(new AllFrameError("validation", "request body was cut off: the client closed the connection"));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
    req.once("error", onClose);
  });
}

/**
 * Reads the body of `req` as a JSON object.
 *
 * @param limitBytes largest accepted body, in bytes.
 * @returns the parsed object, or undefined when the request has no body (no `Content-Length` and no
 *   `Transfer-Encoding`, or an empty one).
 * @throws Hono `HTTPException` 413 when the body (declared or read) exceeds `limitBytes`; 415 when a
 *   body comes without a JSON `Content-Type`. AllFrameError `validation` "request body is not valid
 *   JSON", "request body must be a JSON object, not an array", or when the client hangs up mid-body.
 */
export async function readJsonObject(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number,
): Promise<Record<string, unknown> | undefined> {
  const declared = req.headers["content-length"];
  if (declared === undefined ? req.headers["transfer-encoding"] === undefined : Number(declared) === 0) {
    return undefined;
  }
  if (Number(declared) > limitBytes) throw tooLarge(res, limitBytes);
  const type = req.headers["content-type"];
  if (type === undefined || !JSON_MEDIA_TYPE.test(type)) {
    throw new HTTPException(415, {
      message: `request body must be JSON: send Content-Type: application/json (got ${type ?? "none"})`,
    });
  }
  const text = await readText(req, res, limitBytes);
  if (text.trim() === "") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new AllFrameError("validation", "request body is not valid JSON", { cause });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const kind = body === null ? "null" : Array.isArray(body) ? "an array" : typeof body;
    throw new AllFrameError("validation", `request body must be a JSON object, not ${kind}`);
  }
  return body as Record<string, unknown>;
}
