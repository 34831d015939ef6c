/**
 * Ordered shutdown hooks with a shared deadline: the part of graceful shutdown that releases
 * consumers, schedulers, pools and stores (DESIGN.md roadmap 5, "graceful shutdown").
 * @module
 */
import type { Logger } from "../observability/logger.ts";

/** `drain`: stop consumers and schedulers, flush buffers. `close`: release pools, stores, files. */
export type ShutdownPhase = "drain" | "close";

/** The shutdown phases, in the order they run. */
export const SHUTDOWN_PHASES: readonly ShutdownPhase[] = ["drain", "close"];

/** A hook: receives a signal that aborts when the shutdown deadline passes, so it can give up early. */
export type ShutdownHook = (signal: AbortSignal) => void | Promise<void>;

/** What happened to the hooks of one shutdown. */
export interface HookOutcome {
  /** Hooks that threw or rejected (each was logged). */
  failed: string[];
  /** Hooks still running when the deadline passed, or never started because it had passed. */
  unfinished: string[];
}

interface Registered {
  name: string;
  fn: ShutdownHook;
  phase: ShutdownPhase;
}

/** Resolves when `signal` aborts; `dispose` removes the listener. */
function whenAborted(signal: AbortSignal): { promise: Promise<"deadline">; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<"deadline">((resolve) => {
    if (signal.aborted) return resolve("deadline");
    const listener = () => resolve("deadline");
    signal.addEventListener("abort", listener, { once: true });
    dispose = () => signal.removeEventListener("abort", listener);
  });
  return { promise, dispose };
}

/**
 * Waits for `work` unless `deadline` aborts first.
 * @returns `"done"` when `work` settled first, `"deadline"` otherwise (`work` keeps running, unobserved).
 */
export async function raceDeadline(
  work: Promise<unknown>,
  deadline: AbortSignal,
): Promise<"done" | "deadline"> {
  const aborted = whenAborted(deadline);
  try {
    return await Promise.race([work.then(() => "done" as const), aborted.promise]);
  } finally {
    aborted.dispose();
  }
}

/**
 * The hooks registered with a service host. Within a phase hooks run one at a time in reverse
 * registration order (last opened, first closed); all drain hooks run before any close hook.
 */
export class ShutdownHooks {
  readonly #hooks: Registered[] = [];

  /** Registers a hook. Names need not be unique but make reports readable. */
  add(name: string, fn: ShutdownHook, phase: ShutdownPhase = "close"): void {
    this.#hooks.push({ name, fn, phase });
  }

  /** Registers a hook that runs after every hook of its phase registered so far or later. */
  addLast(name: string, fn: ShutdownHook, phase: ShutdownPhase = "close"): void {
    this.#hooks.unshift({ name, fn, phase });
  }

  /** Number of registered hooks. */
  get size(): number {
    return this.#hooks.length;
  }

  /**
   * Runs every hook, phase by phase. A failing hook is logged and recorded, and the rest still run.
   * Once `deadline` aborts, the running hook is abandoned and the rest are skipped; all are reported.
   */
  async run(deadline: AbortSignal, logger: Logger): Promise<HookOutcome> {
    const outcome: HookOutcome = { failed: [], unfinished: [] };
    for (const phase of SHUTDOWN_PHASES) {
      const hooks = this.#hooks.filter((hook) => hook.phase === phase).reverse();
      for (const hook of hooks) {
        if (deadline.aborted) {
          outcome.unfinished.push(hook.name);
          continue;
        }
        let failed = false;
        const work = Promise.resolve()
          .then(() => hook.fn(deadline))
          .catch((error: unknown) => {
            failed = true;
            logger.error({ err: error, hook: hook.name, phase }, `shutdown hook "${hook.name}" failed`);
          });
        const result = await raceDeadline(work, deadline);
        if (result === "deadline") outcome.unfinished.push(hook.name);
        else if (failed) outcome.failed.push(hook.name);
        else logger.debug({ hook: hook.name, phase }, `shutdown hook "${hook.name}" done`);
      }
    }
    return outcome;
  }
}
