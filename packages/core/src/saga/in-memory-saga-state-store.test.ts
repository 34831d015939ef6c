import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { runSagaStateStoreContract } from "./saga-state-store.contract.ts";

runSagaStateStoreContract({ name: "memory", newStore: () => new InMemorySagaStateStore() });
