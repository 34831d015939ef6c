/**
 * Runs one async projection from its durable checkpoint (pattern: Emmett's and Marten's async
 * projection daemons, one checkpoint per projection).
 * @module
 */
import type { EventStoreSubscription } from "../catch-up-subscription.ts";
import type { RecordedEvent } from "../event.ts";
import type { EventStore } from "../event-store.ts";
import {
  detachedTransaction,
  handlesType,
  type Projection,
  type ProjectionState,
  projectionError,
  runUndo,
} from "./projection.ts";

/** Options shared by every async projection of a registry. */
export interface AsyncProjectionOptions {
  /** Poll interval of the projection's subscription, in ms; default the store's. */
  readonly pollIntervalMs?: number;
  /** Events read per page; default 500. */
  readonly batchSize?: number;
  /** Save the checkpoint after at most this many events the projection does not handle; default 500. */
  readonly idleCheckpointEvery?: number;
}

/**
 * Delivery is at-least-once: the checkpoint (under the projection's name) is saved after each applied
 * event, so a crash between `apply` and the save redelivers that one event; events at or below the
 * checkpoint are skipped. Events the projection does not handle only move the checkpoint now and then.
 * A throwing `apply` stops the runner in state `failed` with the checkpoint before that event.
 */
export class AsyncProjectionRunner {
  readonly projection: Projection;
  state: ProjectionState = "stopped";
  position = 0;
  error: string | undefined;
  /** Events applied since the last `start`. */
  applied = 0;
  readonly #store: EventStore;
  readonly #options: AsyncProjectionOptions;
  #saved = 0;
  #subscription: EventStoreSubscription | undefined;
  #starting: Promise<void> | undefined;

  constructor(store: EventStore, projection: Projection, options: AsyncProjectionOptions) {
    this.#store = store;
    this.projection = projection;
    this.#options = options;
  }

  /** Starts from the durable checkpoint (0 when `fromZero`, after saving it). Idempotent while running. */
  start(fromZero = false): Promise<void> {
    if (this.#starting) return this.#starting;
    this.#starting = this.#start(fromZero);
    return this.#starting;
  }

  /** Stops after the event being applied; resolves when stopped. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    await this.#subscription?.stop();
    this.#subscription = undefined;
    this.#starting = undefined;
    if (this.state !== "failed") this.state = "stopped";
  }

  /** Resolves once every event of this process's appends so far is applied; rejects if the runner failed. */
  async caughtUp(): Promise<void> {
    await this.#starting;
    await this.#subscription?.caughtUp();
  }

  async #start(fromZero: boolean): Promise<void> {
    const name = this.projection.name;
    if (fromZero) await this.#store.saveCheckpoint(name, 0);
    this.position = this.#saved = await this.#store.loadCheckpoint(name);
    this.applied = 0;
    this.error = undefined;
    this.state = "live";
    const { pollIntervalMs, batchSize } = this.#options;
    this.#subscription = this.#store.subscribe(
      {
        fromPosition: this.position + 1,
        ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
        ...(batchSize === undefined ? {} : { batchSize }),
      },
      (event) => this.#handle(event),
    );
    this.#subscription.done.then(
      () => {
        if (this.state === "live") this.state = "stopped"; // e.g. the store was closed
      },
      (error: unknown) => {
        this.state = "failed";
        this.error = error instanceof Error ? error.message : String(error);
      },
    );
  }

  async #handle(event: RecordedEvent): Promise<void> {
    if (event.position <= this.position) return;
    const name = this.projection.name;
    if (!handlesType(this.projection, event.type)) {
      this.position = event.position;
      if (this.position - this.#saved >= (this.#options.idleCheckpointEvery ?? 500)) await this.#save();
      return;
    }
    const undo: Array<() => void> = [];
    try {
      await this.projection.apply(event, detachedTransaction(this.#store.backendKind, undo));
    } catch (cause) {
      runUndo(undo);
      await this.#save();
      throw projectionError(name, event, cause);
    }
    this.position = event.position;
    this.applied++;
    await this.#save();
  }

  async #save(): Promise<void> {
    if (this.position === this.#saved) return;
    await this.#store.saveCheckpoint(this.projection.name, this.position);
    this.#saved = this.position;
  }
}
