/**
 * JetStream publishing with the acknowledgements collected on one reply subscription, the way
 * `js.publish` does it minus its per-call costs.
 * @module
 */
import type { Msg, MsgHdrs, NatsConnection, Subscription } from "@nats-io/transport-node";
import { AllFrameError } from "../../errors/allframe-error.ts";

interface Pending {
  readonly subject: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Epoch ms after which the publish fails with a timeout. */
  readonly expires: number;
}

/** The part of a JetStream publish acknowledgement (`PubAck`) or API error read here. */
interface PubAckBody {
  readonly stream?: string;
  readonly error?: { readonly code?: number; readonly err_code?: number; readonly description?: string };
}

/** How often expired publishes are failed, in ms: the granularity of `timeoutMs`. */
const SWEEP_MS = 100;
const UTF8 = new TextDecoder();

/**
 * Publishes to JetStream subjects and resolves when the stream acknowledges the store.
 *
 * Same wire protocol as `js.publish` of `@nats-io/jetstream` (a core publish with a reply subject; the
 * stream answers with a `PubAck` JSON or an API error; a 503 status without body means no stream
 * listens), but all replies arrive on one wildcard subscription (`<inbox>.*`) and one shared timer
 * fails the publishes whose acknowledgement is overdue. The client's `request` arms a timer and
 * builds an `Error` (a stack capture) for every call, even a successful one: about a tenth of a busy
 * outbox relay's CPU (bench `messaging`).
 *
 * Order: publishes made one after another on this publisher go out in call order on the one
 * connection, and the stream stores them in that order.
 * @example
 * const publisher = new JetStreamPublisher(nc, createInbox());
 * await publisher.publish("ALLFRAME.order.placed", payload, headers, 5000);
 */
export class JetStreamPublisher {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #subscription: Subscription;
  readonly #pending = new Map<string, Pending>();
  #next = 0;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** Subscribes `<inbox>.*` on `nc` for the acknowledgements; `inbox` must be unique (`createInbox()`). */
  constructor(nc: NatsConnection, inbox: string) {
    this.#nc = nc;
    this.#prefix = `${inbox}.`;
    this.#subscription = nc.subscribe(`${inbox}.*`, {
      callback: (error, msg) => this.#settle(error, msg),
    });
  }

  /**
   * Publishes `payload` (a UTF-8 string) with `headers` on `subject`.
   * @throws AllFrameError `"unavailable"` when no stream captures `subject`, the stream refuses the
   *   message (its API error is the message) or the publisher is closed; `"timeout"` when no
   *   acknowledgement comes within `timeoutMs` (±100 ms); the client's error when it cannot send.
   */
  publish(subject: string, payload: string, headers: MsgHdrs, timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(subject));
    return new Promise<void>((resolve, reject) => {
      const token = (this.#next++).toString(36);
      this.#pending.set(token, { subject, resolve, reject, expires: Date.now() + timeoutMs });
      try {
        this.#nc.publish(subject, payload, { reply: this.#prefix + token, headers });
      } catch (error) {
        this.#pending.delete(token);
        reject(error);
        return;
      }
      if (this.#sweep === undefined) {
        this.#sweep = setInterval(() => this.#expire(), SWEEP_MS);
        this.#sweep.unref?.();
      }
    });
  }

  /** Fails every publish still waiting, and ends the subscription. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.unsubscribe();
    for (const [token, pending] of this.#pending) {
      this.#pending.delete(token);
      pending.reject(closedError(pending.subject));
    }
    this.#stopSweep();
  }

  #settle(error: Error | null, msg: Msg): void {
    if (error !== null) {
      // The reply subscription itself failed (e.g. a permission error): nothing pending can succeed.
      for (const [token, pending] of this.#pending) {
        this.#pending.delete(token);
        pending.reject(
          new AllFrameError("unavailable", `NATS refused the acknowledgements subscription`, {
            cause: error,
          }),
        );
      }
      return;
    }
    const token = msg.subject.slice(this.#prefix.length);
    const pending = this.#pending.get(token);
    if (pending === undefined) return; // expired meanwhile
    this.#pending.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      pending.reject(new AllFrameError("unavailable", `no JetStream stream captures "${pending.subject}"`));
      return;
    }
    let ack: PubAckBody;
    try {
      ack = JSON.parse(UTF8.decode(msg.data)) as PubAckBody;
    } catch (cause) {
      pending.reject(
        new AllFrameError("unavailable", `JetStream answered "${pending.subject}" with no JSON`, { cause }),
      );
      return;
    }
    if (ack.error !== undefined || typeof ack.stream !== "string" || ack.stream === "") {
      const why = ack.error?.description ?? "an acknowledgement without a stream";
      pending.reject(
        new AllFrameError("unavailable", `JetStream refused a message on "${pending.subject}": ${why}`, {
          details: { code: ack.error?.code, errCode: ack.error?.err_code },
        }),
      );
      return;
    }
    pending.resolve();
  }

  #expire(): void {
    const now = Date.now();
    for (const [token, pending] of this.#pending) {
      if (pending.expires > now) continue;
      this.#pending.delete(token);
      pending.reject(
        new AllFrameError(
          "timeout",
          `JetStream did not acknowledge a message on "${pending.subject}" in time`,
        ),
      );
    }
    if (this.#pending.size === 0) this.#stopSweep();
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }
}

function closedError(subject: string): AllFrameError {
  return new AllFrameError(
    "unavailable",
    `the JetStream publisher is closed; "${subject}" was not acknowledged`,
  );
}
