/**
 * Runs a decider against an event stream with optimistic concurrency (seed 001, "CQRS Infrastructure"
 * phase 2, CommandBus; retry loop after Emmett's `CommandHandler`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { ConcurrencyError, isConcurrencyError } from "./concurrency-error.ts";
import type { Decider } from "./decider.ts";
import type { EventShape, RecordedEvent } from "./event.ts";
import type { EventStore } from "./event-store.ts";

/** Options of `CommandHandler`. */
export interface CommandHandlerOptions {
  /** How many times to re-load and decide again after a ConcurrencyError; default 3 (so 4 attempts). */
  readonly maxRetries?: number;
}

/** The outcome of a handled command. */
export interface HandledCommand<E extends EventShape, S> {
  /** The events this command appended; `[]` when the decider decided nothing. */
  readonly events: RecordedEvent<E>[];
  /** The state after those events. */
  readonly state: S;
  /** The stream's version after those events (-1 for a stream that still has none). */
  readonly version: number;
}

/**
 * Loads a stream, folds it through `decider.evolve`, calls `decider.decide`, and appends the result
 * expecting the version it loaded. On a ConcurrencyError it starts again with fresh state, up to
 * `maxRetries` times, unless the caller pinned `expectedVersion`: then the conflict is the caller's
 * answer and is thrown at once.
 *
 * @throws whatever `decide` throws (e.g. AllFrameError `"validation"`), unchanged; ConcurrencyError
 *   when the caller's version is stale or retries run out; the store's other append errors.
 *
 * @example
 * const handler = new CommandHandler(store, inventoryDecider);
 * const { state, version } = await handler.handle("sku-1", { type: "ShipStock", qty: 2 });
 */
export class CommandHandler<C, E extends EventShape, S> {
  readonly #store: EventStore;
  readonly #decider: Decider<C, E, S>;
  readonly #maxRetries: number;

  constructor(store: EventStore, decider: Decider<C, E, S>, opts: CommandHandlerOptions = {}) {
    const maxRetries = opts.maxRetries ?? 3;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new AllFrameError("validation", `maxRetries must be an integer >= 0, got ${maxRetries}`);
    }
    this.#store = store;
    this.#decider = decider;
    this.#maxRetries = maxRetries;
  }

  /** The stream's current state and version (-1 for no events), folded from its first event. */
  async load(streamId: string): Promise<{ state: S; version: number }> {
    const events = await this.#store.readStream(streamId);
    let state = this.#decider.initialState();
    for (const event of events) state = this.#decider.evolve(state, event as unknown as E);
    return { state, version: events.at(-1)?.version ?? -1 };
  }

  /**
   * Handles one command against `streamId`. `expectedVersion`, when given, is the version the caller
   * based its command on (-1 for a new stream); it is checked before deciding and at append.
   */
  async handle(
    streamId: string,
    command: C,
    opts: { readonly expectedVersion?: number } = {},
  ): Promise<HandledCommand<E, S>> {
    const pinned = opts.expectedVersion;
    for (let attempt = 0; ; attempt++) {
      const { state, version } = await this.load(streamId);
      if (pinned !== undefined && pinned !== version) throw new ConcurrencyError(streamId, pinned, version);
      const decided = this.#decider.decide(command, state);
      if (decided.length === 0) return { events: [], state, version };
      try {
        const { events, nextExpectedVersion } = await this.#store.append<E>(
          streamId,
          decided.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion: version },
        );
        const next = events.reduce((s, e) => this.#decider.evolve(s, e as unknown as E), state);
        return { events, state: next, version: nextExpectedVersion };
      } catch (error) {
        if (!isConcurrencyError(error) || pinned !== undefined || attempt >= this.#maxRetries) throw error;
      }
    }
  }
}
