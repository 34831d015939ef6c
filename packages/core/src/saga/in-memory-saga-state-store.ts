/**
 * The embedded saga state store: instances in process memory, lost on restart.
 * @module
 */
import type { SagaInstance } from "./saga-instance.ts";
import {
  assertRevision,
  type SagaListOptions,
  type SagaStateStore,
  staleRevisionError,
} from "./saga-state-store.ts";

/** JSON round-trip, as the durable stores do, so a context that would not survive them fails here too. */
const copy = (instance: SagaInstance): SagaInstance => JSON.parse(JSON.stringify(instance)) as SagaInstance;

/** Keeps a JSON copy of each saved instance and hands out copies; checks revisions like the durable stores. */
export class InMemorySagaStateStore implements SagaStateStore {
  readonly #instances = new Map<string, SagaInstance>();

  async save(instance: SagaInstance): Promise<void> {
    assertRevision(instance);
    const actual = this.#instances.get(instance.id)?.revision ?? 0;
    if (actual !== instance.revision - 1) throw staleRevisionError(instance, actual);
    this.#instances.set(instance.id, copy(instance));
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const found = this.#instances.get(id);
    return found && copy(found);
  }

  async list(opts: SagaListOptions = {}): Promise<SagaInstance[]> {
    return [...this.#instances.values()]
      .filter(
        (i) =>
          (opts.saga === undefined || i.saga === opts.saga) &&
          (opts.status === undefined || i.status === opts.status),
      )
      .sort((a, b) => compare(a.startedAt, b.startedAt) || compare(a.id, b.id))
      .map(copy);
  }

  async close(): Promise<void> {}
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
