/**
 * `stream-processor`: consumes `stream.input_topics`, aggregates them in tumbling windows of
 * `windowing.duration_seconds` with a watermark that tolerates `late_arrival_tolerance_seconds` of
 * lateness, and emits each closed window to `stream.output_topics` (seed 000 "Stream Processor").
 * An event's topic is its `topic` header, else its type.
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";

export const streamProcessorArchetype: Archetype = {
  type: "stream-processor",
  summary: "aggregates input topics in tumbling windows with watermarks and emits results to output topics.",
  plan({ service, files }) {
    const stream = service.stream ?? {};
    const inputs = stream.input_topics ?? [];
    const outputs = stream.output_topics ?? [];
    const windowSeconds = stream.windowing?.duration_seconds ?? 60;
    const toleranceSeconds = stream.late_arrival_tolerance_seconds ?? 0;
    files.write(
      "src/domain/window-counts.ts",
      code`
        /** What one window accumulates per topic: how many events, and how many of each type. */
        export interface WindowCounts {
          events: number;
          byType: Record<string, number>;
        }

        export const emptyCounts = (): WindowCounts => ({ events: 0, byType: {} });

        export function countEvent(counts: WindowCounts, type: string): WindowCounts {
          return { events: counts.events + 1, byType: { ...counts.byType, [type]: (counts.byType[type] ?? 0) + 1 } };
        }
      `,
    );
    files.write(
      "src/application/processor.ts",
      code`
        import { createEvent, type EventBus, type EventEnvelope, TumblingWindowAggregator, type WindowResult } from "@allframe/core";
        import { countEvent, emptyCounts, type WindowCounts } from "../domain/window-counts.ts";

        export const INPUT_TOPICS: readonly string[] = ${JSON.stringify(inputs)};
        export const OUTPUT_TOPICS: readonly string[] = ${JSON.stringify(outputs)};

        /** An event's topic: its \`topic\` header, else its type. */
        export const topicOf = (event: EventEnvelope): string => event.headers.topic ?? event.type;

        /** Windows input events by topic and publishes every closed window to each output topic. */
        export class StreamProcessor {
          readonly recent: WindowResult<WindowCounts>[] = [];
          readonly aggregator: TumblingWindowAggregator<EventEnvelope, WindowCounts>;

          constructor(bus: EventBus, source: string) {
            this.aggregator = new TumblingWindowAggregator<EventEnvelope, WindowCounts>({
              durationMs: ${windowSeconds * 1000},
              lateArrivalToleranceMs: ${toleranceSeconds * 1000},
              keyOf: topicOf,
              init: emptyCounts,
              reduce: (counts, event) => countEvent(counts, event.type),
              onWindowClosed: async (result) => {
                this.recent.push(result);
                if (this.recent.length > 500) this.recent.shift();
                for (const topic of OUTPUT_TOPICS) {
                  await bus.publish(createEvent(${str(`${pascalCase(outputs[0] ?? "window")}Window`)}, result, { source, key: result.key, headers: { topic } }));
                }
              },
            });
          }

          /** Adds an input event at its own time; returns whether it was accepted or dropped as too late. */
          async accept(event: EventEnvelope): Promise<"accepted" | "late-dropped" | "ignored"> {
            if (!INPUT_TOPICS.includes(topicOf(event))) return "ignored";
            const outcome = this.aggregator.add(event, new Date(event.time));
            await this.aggregator.advanceWatermark();
            return outcome;
          }
        }
      `,
    );
    files.write(
      "src/presentation/rest/stream-routes.ts",
      code`
        import { createEvent, type Hono, readJson, z } from "@allframe/core";
        import type { StreamProcessor } from "../../application/processor.ts";

        const input = z.object({ type: z.string().min(1), time: z.iso.datetime().optional(), data: z.unknown().optional() });

        /** Feed a topic directly, and read the latest closed windows and counters. */
        export function registerStreamRoutes(app: Hono, processor: StreamProcessor, source: string): void {
          app.post("/topics/:topic/events", async (c) => {
            const body = await readJson(c, input);
            const event = createEvent(body.type, body.data ?? {}, { source, headers: { topic: c.req.param("topic") } });
            const outcome = await processor.accept(body.time === undefined ? event : { ...event, time: body.time });
            return c.json({ outcome }, outcome === "accepted" ? 202 : 200);
          });
          app.get("/windows", (c) => c.json({ items: processor.recent }));
          app.get("/stats", (c) => c.json(processor.aggregator.stats()));
        }
      `,
    );
    const input = inputs[0] ?? "input";
    return {
      imports: [
        'import { StreamProcessor } from "./application/processor.ts";',
        'import { registerStreamRoutes } from "./presentation/rest/stream-routes.ts";',
      ],
      body: code`
        const processor = new StreamProcessor(bus, SERVICE_NAME);
        registerStreamRoutes(host.app, processor, SERVICE_NAME);
        host.onStart("stream-input", () => {
          const subscription = bus.subscribe("*", async (event) => {
            await processor.accept(event);
          }, { group: SERVICE_NAME });
          // Idle streams still close their windows: the watermark follows the wall clock too.
          const timer = setInterval(() => {
            processor.aggregator.advanceWatermark(new Date(Date.now() - ${toleranceSeconds * 1000})).catch((error: unknown) =>
              logger.warn({ err: error }, "watermark advance failed"),
            );
          }, 1000);
          host.onShutdown("stream-input", async () => {
            clearInterval(timer);
            await subscription.unsubscribe();
            await processor.aggregator.flush();
          }, "drain");
        });
      `,
      env: [],
      routes: [
        { method: "POST", path: "/topics/:topic/events", summary: "Feed one event into an input topic" },
        { method: "GET", path: "/windows", summary: "Latest closed windows per topic" },
        { method: "GET", path: "/stats", summary: "Accepted, late-dropped, open windows, watermark" },
      ],
      tests: code`
        it("closes a tumbling window once the watermark passes it and emits the result", async () => {
          const at = (seconds: number): string => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
          const post = (type: string, time: string) =>
            svc.request<{ outcome: string }>("/topics/${input}/events", { method: "POST", body: { type, time } });
          assert.equal((await post("OrderCreated", at(1))).body.outcome, "accepted");
          assert.equal((await post("OrderCreated", at(2))).body.outcome, "accepted");
          await post("OrderCreated", at(${windowSeconds * 2 + toleranceSeconds + 1}));
          const windows = await svc.request<{ items: Array<{ key: string; count: number }> }>("/windows");
          const first = windows.body.items.find((w) => w.key === ${str(input)});
          assert.equal(first?.count, 2);${
            outputs[0] === undefined
              ? ""
              : `\n  await svc.waitFor(() => svc.published.find((e) => e.headers.topic === ${str(outputs[0])}));`
          }
        });

        it("drops an event that arrives after its window closed", async () => {
          const { body } = await svc.request<{ outcome: string }>("/topics/${input}/events", {
            method: "POST",
            body: { type: "OrderCreated", time: new Date(Date.UTC(2029, 0, 1)).toISOString() },
          });
          assert.equal(body.outcome, "late-dropped");
        });
      `,
      engines: {},
    };
  },
};
