/**
 * The child process of `saga-crash.test.ts`: runs CreateOrderSaga on the store a URL names and stops
 * at a chosen point, prints `CRASH-POINT` on stdout and waits there, so the parent can SIGKILL it at
 * exactly that point.
 *
 * Usage: node saga-crash.fixture.ts --store <url> --effects <file> --id <sagaId>
 *   (--freeze-after <execute:Step:outcome | compensate:Step:outcome> | --hang-in <Step>) [--fail <Step>]...
 * Exit code 3 when the saga ended without reaching the point.
 * @module
 */
import { parseArgs } from "node:util";
import { createOrderSaga, FreezeAfter } from "./create-order-saga.fixture.ts";
import { openSagaStateStore } from "./open-saga-state-store.ts";
import { SagaOrchestrator } from "./saga-orchestrator.ts";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    effects: { type: "string" },
    id: { type: "string" },
    "freeze-after": { type: "string" },
    "hang-in": { type: "string" },
    fail: { type: "string", multiple: true },
  },
});
const { store: url, effects, id } = values;
if (url === undefined || effects === undefined || id === undefined) {
  process.stderr.write("--store, --effects and --id are required\n");
  process.exit(2);
}

/** Tells the parent where we are, then keeps the process alive until it is killed. */
function stopHere(): Promise<never> {
  process.stdout.write("CRASH-POINT\n");
  setInterval(() => {}, 60_000);
  return new Promise<never>(() => {});
}

const inner = openSagaStateStore(url);
const freezeAfter = values["freeze-after"];
const store = freezeAfter === undefined ? inner : new FreezeAfter(inner, freezeAfter, () => void stopHere());
const hangIn = values["hang-in"];
const orchestrator = new SagaOrchestrator({ store, ids: () => id });
orchestrator.register(
  createOrderSaga({
    effects,
    ...(values.fail === undefined ? {} : { fail: values.fail }),
    ...(hangIn === undefined ? {} : { after: { [hangIn]: stopHere } }),
  }),
);
const run = await orchestrator.start("CreateOrderSaga", { orderId: "o-1" });
process.stderr.write(`the saga ended ${run.status} without reaching the crash point\n`);
process.exit(3);
