/**
 * The inline handlers of one store: run inside each append's backend transaction, with undo hooks for
 * in-memory writes (pattern: Marten's inline projections; Emmett's `inlineProjections`).
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import type { BackendTransaction, EventStoreBackend } from "./event-store-backend.ts";
import type { InlineHandler, InlineTransaction, Logger } from "./event-types.ts";

/** Runs handlers in registration order; knows whether the current async context is one of them. */
export class InlineHandlers {
  readonly #handlers = new Set<InlineHandler>();
  readonly #inside = new AsyncLocalStorage<true>();
  readonly #logger: Logger | undefined;
  /** Handler runs in progress, so `active` skips the async-context lookup when there are none. */
  #running = 0;

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#handlers.size;
  }

  /** True while running inside an inline handler (where appending would wait for itself). */
  get active(): boolean {
    return this.#running > 0 && this.#inside.getStore() === true;
  }

  /** Adds `handler`; returns a function that removes it. */
  add(handler: InlineHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Runs every handler on `events` in `tx`; undo hooks they register go to `undo`. Throws what they throw. */
  async run(
    tx: BackendTransaction,
    events: readonly RecordedEvent[],
    undo: Array<() => void>,
  ): Promise<void> {
    const inlineTx: InlineTransaction = {
      kind: tx.kind,
      backendTransaction: tx,
      onRollback: (fn) => void undo.push(fn),
      ...(tx.query ? { query: tx.query.bind(tx) } : {}),
    };
    this.#running++;
    try {
      await this.#inside.run(true, async () => {
        for (const handler of [...this.#handlers]) await handler(events, inlineTx);
      });
    } finally {
      this.#running--;
    }
  }

  /**
   * Appends through `backend` with the handlers run in the append's transaction (on events passed
   * through `up`), rolling back their in-memory changes if it fails; `newIds` as in `AppendOptions`.
   * Resolves with the recorded events and whether they are new (false for an idempotent retry).
   */
  async append(
    backend: EventStoreBackend,
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    up: (event: RecordedEvent) => RecordedEvent,
    newIds = false,
  ): Promise<[RecordedEvent[], boolean]> {
    let fresh = false;
    const undo: Array<() => void> = [];
    try {
      const recorded = await backend.append(streamId, drafts, expected, {
        newIds,
        inTransaction: async (tx, committed) => {
          fresh = true;
          if (this.#handlers.size > 0) await this.run(tx, committed.map(up), undo);
        },
      });
      return [recorded, fresh];
    } catch (error) {
      this.rollBack(undo);
      throw error;
    }
  }

  /** Runs `undo` newest first, after an append that ran handlers did not commit. */
  rollBack(undo: Array<() => void>): void {
    for (const fn of undo.reverse()) {
      try {
        fn();
      } catch (err) {
        this.#logger?.error({ err }, "rollback of an inline change failed");
      }
    }
  }
}
