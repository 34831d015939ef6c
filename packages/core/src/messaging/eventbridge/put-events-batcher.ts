/**
 * Groups the entries of concurrent publishes into `PutEvents` calls (at most 10 entries and 256 KB
 * per call, EventBridge's limits) and settles each entry on its own result: `PutEvents` succeeds as a
 * call even when entries fail (`FailedEntryCount`, and an `ErrorCode` per entry in request order), so
 * one publisher's entry may be refused while the others are stored. Each publisher retries its own
 * entry (`retryUntilStored`), and the retries are batched again.
 * Source: "Calculating PutEvents event entry size" and `PutEventsResultEntry` in the EventBridge docs.
 * @module
 */
import type { PutEventsCommandOutput, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { AllFrameError } from "../../errors/allframe-error.ts";

/** The most bytes EventBridge takes for one `PutEvents` entry, and for all entries of one call. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** The most entries in one `PutEvents` call. */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/** Entry error codes worth trying again; EventBridge documents every other code as permanent. */
const RETRYABLE = new Set(["InternalFailure", "ThrottlingException"]);

/**
 * The size EventBridge counts for an entry, in bytes: 14 for `Time` when set, plus the UTF-8 bytes of
 * `Source`, `DetailType`, `Detail` and each of `Resources`.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));
  let size = (entry.Time === undefined ? 0 : 14) + bytes(entry.Source) + bytes(entry.DetailType);
  size += bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/**
 * The error a refused entry rejects with: `unavailable` for `InternalFailure` and
 * `ThrottlingException` (try again), `forbidden` for the access codes (`AccessDeniedException`,
 * `NotAuthorizedFor...`), `validation` for the other permanent ones (`InvalidArgument`,
 * `MalformedDetail`, ...). The message names the EventBridge code and message.
 */
export function entryError(code: string, message: string | undefined): AllFrameError {
  const text = `EventBridge refused the entry: ${code}${message === undefined ? "" : ` (${message})`}`;
  if (RETRYABLE.has(code)) return new AllFrameError("unavailable", text);
  const access = code.startsWith("AccessDenied") || code.startsWith("NotAuthorized");
  return new AllFrameError(access ? "forbidden" : "validation", text);
}

interface Pending {
  entry: PutEventsRequestEntry;
  size: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Sends the entries put during one turn of the event loop together. */
export class PutEventsBatcher {
  readonly #send: (entries: PutEventsRequestEntry[]) => Promise<PutEventsCommandOutput>;
  #queue: Pending[] = [];
  #scheduled = false;

  /** `send` makes one `PutEvents` call with the given entries (≤ 10, ≤ 256 KB together). */
  constructor(send: (entries: PutEventsRequestEntry[]) => Promise<PutEventsCommandOutput>) {
    this.#send = send;
  }

  /**
   * Queues one entry of at most {@link MAX_PUT_EVENTS_BYTES} (checked by the caller); resolves once
   * EventBridge stored it.
   * @throws AllFrameError from {@link entryError} when EventBridge refused the entry; the client's
   *   error when the call failed as a whole.
   */
  put(entry: PutEventsRequestEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, size: putEventsEntrySize(entry), resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    while (queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < Math.min(queue.length, MAX_PUT_EVENTS_ENTRIES)) {
        const size = queue[count]?.size ?? 0;
        if (count > 0 && bytes + size > MAX_PUT_EVENTS_BYTES) break;
        bytes += size;
        count += 1;
      }
      void this.#call(queue.splice(0, count));
    }
  }

  async #call(batch: Pending[]): Promise<void> {
    let out: PutEventsCommandOutput;
    try {
      out = await this.#send(batch.map((pending) => pending.entry));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const result = out.Entries?.[i];
      if (!result?.ErrorCode) pending.resolve();
      else pending.reject(entryError(result.ErrorCode, result.ErrorMessage));
    });
  }
}
