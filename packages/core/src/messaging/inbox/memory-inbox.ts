/**
 * The in-memory inbox, for unit tests and `npm run dev` without a database.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { assertInboxKey, type Inbox, type InboxResult, type MemoryInboxTransaction } from "./inbox.ts";

const memoryTransaction: MemoryInboxTransaction = Object.freeze({
  kind: "memory" as const,
  query: async () => {
    throw new AllFrameError("unsupported", "the memory inbox has no SQL; write effects in memory");
  },
});

/**
 * An {@link Inbox} in a `Map` (lost on restart). Calls with the same consumer and id take turns; the id
 * is recorded only when `work` resolves. Effects `work` made before throwing are not undone: there is
 * no transaction to roll back, which is why production consumers use the SQL inboxes.
 */
export class MemoryInbox implements Inbox {
  readonly kind = "memory";
  readonly #handled = new Map<string, number>();
  readonly #turns = new Map<string, Promise<unknown>>();
  readonly #clock: Clock;

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock ?? systemClock;
  }

  async handleOnce<T>(
    messageId: string,
    consumer: string,
    work: (tx: MemoryInboxTransaction) => Promise<T>,
  ): Promise<InboxResult<T>> {
    assertInboxKey(messageId, consumer);
    const key = JSON.stringify([consumer, messageId]);
    const previous = this.#turns.get(key) ?? Promise.resolve();
    const turn = previous.then(async (): Promise<InboxResult<T>> => {
      if (this.#handled.has(key)) return { status: "duplicate" };
      const value = await work(memoryTransaction);
      this.#handled.set(key, this.#clock.now().getTime());
      return { status: "handled", value };
    });
    const settled = turn.catch(() => undefined);
    this.#turns.set(key, settled);
    void settled.then(() => {
      if (this.#turns.get(key) === settled) this.#turns.delete(key);
    });
    return turn;
  }

  async has(messageId: string, consumer: string): Promise<boolean> {
    return this.#handled.has(JSON.stringify([consumer, messageId]));
  }

  async purge(before: Date): Promise<number> {
    let removed = 0;
    for (const [key, at] of this.#handled) {
      if (at < before.getTime()) {
        this.#handled.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}
