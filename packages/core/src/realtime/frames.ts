/**
 * The hub's wire protocol: JSON text frames. Client → server: `subscribe` / `unsubscribe` with event
 * type names (`"*"` for every type). Server → client: `welcome`, `subscribed` (the connection's full
 * subscription list after a change), `event`, and `error` for a frame the server could not use.
 * @module
 */
import { z } from "zod";

/** Most event types one connection may subscribe to at once. */
export const MAX_SUBSCRIPTIONS = 256;

const eventNames = z.array(z.string().min(1).max(200)).min(1).max(MAX_SUBSCRIPTIONS);

/** Schema of a frame a client may send. */
export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), events: eventNames }),
  z.object({ type: z.literal("unsubscribe"), events: eventNames }),
]);

/** A frame a client may send. */
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** A frame the server sends. */
export type ServerFrame =
  | { readonly type: "welcome"; readonly connectionId: string }
  | { readonly type: "subscribed"; readonly events: readonly string[] }
  | { readonly type: "event"; readonly event: string; readonly payload: unknown }
  | { readonly type: "error"; readonly message: string };

/** Parses one received frame into a client frame, or the message of an `error` frame to answer with. */
export function parseClientFrame(
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): ClientFrame | string {
  if (isBinary) return "frames must be JSON text, not binary";
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const text = bytes.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "frame is not valid JSON";
  }
  const parsed = clientFrameSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join(".") : "frame"}: ${i.message}`,
  );
  return `invalid frame: ${problems.join("; ")}`;
}
