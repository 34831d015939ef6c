import { runEventStoreBackendContract } from "./event-store-backend.contract.ts";
import type { BackendFixtureFactory } from "./event-store-backend.fixture.ts";
import { runEventStoreBackendReliability } from "./event-store-backend.reliability.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";

/** Memory has one instance per store: "separate writers" are the same object, interleaving at awaits. */
const memory: BackendFixtureFactory = async () => {
  const backend = new InMemoryEventStoreBackend();
  return { open: async () => backend, dispose: () => backend.close() };
};

runEventStoreBackendContract("memory", memory, {
  skip: { "close then reopen keeps everything": "process memory does not outlive close()" },
});
runEventStoreBackendReliability("memory", memory);
