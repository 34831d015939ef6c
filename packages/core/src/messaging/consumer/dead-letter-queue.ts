/**
 * Where a consumer parks an event it could not handle after every retry, so nothing is lost
 * silently and an operator can inspect and redrive it (the seed's consumer `dead_letter_queue`).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventEnvelope } from "../event-envelope.ts";

/** One parked event. */
export interface DeadLetter {
  /** Id of this entry (not the event's id). */
  id: string;
  /** The event exactly as delivered. */
  event: EventEnvelope;
  /** The last error: its name and message (never the stack, which stays in the logs). */
  error: { name: string; message: string };
  /** How many times the handler ran: 1 + retries. */
  attempts: number;
  /** Name of the consumer that gave up. */
  consumer: string;
  /** When it was parked, ISO-8601. */
  deadLetteredAt: string;
}

/** The dead-letter queue port; implementations pass `runDeadLetterQueueContract`. */
export interface DeadLetterQueue {
  /** @throws AllFrameError `conflict` when an entry with this id exists. */
  add(entry: DeadLetter): Promise<void>;
  /** Every entry, oldest first. */
  list(): Promise<DeadLetter[]>;
  /** Removes and returns the entry, or `undefined` if there is none with this id. */
  remove(id: string): Promise<DeadLetter | undefined>;
  size(): Promise<number>;
}

/**
 * Checks that `entry` belongs in a queue limited to `consumer` (no limit when undefined).
 * @throws AllFrameError `validation` naming both consumers otherwise.
 */
export function assertDeadLetterConsumer(entry: DeadLetter, consumer: string | undefined): void {
  if (consumer !== undefined && entry.consumer !== consumer)
    throw new AllFrameError(
      "validation",
      `this dead-letter queue holds consumer "${consumer}"'s entries; dead letter ${entry.id} is from "${entry.consumer}"`,
    );
}

/**
 * A dead-letter queue in memory (lost on restart). Entries are stored as JSON copies, as a durable
 * queue would store them.
 */
export class InMemoryDeadLetterQueue implements DeadLetterQueue {
  readonly #entries = new Map<string, string>();

  async add(entry: DeadLetter): Promise<void> {
    if (this.#entries.has(entry.id)) {
      throw new AllFrameError("conflict", `dead letter ${entry.id} already exists`);
    }
    this.#entries.set(entry.id, JSON.stringify(entry));
  }

  async list(): Promise<DeadLetter[]> {
    return [...this.#entries.values()].map((json) => JSON.parse(json) as DeadLetter);
  }

  async remove(id: string): Promise<DeadLetter | undefined> {
    const json = this.#entries.get(id);
    if (json === undefined) return undefined;
    this.#entries.delete(id);
    return JSON.parse(json) as DeadLetter;
  }

  async size(): Promise<number> {
    return this.#entries.size;
  }
}
