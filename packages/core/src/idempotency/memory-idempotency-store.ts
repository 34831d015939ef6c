/**
 * The embedded idempotency store: a `Map` in this process. Used by `npm run dev` and unit tests;
 * keys do not survive a restart and are not shared between instances.
 * @module
 */
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import {
  type BeginResult,
  closedIdempotencyStoreError,
  type IdempotencyStore,
  type StoredResponse,
  SWEEP_EVERY_BEGINS,
} from "./idempotency-store.ts";

/** Options for {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** Time source for expiry; default the system clock. */
  clock?: Clock;
  /** Lock tokens; default random UUIDs. */
  ids?: IdGenerator;
}

interface Entry {
  fingerprint: string;
  /** Set while locked; undefined once completed. */
  lockToken: string | undefined;
  response: StoredResponse | undefined;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * An {@link IdempotencyStore} in memory. Every method runs synchronously inside one call, so `begin`
 * is atomic on Node's single thread. Expired entries are swept every {@link SWEEP_EVERY_BEGINS} begins.
 *
 * @example
 * const store = new MemoryIdempotencyStore({ clock: new ManualClock() });
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly kind = "memory";
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  #begins = 0;
  #closed = false;

  constructor(opts: MemoryIdempotencyStoreOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
  }

  /** Number of live (unexpired) records; for tests and metrics. */
  get size(): number {
    this.#sweep(this.#clock.now().getTime());
    return this.#entries.size;
  }

  #open(): void {
    if (this.#closed) throw closedIdempotencyStoreError(this.kind);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  async begin(scopeKey: string, fingerprint: string, lockTtlMs: number): Promise<BeginResult> {
    this.#open();
    const now = this.#clock.now().getTime();
    if (++this.#begins % SWEEP_EVERY_BEGINS === 0) this.#sweep(now);
    const entry = this.#entries.get(scopeKey);
    if (entry !== undefined && entry.expiresAt > now) {
      if (entry.response !== undefined) {
        return { state: "completed", fingerprint: entry.fingerprint, response: copy(entry.response) };
      }
      return { state: "in-flight", fingerprint: entry.fingerprint };
    }
    const lockToken = this.#ids();
    this.#entries.set(scopeKey, { fingerprint, lockToken, response: undefined, expiresAt: now + lockTtlMs });
    return { state: "started", lockToken };
  }

  async complete(
    scopeKey: string,
    lockToken: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<boolean> {
    this.#open();
    const entry = this.#entries.get(scopeKey);
    if (entry === undefined || entry.lockToken !== lockToken) return false;
    entry.lockToken = undefined;
    entry.response = copy(response);
    entry.expiresAt = this.#clock.now().getTime() + ttlMs;
    return true;
  }

  async release(scopeKey: string, lockToken: string): Promise<void> {
    this.#open();
    if (this.#entries.get(scopeKey)?.lockToken === lockToken) this.#entries.delete(scopeKey);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
  }
}

function copy(response: StoredResponse): StoredResponse {
  return { status: response.status, headers: { ...response.headers }, bodyBase64: response.bodyBase64 };
}
