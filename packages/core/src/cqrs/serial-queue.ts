/**
 * A first-in first-out async mutex, and one per key per process: SQLite backends opened on the same
 * file in one process take turns writing through it, instead of blocking the event loop in SQLite's
 * busy handler while the other one awaits its `inTransaction` callback.
 * @module
 */

/** Runs tasks one at a time in call order; a failing task does not stop the next. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves or rejects as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const queues = new Map<string, { queue: SerialQueue; users: number }>();

/** The process-wide queue for `key`; call `release` once when done with it. */
export function leaseSerialQueue(key: string): { queue: SerialQueue; release: () => void } {
  let entry = queues.get(key);
  if (entry === undefined) {
    entry = { queue: new SerialQueue(), users: 0 };
    queues.set(key, entry);
  }
  entry.users++;
  const current = entry;
  let released = false;
  return {
    queue: current.queue,
    release: () => {
      if (released) return;
      released = true;
      if (--current.users === 0 && queues.get(key) === current) queues.delete(key);
    },
  };
}
