/**
 * Named background tasks with cancellation and results, stopped together at shutdown (seed 001,
 * Graceful Shutdown v0.1.8: "named tasks, cancellation, tasks that return results"). Pattern:
 * structured concurrency, as in Trio's nurseries and Kotlin's coroutine scopes: a task lives inside
 * its group, and the group does not finish stopping before its tasks have.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Logger } from "../observability/logger.ts";
import { raceDeadline } from "./shutdown-hooks.ts";

/** How a task ended. `cancelled` means it rejected after its signal aborted. */
export type TaskState = "running" | "completed" | "failed" | "cancelled";

/** A running task. */
export interface TaskHandle<T> {
  readonly name: string;
  /** Resolves with the task's value; rejects with its error, or an AllFrameError `unavailable` once cancelled. */
  readonly result: Promise<T>;
  readonly state: TaskState;
  /** Aborts the task's signal with `reason`; the task decides how fast it stops. Idempotent. */
  cancel(reason?: string): void;
}

/** What {@link TaskGroup.shutdown} did. */
export interface TaskGroupReport {
  /** Tasks that ended on their own or after cancellation, by final state. */
  readonly settled: Readonly<Record<string, TaskState>>;
  /** Tasks still running when the deadline passed. */
  readonly unfinished: readonly string[];
}

interface Entry {
  readonly handle: TaskHandle<unknown>;
  readonly done: Promise<unknown>;
}

/**
 * A set of named tasks. Each task is a function of an AbortSignal; `spawn` starts it at once.
 *
 * @example
 * const tasks = new TaskGroup(logger);
 * const report = tasks.spawn("nightly-report", (signal) => buildReport(signal));
 * host.onShutdown("tasks", (deadline) => tasks.shutdown(deadline).then(() => undefined), "drain");
 */
export class TaskGroup {
  readonly #logger: Logger | undefined;
  readonly #tasks = new Map<string, Entry>();
  #closed = false;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Names of the tasks still running. */
  get running(): string[] {
    return [...this.#tasks.values()].filter((e) => e.handle.state === "running").map((e) => e.handle.name);
  }

  /**
   * Starts a task. A task that fails is logged at error (unless it was cancelled); its `result`
   * rejects either way, so an awaiting caller sees the error too.
   * @throws AllFrameError `conflict` when a task of this name is still running;
   *   `unavailable` after `shutdown()` began.
   */
  spawn<T>(name: string, task: (signal: AbortSignal) => Promise<T>): TaskHandle<T> {
    if (this.#closed)
      throw new AllFrameError("unavailable", `task "${name}" not started: the task group is shutting down`);
    if (this.#tasks.get(name)?.handle.state === "running") {
      throw new AllFrameError(
        "conflict",
        `task "${name}" is already running; give the second one another name`,
      );
    }
    const abort = new AbortController();
    let state: TaskState = "running";
    // Started synchronously (a synchronous throw becomes a rejection), so `cancel()` right after
    // `spawn()` reaches a task that has already subscribed to its signal.
    const result = new Promise<T>((resolve) => resolve(task(abort.signal))).then(
      (value) => {
        state = "completed";
        return value;
      },
      (error: unknown) => {
        if (abort.signal.aborted) {
          state = "cancelled";
          throw new AllFrameError(
            "unavailable",
            `task "${name}" was cancelled: ${String(abort.signal.reason)}`,
            {
              cause: error,
            },
          );
        }
        state = "failed";
        this.#logger?.error({ err: error, task: name }, `task "${name}" failed`);
        throw error;
      },
    );
    const handle: TaskHandle<T> = {
      name,
      result,
      get state() {
        return state;
      },
      cancel: (reason = "cancelled") => {
        if (!abort.signal.aborted) abort.abort(reason);
      },
    };
    // `done` never rejects, so an unobserved failing task is logged once, not reported as unhandled.
    // A settled task leaves the map, so a long-lived group does not grow with every task it ran.
    const entry: Entry = {
      handle,
      done: result
        .catch(() => undefined)
        .finally(() => {
          if (this.#tasks.get(name) === entry && !this.#closed) this.#tasks.delete(name);
        }),
    };
    this.#tasks.set(name, entry);
    return handle;
  }

  /**
   * Stops accepting tasks, cancels every running task and waits for all of them until `deadline`
   * aborts. Never rejects.
   */
  async shutdown(deadline: AbortSignal, reason = "shutting down"): Promise<TaskGroupReport> {
    this.#closed = true;
    const entries = [...this.#tasks.values()];
    for (const { handle } of entries) handle.cancel(reason);
    await raceDeadline(Promise.all(entries.map((e) => e.done)), deadline);
    const settled: Record<string, TaskState> = {};
    const unfinished: string[] = [];
    for (const { handle } of entries) {
      if (handle.state === "running") unfinished.push(handle.name);
      else settled[handle.name] = handle.state;
    }
    return { settled, unfinished };
  }
}
