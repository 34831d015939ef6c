/**
 * The relay's marking step, coalesced: published ids wait here for one `markPublished` in flight at a
 * time, and the ids of every batch that finished meanwhile go out together in the next one.
 * @module
 */

/**
 * Marks published outbox messages with one store call in flight at a time. Ids added while a call runs
 * are marked together by the next one, so under load a relay pays one round trip (one
 * `DELETE ... WHERE message_id = ANY($1)` on PostgreSQL) for several batches, and a slow mark never
 * holds up publishing. A failed call is reported to `onFailure` (its messages stay leased, and are
 * published again after the lease: at-least-once); the queue carries on with the next ids.
 *
 * `onMarked(tag)` runs after each successful call with the smallest `tag` among the batches it marked
 * (the relay passes its wake-up count at claim time, to claim again when commits came in meanwhile:
 * their messages may have waited for these keys).
 */
export class OutboxMarkQueue {
  readonly #mark: (ids: readonly string[]) => Promise<void>;
  readonly #onMarked: (tag: number) => void;
  readonly #onFailure: (error: unknown) => void;
  #pending: string[] = [];
  #tag = Number.POSITIVE_INFINITY;
  #running: Promise<void> | undefined;

  constructor(
    mark: (ids: readonly string[]) => Promise<void>,
    onMarked: (tag: number) => void,
    onFailure: (error: unknown) => void,
  ) {
    this.#mark = mark;
    this.#onMarked = onMarked;
    this.#onFailure = onFailure;
  }

  /** Queues `ids` (one published batch) for marking; `tag` as described on the class. */
  add(ids: readonly string[], tag: number): void {
    if (ids.length === 0) return;
    this.#pending.push(...ids);
    this.#tag = Math.min(this.#tag, tag);
    this.#running ??= this.#run();
  }

  /** Resolves once every id added so far has been marked or its call has failed; never rejects. */
  settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    while (this.#pending.length > 0) {
      const ids = this.#pending;
      const tag = this.#tag;
      this.#pending = [];
      this.#tag = Number.POSITIVE_INFINITY;
      try {
        await this.#mark(ids);
        this.#onMarked(tag);
      } catch (error) {
        this.#onFailure(error);
      }
    }
    this.#running = undefined;
  }
}
