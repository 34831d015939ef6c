/**
 * The inline handlers of one store: run inside each append's backend transaction, with undo hooks for
 * in-memory writes (pattern: Marten's inline projections; Emmett's `inlineProjections`).
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RecordedEvent } from "./event.ts";
import type { BackendTransaction } from "./event-store-backend.ts";
import type { InlineHandler, InlineTransaction, Logger } from "./event-types.ts";

/** Runs handlers in registration order; knows whether the current async context is one of them. */
export class InlineHandlers {
  readonly #handlers = new Set<InlineHandler>();
  readonly #inside = new AsyncLocalStorage<true>();
  readonly #logger: Logger | undefined;

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#handlers.size;
  }

  /** True while running inside an inline handler (where appending would wait for itself). */
  get active(): boolean {
    return this.#inside.getStore() === true;
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
    await this.#inside.run(true, async () => {
      for (const handler of [...this.#handlers]) await handler(events, inlineTx);
    });
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
