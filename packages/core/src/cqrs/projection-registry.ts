/**
 * Read models kept current from the event log (seed 001, "CQRS Infrastructure" phase 3,
 * ProjectionRegistry).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { RecordedEvent } from "./event.ts";
import type { EventStore } from "./event-store.ts";

/** A pino-compatible logger; only `error` is used. */
interface Logger {
  error(obj: object, msg?: string): void;
}

/**
 * A read model fed by events. `handles` lists the event types it applies (`"*"` for every type);
 * `apply` must be deterministic, since a rebuild replays the whole log through it.
 */
export interface Projection {
  readonly name: string;
  readonly handles: readonly string[];
  apply(event: RecordedEvent): void | Promise<void>;
}

/** How a projection is doing: `failed` projections stop receiving events until rebuilt. */
export interface ProjectionStatus {
  readonly name: string;
  readonly state: "live" | "failed";
  /** Global position of the last event this projection has seen; 0 before any. */
  readonly position: number;
  readonly error?: string;
}

/** Page size of a rebuild's reads of the log. */
const REBUILD_PAGE = 500;

interface Entry {
  readonly projection: Projection;
  readonly all: boolean;
  readonly types: ReadonlySet<string>;
  position: number;
  error: string | undefined;
}

/**
 * Runs projections inline: each committed batch is applied, event by event and projection by
 * projection in registration order, before the append that committed it resolves, so a query right
 * after a command sees its effect. Each projection remembers the position it has reached and ignores
 * events at or below it, which makes rebuilds and live delivery safe to overlap.
 *
 * A projection whose `apply` throws is marked `failed` (see `status()`), logged, and skipped from then
 * on, so it never builds on a hole; `rebuild` brings it back. The append itself is not failed: its
 * events are committed.
 *
 * @example
 * const projections = new ProjectionRegistry(store);
 * projections.register({ name: "inventory-level", handles: ["StockReceived"], apply: (e) => { ... } });
 */
export class ProjectionRegistry {
  readonly #store: EventStore;
  readonly #logger: Logger | undefined;
  readonly #entries = new Map<string, Entry>();
  /** Serialises live delivery and rebuilds, so a rebuild never interleaves with a live batch. */
  #lock: Promise<unknown> = Promise.resolve();

  constructor(store: EventStore, opts: { readonly logger?: Logger } = {}) {
    this.#store = store;
    this.#logger = opts.logger;
    store.addInlineHandler(async (events) => {
      await this.#exclusive(() => this.#deliver(events, [...this.#entries.values()]));
    });
  }

  /**
   * Adds a projection; it receives events committed from now on (call `rebuild(name)` to feed it the
   * history). @throws AllFrameError `"validation"` for an empty name; `"conflict"` for a taken name.
   */
  register(projection: Projection): void {
    if (typeof projection.name !== "string" || projection.name.length === 0) {
      throw new AllFrameError("validation", "a projection needs a non-empty name");
    }
    if (this.#entries.has(projection.name)) {
      throw new AllFrameError("conflict", `projection "${projection.name}" is already registered`);
    }
    this.#entries.set(projection.name, {
      projection,
      all: projection.handles.includes("*"),
      types: new Set(projection.handles),
      position: 0,
      error: undefined,
    });
  }

  /** The registered projection names, in registration order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Each projection's state and position. */
  status(): ProjectionStatus[] {
    return [...this.#entries.values()].map((e) => ({
      name: e.projection.name,
      state: e.error === undefined ? "live" : "failed",
      position: e.position,
      ...(e.error === undefined ? {} : { error: e.error }),
    }));
  }

  /**
   * Rebuilds one projection (`name`) or all: calls `reset` once (clear the read model there), then
   * replays the whole log through the projection(s) and marks them live. Appends wait for the rebuild
   * to finish before their inline delivery, then only apply what the rebuild did not.
   * @returns how many events were applied to at least one of the rebuilt projections.
   * @throws AllFrameError `"not-found"` for an unknown name; whatever `reset` throws; AllFrameError
   *   `"internal"` naming the projection when its `apply` throws (it is then left `failed`).
   */
  async rebuild(name?: string, reset?: () => void | Promise<void>): Promise<number> {
    const entries = name === undefined ? [...this.#entries.values()] : [this.#entry(name)];
    return this.#exclusive(async () => {
      for (const entry of entries) {
        entry.position = 0;
        entry.error = undefined;
      }
      await reset?.();
      let applied = 0;
      for (let from = 1; ; ) {
        const page = await this.#store.readAll({ fromPosition: from, limit: REBUILD_PAGE });
        applied += await this.#deliver(page, entries);
        const failed = entries.find((e) => e.error !== undefined);
        if (failed)
          throw new AllFrameError(
            "internal",
            `rebuild of "${failed.projection.name}" failed: ${failed.error}`,
          );
        const last = page.at(-1);
        if (!last || page.length < REBUILD_PAGE) return applied;
        from = last.position + 1;
      }
    });
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name);
    if (!entry) throw new AllFrameError("not-found", `no projection named "${name}"`);
    return entry;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Applies `events` to `entries`; returns how many events were applied to at least one of them. */
  async #deliver(events: readonly RecordedEvent[], entries: readonly Entry[]): Promise<number> {
    let applied = 0;
    for (const event of events) {
      let used = false;
      for (const entry of entries) {
        if (entry.error !== undefined || event.position <= entry.position) continue;
        if (entry.all || entry.types.has(event.type)) {
          try {
            await entry.projection.apply(event);
            used = true;
          } catch (error) {
            entry.error = error instanceof Error ? error.message : String(error);
            this.#logger?.error(
              { err: error, projection: entry.projection.name, position: event.position },
              "projection failed",
            );
            continue;
          }
        }
        entry.position = event.position;
      }
      if (used) applied++;
    }
    return applied;
  }
}
