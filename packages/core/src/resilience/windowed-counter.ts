/**
 * A count over a sliding time window, kept as a ring of buckets: adding and reading are O(1)
 * amortised and memory is fixed. Backs the retry budget and adaptive throttling.
 * @module
 */

/**
 * Sum of the amounts added during roughly the last `windowMs`: the window is `buckets` slots of
 * `windowMs / buckets` each, so an amount leaves it between `windowMs − windowMs/buckets` and
 * `windowMs` after it was added (whole buckets expire at once).
 */
export class WindowedCounter {
  readonly #slots: Float64Array;
  readonly #slotMs: number;
  #slot = 0;
  #epoch = Number.NEGATIVE_INFINITY;
  #total = 0;

  /** @param windowMs window length, ms (> 0); @param buckets slots in the ring (integer ≥ 1). */
  constructor(windowMs: number, buckets = 10) {
    this.#slots = new Float64Array(buckets);
    this.#slotMs = windowMs / buckets;
  }

  /** Adds `amount` at time `nowMs`. */
  add(nowMs: number, amount = 1): void {
    this.#advance(nowMs);
    this.#slots[this.#slot] = (this.#slots[this.#slot] ?? 0) + amount;
    this.#total += amount;
  }

  /** The sum over the window ending at `nowMs`. */
  total(nowMs: number): number {
    this.#advance(nowMs);
    return this.#total;
  }

  #advance(nowMs: number): void {
    const epoch = Math.floor(nowMs / this.#slotMs);
    if (epoch <= this.#epoch) return;
    const size = this.#slots.length;
    if (epoch - this.#epoch >= size) {
      this.#slots.fill(0);
      this.#total = 0;
    } else {
      for (let step = this.#epoch; step < epoch; step++) {
        this.#slot = (this.#slot + 1) % size;
        this.#total -= this.#slots[this.#slot] ?? 0;
        this.#slots[this.#slot] = 0;
      }
    }
    this.#epoch = epoch;
  }
}
