/** @module testing: helpers for testing services built on @allframe/core. */
export {
  type CreateServiceFn,
  type HarnessResponse,
  type ServiceHarness,
  startService,
} from "./service-harness.ts";
