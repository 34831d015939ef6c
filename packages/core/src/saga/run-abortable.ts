/**
 * Runs one piece of async work under a deadline and an optional parent signal, turning the outcome
 * into a value. Shared by the saga orchestrator and the scheduler.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";

/** How abortable work ended: its value, or its error and whether the deadline or parent stopped it. */
export type AbortableOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown; readonly aborted: boolean };

/** Options of `runAbortable`. */
export interface RunAbortableOptions {
  /** Deadline in milliseconds; none when undefined. Uses the global `setTimeout`, so fake timers apply. */
  readonly timeoutMs?: number | undefined;
  /** Aborting it aborts the work too, with the parent's reason. */
  readonly parent?: AbortSignal | undefined;
  /** Names the work in the timeout error, e.g. `step "ReservePayment"`. */
  readonly label: string;
}

/**
 * Calls `work(signal)` and waits for it, or for the deadline or the parent, whichever comes first. On
 * the deadline the signal aborts with AllFrameError `"timeout"` ("<label> timed out after N ms") and
 * the outcome is `{ ok: false, aborted: true }` at once: work that ignores its signal is not waited for
 * (its eventual result or rejection is discarded). Never rejects.
 */
export async function runAbortable<T>(
  work: (signal: AbortSignal) => Promise<T>,
  opts: RunAbortableOptions,
): Promise<AbortableOutcome<T>> {
  const controller = new AbortController();
  const { parent, timeoutMs, label } = opts;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new AllFrameError("timeout", `${label} timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
  const { signal } = controller;
  try {
    if (signal.aborted) return { ok: false, error: signal.reason, aborted: true };
    let running: Promise<T>;
    try {
      running = Promise.resolve(work(signal)); // called at once, so the work has started when this yields
    } catch (error) {
      running = Promise.reject(error);
    }
    const stopped = new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    running.catch(() => undefined);
    stopped.catch(() => undefined);
    const value = await Promise.race([running, stopped]);
    return { ok: true, value };
  } catch (error) {
    return signal.aborted
      ? { ok: false, error: signal.reason, aborted: true }
      : { ok: false, error, aborted: false };
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}

/** A human-readable message for any throwable. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
