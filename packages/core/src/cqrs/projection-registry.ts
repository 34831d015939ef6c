/**
 * Read models kept current from the event log, inline or async (seed 001, "CQRS Infrastructure"
 * phase 3, ProjectionRegistry; seed 003, week 3: registration, consistency guarantees, rebuild).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { RecordedEvent } from "./event.ts";
import type { EventStore } from "./event-store.ts";
import type { InlineTransaction, Logger } from "./event-types.ts";
import { type AsyncProjectionOptions, AsyncProjectionRunner } from "./projections/async-projection-runner.ts";
import {
  detachedTransaction,
  handlesType,
  PROJECTION_KINDS,
  type Projection,
  type ProjectionStatus,
  projectionError,
  runUndo,
} from "./projections/projection.ts";

export type { Projection, ProjectionStatus } from "./projections/projection.ts";

/** Options of `ProjectionRegistry`. */
export interface ProjectionRegistryOptions extends AsyncProjectionOptions {
  /** Receives async projection failures. */
  readonly logger?: Logger;
}

/** Page size of an inline rebuild's reads of the log. */
const REBUILD_PAGE = 500;

interface InlineEntry {
  readonly projection: Projection;
  position: number;
  rebuilding: boolean;
  error: string | undefined;
}

/**
 * Registers projections and keeps them current.
 *
 * Inline projections are applied inside each append's transaction, event by event and projection by
 * projection in registration order; if one throws, the append rolls back (no event, no row: SQL rows
 * written with `tx.query` roll back with it, in-memory rows undo through `tx.onRollback`, see
 * `InMemoryReadModel`) and rejects with its error (AllFrameErrors unchanged, others as `"internal"`).
 * Async projections run from their durable checkpoints (see `AsyncProjectionRunner`) as soon as they
 * are registered. `rebuild` resets a projection and replays the whole log into it.
 *
 * @example
 * const projections = new ProjectionRegistry(store);
 * projections.register({ name: "InventoryLevel", handles: ["StockReceived"], apply: (e, tx) => { ... } });
 * projections.register({ name: "LowStockAlert", kind: "async", handles: ["*"], apply: (e) => { ... } });
 */
export class ProjectionRegistry {
  readonly #store: EventStore;
  readonly #options: ProjectionRegistryOptions;
  readonly #inline = new Map<string, InlineEntry>();
  readonly #async = new Map<string, AsyncProjectionRunner>();

  constructor(store: EventStore, opts: ProjectionRegistryOptions = {}) {
    this.#store = store;
    this.#options = opts;
    store.addInlineHandler((events, tx) => this.#applyInline(events, tx));
  }

  /**
   * Adds a projection. An inline one receives the events committed from now on (call `rebuild(name)`
   * to feed it the history); an async one starts from its checkpoint (0 for a new name: the whole log).
   * @throws AllFrameError `"validation"` for an empty name, no `apply` or an unknown kind;
   *   `"conflict"` for a taken name.
   */
  register(projection: Projection): void {
    const { name } = projection;
    const kind = projection.kind ?? "inline";
    if (typeof name !== "string" || name.length === 0) {
      throw new AllFrameError("validation", "a projection needs a non-empty name");
    }
    if (typeof projection.apply !== "function" || !Array.isArray(projection.handles)) {
      throw new AllFrameError(
        "validation",
        `projection "${name}" needs an apply function and a handles list`,
      );
    }
    if (!PROJECTION_KINDS.includes(kind)) {
      throw new AllFrameError("validation", `projection "${name}": kind must be "inline" or "async"`);
    }
    if (this.#inline.has(name) || this.#async.has(name)) {
      throw new AllFrameError("conflict", `projection "${name}" is already registered`);
    }
    if (kind === "inline") {
      this.#inline.set(name, { projection, position: 0, rebuilding: false, error: undefined });
      return;
    }
    const runner = new AsyncProjectionRunner(this.#store, projection, this.#options);
    this.#async.set(name, runner);
    runner
      .start()
      .catch((err: unknown) => this.#options.logger?.error({ err, projection: name }, "start failed"));
  }

  /** The registered projection names, inline first, each in registration order. */
  names(): string[] {
    return [...this.#inline.keys(), ...this.#async.keys()];
  }

  /** Each projection's kind, state and position. */
  status(): ProjectionStatus[] {
    const inline = [...this.#inline.values()].map((e) => ({
      name: e.projection.name,
      kind: "inline" as const,
      state: e.rebuilding
        ? ("rebuilding" as const)
        : e.error === undefined
          ? ("live" as const)
          : ("failed" as const),
      position: e.position,
      ...(e.error === undefined ? {} : { error: e.error }),
    }));
    const async = [...this.#async.values()].map((r) => ({
      name: r.projection.name,
      kind: "async" as const,
      state: r.state,
      position: r.position,
      ...(r.error === undefined ? {} : { error: r.error }),
    }));
    return [...inline, ...async];
  }

  /**
   * Resolves once every async projection (or the one named) has applied this process's appends so far.
   * @throws AllFrameError `"not-found"` for an unknown name; the projection's error when it failed.
   */
  async caughtUp(name?: string): Promise<void> {
    const runners = name === undefined ? [...this.#async.values()] : [this.#runner(name)];
    await Promise.all(runners.map((r) => r.caughtUp()));
  }

  /** Restarts a failed (or stopped) async projection from its checkpoint. @throws `"not-found"`. */
  async resume(name: string): Promise<void> {
    const runner = this.#runner(name);
    await runner.stop();
    await runner.start();
  }

  /** Stops every async projection (their checkpoints stay); inline ones keep running with appends. */
  async stop(): Promise<void> {
    await Promise.all([...this.#async.values()].map((r) => r.stop()));
  }

  /**
   * Rebuilds one projection (`name`) or all: calls `reset` and the projection's own `reset`, then
   * replays the whole log. Inline: appends through this store wait meanwhile, so none is lost or
   * applied twice. Async: its checkpoint is set to 0 and it catches up again.
   * @returns how many events were applied to the rebuilt projection(s).
   * @throws AllFrameError `"not-found"` for an unknown name; whatever `reset` throws; the projection's
   *   error when its `apply` throws (it is then left `failed`).
   */
  async rebuild(name?: string, reset?: () => void | Promise<void>): Promise<number> {
    if (name !== undefined && !this.#inline.has(name)) this.#runner(name);
    const inline = [...this.#inline.values()].filter((e) => name === undefined || e.projection.name === name);
    const runners = [...this.#async.values()].filter((r) => name === undefined || r.projection.name === name);
    await reset?.();
    let applied = inline.length > 0 ? await this.#rebuildInline(inline) : 0;
    for (const runner of runners) {
      await runner.stop();
      await runner.projection.reset?.();
      await runner.start(true);
      await runner.caughtUp();
      applied += runner.applied;
    }
    return applied;
  }

  #runner(name: string): AsyncProjectionRunner {
    const runner = this.#async.get(name);
    if (!runner) throw new AllFrameError("not-found", `no projection named "${name}"`);
    return runner;
  }

  async #applyInline(events: readonly RecordedEvent[], tx: InlineTransaction): Promise<void> {
    for (const event of events) {
      for (const entry of this.#inline.values()) {
        if (entry.error !== undefined || entry.rebuilding) continue;
        if (handlesType(entry.projection, event.type)) {
          try {
            await entry.projection.apply(event, tx);
          } catch (cause) {
            throw projectionError(entry.projection.name, event, cause);
          }
        }
        // Positions of concurrent PostgreSQL appends commit out of order: keep the highest for status.
        if (event.position > entry.position) {
          const before = entry.position;
          entry.position = event.position;
          tx.onRollback(() => {
            entry.position = before;
          });
        }
      }
    }
  }

  async #rebuildInline(entries: readonly InlineEntry[]): Promise<number> {
    return this.#store.pauseAppends(async () => {
      for (const entry of entries) {
        entry.rebuilding = true;
        entry.position = 0;
        entry.error = undefined;
        await entry.projection.reset?.();
      }
      let applied = 0;
      try {
        for (let from = 1; ; ) {
          const page = await this.#store.readAll({ fromPosition: from, limit: REBUILD_PAGE });
          for (const event of page) applied += await this.#replay(entries, event);
          const last = page.at(-1);
          if (!last || page.length < REBUILD_PAGE) return applied;
          from = last.position + 1;
        }
      } finally {
        for (const entry of entries) entry.rebuilding = false;
      }
    });
  }

  /** Applies one replayed event to each entry that handles it; returns 1 when any did. */
  async #replay(entries: readonly InlineEntry[], event: RecordedEvent): Promise<number> {
    let used = 0;
    for (const entry of entries) {
      if (handlesType(entry.projection, event.type)) {
        const undo: Array<() => void> = [];
        try {
          await entry.projection.apply(event, detachedTransaction(this.#store.backendKind, undo));
        } catch (cause) {
          runUndo(undo);
          const error = projectionError(entry.projection.name, event, cause);
          entry.error = error.message;
          throw error;
        }
        used = 1;
      }
      entry.position = event.position;
    }
    return used;
  }
}
