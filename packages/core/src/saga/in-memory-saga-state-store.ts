/**
 * The embedded saga state store: instances in process memory, lost on restart.
 * @module
 */
import type { SagaInstance } from "./saga-instance.ts";
import type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";

/** Keeps a structured clone of each saved instance and hands out clones. */
export class InMemorySagaStateStore implements SagaStateStore {
  readonly #instances = new Map<string, SagaInstance>();

  async save(instance: SagaInstance): Promise<void> {
    this.#instances.set(instance.id, structuredClone(instance));
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const found = this.#instances.get(id);
    return found && structuredClone(found);
  }

  async list(opts: SagaListOptions = {}): Promise<SagaInstance[]> {
    return [...this.#instances.values()]
      .filter(
        (i) =>
          (opts.saga === undefined || i.saga === opts.saga) &&
          (opts.status === undefined || i.status === opts.status),
      )
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id))
      .map((i) => structuredClone(i));
  }
}
