/**
 * The in-process bus workload: one publisher awaiting each `publish` in turn, one subscriber; the
 * clock stops when the subscriber has received the last message. Best of a few rounds, after a
 * warm-up round, so JIT tiers and GC of the first round do not count.
 * @module
 */
import { createEvent } from "../../../packages/core/src/messaging/event-envelope.ts";
import { InProcessEventBus } from "../../../packages/core/src/messaging/in-process-event-bus.ts";
import { benchLogger } from "./measure.ts";

/** Messages/s delivered to the subscriber, best of `rounds` rounds of `messages` each. */
export async function runInProcessBus(messages: number, rounds: number): Promise<number> {
  const bus = new InProcessEventBus({ logger: benchLogger("bench-bus") });
  let received = 0;
  let target = 0;
  let reached: () => void = () => undefined;
  bus.subscribe("bench.tick", async () => {
    if (++received === target) reached();
  });
  // One envelope shape as an application would publish it; the bus copies it once per publish anyway.
  const event = createEvent("bench.tick", { orderId: "o-1", total: 42 }, { source: "bench" });
  let best = 0;
  try {
    for (let round = 0; round <= rounds; round++) {
      received = 0;
      target = messages;
      const all = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const start = performance.now();
      for (let i = 0; i < messages; i++) await bus.publish(event);
      await all;
      const perSecond = (messages * 1000) / (performance.now() - start);
      if (round > 0) best = Math.max(best, perSecond); // round 0 warms up
    }
    return best;
  } finally {
    await bus.close();
  }
}
