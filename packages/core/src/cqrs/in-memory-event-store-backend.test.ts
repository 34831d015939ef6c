import { runEventStoreBackendContract } from "./event-store-backend.contract.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";

runEventStoreBackendContract({ name: "memory", newBackend: () => new InMemoryEventStoreBackend() });
