/**
 * Runs a decider against an event stream with optimistic concurrency and snapshots (seed 001, "CQRS
 * Infrastructure" phase 2, CommandBus; seed 000, `snapshot_frequency`; retry loop after Emmett's
 * `CommandHandler`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type CommandSchemas, commandTypeOf, validateCommand } from "./command-validation.ts";
import { ConcurrencyError, isConcurrencyError } from "./concurrency-error.ts";
import type { Decider } from "./decider.ts";
import type { EventShape } from "./event.ts";
import type { AppendMetadata } from "./event-drafts.ts";
import type { EventStore } from "./event-store.ts";
import type { Logger, RecordedEventOf } from "./event-types.ts";

/** Turns a state into what a snapshot stores (JSON) and back; default: the state as is. */
export interface SnapshotCodec<S> {
  encode(state: S): unknown;
  decode(stored: unknown): S;
}

/** Options of `CommandHandler`. */
export interface CommandHandlerOptions<S = unknown> {
  /** How many times to re-load and decide again after a ConcurrencyError; default 3 (so 4 attempts). */
  readonly maxRetries?: number;
  /**
   * Save a snapshot of the state each time an append crosses a multiple of this many events (seed:
   * `snapshot_frequency`), and start loads from the latest snapshot. Default: no snapshots.
   */
  readonly snapshotFrequency?: number;
  /** The schema version of the state; snapshots of another version are ignored. Default 1. */
  readonly snapshotSchemaVersion?: number;
  /** How the state goes into a snapshot and comes back (needed for Maps, Dates, classes). */
  readonly snapshotCodec?: SnapshotCodec<S>;
  /** Zod schemas by command `type`: matching commands are validated (and replaced by the output). */
  readonly schemas?: CommandSchemas;
  /** Receives snapshot failures, which never fail a command. */
  readonly logger?: Logger;
}

/** Options of one `handle`: a pinned version and the metadata stamped on the appended events. */
export interface HandleOptions extends AppendMetadata {
  /** The version the caller based its command on (-1 for a new stream): checked, never retried. */
  readonly expectedVersion?: number;
}

/** The outcome of a handled command. */
export interface HandledCommand<E extends EventShape, S> {
  /** The events this command appended; `[]` when the decider decided nothing. */
  readonly events: RecordedEventOf<E>[];
  /** The state after those events. */
  readonly state: S;
  /** The stream's version after those events (-1 for a stream that still has none). */
  readonly version: number;
}

/** A loaded aggregate. */
export interface LoadedState<S> {
  readonly state: S;
  /** The version of the last event folded in; -1 for no events. */
  readonly version: number;
  /** The snapshot version the load started from, when it used one. */
  readonly fromSnapshot?: number;
}

/**
 * Loads a stream (from its latest snapshot when snapshots are on), folds it through `decider.evolve`,
 * calls `decider.decide`, and appends the result expecting the version it loaded. On a
 * ConcurrencyError it starts again with fresh state, up to `maxRetries` times, unless the caller
 * pinned `expectedVersion`: then the conflict is the caller's answer and is thrown at once.
 *
 * @throws AllFrameError `"validation"` with field `issues` when a command fails its schema; whatever
 *   `decide` throws, unchanged; ConcurrencyError when the pinned version is stale or retries run out;
 *   the store's other append errors.
 *
 * @example
 * const handler = new CommandHandler(store, inventoryDecider, { snapshotFrequency: 100 });
 * const { state, version } = await handler.handle("inventory-sku-1", { type: "ShipStock", sku: "sku-1", quantity: 2 });
 */
export class CommandHandler<C, E extends EventShape, S> {
  readonly #store: EventStore;
  readonly #decider: Decider<C, E, S>;
  readonly #maxRetries: number;
  readonly #snapshotFrequency: number | undefined;
  readonly #snapshotSchemaVersion: number;
  readonly #codec: SnapshotCodec<S> | undefined;
  readonly #schemas: CommandSchemas;
  readonly #logger: Logger | undefined;

  /** @throws AllFrameError `"validation"` for a negative or fractional option. */
  constructor(
    store: EventStore<E> | EventStore,
    decider: Decider<C, E, S>,
    opts: CommandHandlerOptions<S> = {},
  ) {
    this.#maxRetries = integerOption("maxRetries", opts.maxRetries ?? 3, 0);
    this.#snapshotFrequency =
      opts.snapshotFrequency === undefined
        ? undefined
        : integerOption("snapshotFrequency", opts.snapshotFrequency, 1);
    this.#snapshotSchemaVersion = integerOption("snapshotSchemaVersion", opts.snapshotSchemaVersion ?? 1, 1);
    this.#store = store;
    this.#decider = decider;
    this.#codec = opts.snapshotCodec;
    this.#schemas = opts.schemas ?? {};
    this.#logger = opts.logger;
  }

  /** The stream's current state and version (-1 for no events), from its snapshot when there is one. */
  async load(streamId: string): Promise<LoadedState<S>> {
    let state = this.#decider.initialState();
    let from = -1;
    const snapshot =
      this.#snapshotFrequency === undefined ? undefined : await this.#store.loadSnapshot(streamId);
    if (snapshot !== undefined && snapshot.schemaVersion === this.#snapshotSchemaVersion) {
      try {
        state = this.#codec ? this.#codec.decode(snapshot.state) : (snapshot.state as S);
        from = snapshot.version;
      } catch (err) {
        this.#logger?.error(
          { err, streamId, version: snapshot.version },
          "snapshot unreadable; folding all events",
        );
      }
    }
    const events = await this.#store.readStream(streamId, { fromVersion: from + 1 });
    for (const event of events) state = this.#decider.evolve(state, event as unknown as E);
    const version = events.at(-1)?.version ?? from;
    return from >= 0 ? { state, version, fromSnapshot: from } : { state, version };
  }

  /** Handles one command against `streamId`; see the class. */
  async handle(streamId: string, command: C, opts: HandleOptions = {}): Promise<HandledCommand<E, S>> {
    const checked = this.#validate(command);
    const { expectedVersion: pinned, ...metadata } = opts;
    for (let attempt = 0; ; attempt++) {
      const { state, version } = await this.load(streamId);
      if (pinned !== undefined && pinned !== version) throw new ConcurrencyError(streamId, pinned, version);
      const decided = this.#decider.decide(checked, state);
      if (decided.length === 0) return { events: [], state, version };
      try {
        const { events, nextExpectedVersion } = await this.#store.append(
          streamId,
          decided.map((e) => ({ type: e.type, data: e.data })),
          { ...metadata, expectedVersion: version },
        );
        const next = events.reduce((s, e) => this.#decider.evolve(s, e as unknown as E), state);
        await this.#maybeSnapshot(streamId, version, nextExpectedVersion, next);
        return { events: events as RecordedEventOf<E>[], state: next, version: nextExpectedVersion };
      } catch (error) {
        if (!isConcurrencyError(error) || pinned !== undefined || attempt >= this.#maxRetries) throw error;
      }
    }
  }

  #validate(command: C): C {
    const type = commandTypeOf(command);
    const schema = type === undefined ? undefined : this.#schemas[type];
    return schema === undefined || type === undefined
      ? command
      : (validateCommand(schema, command, type) as C);
  }

  /** Saves a snapshot when versions `before` → `after` crossed a multiple of the frequency. */
  async #maybeSnapshot(streamId: string, before: number, after: number, state: S): Promise<void> {
    const every = this.#snapshotFrequency;
    if (every === undefined || Math.floor((before + 1) / every) === Math.floor((after + 1) / every)) return;
    try {
      await this.#store.saveSnapshot({
        streamId,
        version: after,
        state: this.#codec ? this.#codec.encode(state) : state,
        schemaVersion: this.#snapshotSchemaVersion,
      });
    } catch (err) {
      this.#logger?.error({ err, streamId, version: after }, "snapshot failed; the command stands");
    }
  }
}

function integerOption(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new AllFrameError("validation", `${name} must be an integer >= ${min}, got ${value}`, {
      issues: [{ path: [name], message: `must be an integer >= ${min}` }],
    });
  }
  return value;
}
