/**
 * A keyed read model in process memory whose writes roll back with the append that made them, for
 * inline projections on any backend (pattern: Marten's inline projections, which commit their
 * documents in the append's transaction).
 * @module
 */

/** Where a write registers its undo; `ProjectionTransaction` is one. */
export interface RollbackScope {
  onRollback(undo: () => void): void;
}

/**
 * Rows by key. `set` and `delete` take the projection's transaction and register an undo on it, so a
 * rolled-back append leaves no row behind; without a transaction they are plain writes.
 *
 * @example
 * const levels = new InMemoryReadModel<number>();
 * const projection = { name: "InventoryLevel", handles: ["StockReceived"],
 *   apply: (e, tx) => levels.set(e.data.sku, (levels.get(e.data.sku) ?? 0) + e.data.quantity, tx) };
 */
export class InMemoryReadModel<V> {
  readonly #rows = new Map<string, V>();

  /** The row under `key`, or undefined. */
  get(key: string): V | undefined {
    return this.#rows.get(key);
  }

  /** Whether a row is stored under `key`. */
  has(key: string): boolean {
    return this.#rows.has(key);
  }

  /** How many rows are stored. */
  get size(): number {
    return this.#rows.size;
  }

  /** Every row as `[key, row]`, in insertion order. */
  entries(): Array<[string, V]> {
    return [...this.#rows.entries()];
  }

  /** The rows as a plain object (tests, JSON responses). */
  toJSON(): Record<string, V> {
    return Object.fromEntries(this.#rows);
  }

  /** Stores `value` under `key`; undone if `tx` rolls back. */
  set(key: string, value: V, tx?: RollbackScope): void {
    this.#remember(key, tx);
    this.#rows.set(key, value);
  }

  /** Removes the row under `key`; undone if `tx` rolls back. */
  delete(key: string, tx?: RollbackScope): void {
    this.#remember(key, tx);
    this.#rows.delete(key);
  }

  /** Removes every row (a rebuild's reset); not transactional. */
  clear(): void {
    this.#rows.clear();
  }

  #remember(key: string, tx: RollbackScope | undefined): void {
    if (tx === undefined) return;
    const had = this.#rows.has(key);
    const before = this.#rows.get(key) as V;
    tx.onRollback(() => {
      if (had) this.#rows.set(key, before);
      else this.#rows.delete(key);
    });
  }
}
