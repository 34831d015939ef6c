/**
 * An {@link EventBus} for relay tests: records every accepted event in order, refuses the ids it is
 * told to, and can hold publishes at a gate so a test can act while a batch is in flight.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventBus, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";

/** Records publishes; `poison` ids always fail, `failNext` fails that many publishes. */
export class RecordingBus implements EventBus {
  readonly kind = "recording";
  readonly published: EventEnvelope[] = [];
  readonly poison = new Set<string>();
  failNext = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #onHeld: (() => void) | undefined;
  /** Publishes waiting at the gate now. */
  waiting = 0;

  /** Ids in publish order. */
  get ids(): string[] {
    return this.published.map((e) => e.id);
  }

  /** Makes every publish wait until `open()`; resolves once one publish is waiting. */
  hold(): Promise<void> {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
    return new Promise((resolve) => {
      this.#onHeld = resolve;
    });
  }

  open(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.#gate !== undefined) {
      this.#onHeld?.();
      this.waiting++;
      await this.#gate;
      this.waiting--;
    }
    if (this.poison.has(event.id)) throw new TypeError(`cannot publish ${event.id}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new AllFrameError("unavailable", "broker unreachable");
    }
    this.published.push(structuredClone(event));
  }

  subscribe(): Subscription {
    throw new AllFrameError("unsupported", "the recording bus only records publishes");
  }

  async close(): Promise<void> {}
}
