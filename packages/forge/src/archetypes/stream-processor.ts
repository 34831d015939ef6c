/**
 * `stream-processor`: consumes `stream.input_topics`, aggregates them in tumbling windows of
 * `windowing.duration_seconds` with a watermark that tolerates `late_arrival_tolerance_seconds` of
 * lateness, and emits each closed window to `stream.output_topics` (seed 000 "Stream Processor").
 * An event's topic is its `topic` header, else its type. Window state (the open windows' events, the
 * watermark) lives in `DATABASE_URL`'s store, so a restart loses no accepted event; a window result is
 * published at least once, always with the same event id, so consumers dedupe on it.
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { databaseEnv } from "./shared.ts";

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
    const windowType = `${pascalCase(outputs[0] ?? "window")}Window`;
    const collection = `${service.name.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_windows`;
    files.write(
      "src/application/processor.ts",
      code`
        import {
          createEvent,
          type DocumentStore,
          DurableTumblingWindows,
          type DurableWindowResult,
          type EventBus,
          type EventEnvelope,
          openDocumentStore,
          type WindowStateDocument,
          windowResultId,
        } from "@allframe/core";
        import { countEvent, emptyCounts, type WindowCounts } from "../domain/window-counts.ts";

        export const INPUT_TOPICS: readonly string[] = ${JSON.stringify(inputs)};
        export const OUTPUT_TOPICS: readonly string[] = ${JSON.stringify(outputs)};

        /** An event's topic: its \`topic\` header, else its type. */
        export const topicOf = (event: EventEnvelope): string => event.headers.topic ?? event.type;

        /** Where the processor keeps its window state: the open windows' events and the watermark. */
        export type WindowStore = DocumentStore<WindowStateDocument<EventEnvelope>>;

        /** Opens the window state on \`url\` (DATABASE_URL): memory:, sqlite:<file> or postgres://… */
        export const openWindowStore = (url: string): WindowStore =>
          openDocumentStore({ collection: ${str(collection)}, url });

        /**
         * Windows input events by topic and publishes every closed window to each output topic. The
         * state is durable (see \`DurableTumblingWindows\`): an event is acknowledged once stored, and a
         * window is published at least once under an id derived from the processor, output topic, key
         * and window start, so a repeat after a crash carries the same id.
         */
        export class StreamProcessor {
          readonly recent: DurableWindowResult<WindowCounts>[];
          readonly windows: DurableTumblingWindows<EventEnvelope, WindowCounts>;

          private constructor(windows: DurableTumblingWindows<EventEnvelope, WindowCounts>, recent: DurableWindowResult<WindowCounts>[]) {
            this.windows = windows;
            this.recent = recent;
          }

          /** Loads the window state from \`store\` (empty on first start). */
          static async open(bus: EventBus, source: string, store: WindowStore): Promise<StreamProcessor> {
            const recent: DurableWindowResult<WindowCounts>[] = [];
            const windows = await DurableTumblingWindows.open<EventEnvelope, WindowCounts>({
              store,
              name: source,
              durationMs: ${windowSeconds * 1000},
              lateArrivalToleranceMs: ${toleranceSeconds * 1000},
              idOf: (event) => event.id,
              keyOf: topicOf,
              init: emptyCounts,
              reduce: (counts, event) => countEvent(counts, event.type),
              onWindowClosed: async (result) => {
                for (const topic of OUTPUT_TOPICS) {
                  const ids = () => windowResultId(\`\${source}:\${topic}\`, result.key, Date.parse(result.start));
                  await bus.publish(createEvent(${str(windowType)}, result, { source, key: result.key, headers: { topic }, ids }));
                }
                recent.push(result);
                if (recent.length > 500) recent.shift();
              },
            });
            return new StreamProcessor(windows, recent);
          }

          /** Adds an input event at its own time once it is stored; then closes the windows that are due. */
          async accept(event: EventEnvelope): Promise<"accepted" | "late-dropped" | "duplicate" | "ignored"> {
            if (!INPUT_TOPICS.includes(topicOf(event))) return "ignored";
            const outcome = await this.windows.add(event, new Date(event.time));
            await this.windows.advanceWatermark();
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

        const input = z.object({
          /** The event's id; a retried post with the same id is counted once. Default: a new id. */
          id: z.string().min(1).optional(),
          type: z.string().min(1),
          time: z.iso.datetime().optional(),
          data: z.unknown().optional(),
        });

        /** Feed a topic directly, and read the latest closed windows and counters. */
        export function registerStreamRoutes(app: Hono, processor: StreamProcessor, source: string): void {
          app.post("/topics/:topic/events", async (c) => {
            const body = await readJson(c, input);
            const event = createEvent(body.type, body.data ?? {}, { source, headers: { topic: c.req.param("topic") } });
            const outcome = await processor.accept({ ...event, id: body.id ?? event.id, time: body.time ?? event.time });
            return c.json({ outcome }, outcome === "accepted" ? 202 : 200);
          });
          app.get("/windows", (c) => c.json({ items: processor.recent }));
          app.get("/stats", (c) => c.json(processor.windows.stats()));
        }
      `,
    );
    const input = inputs[0] ?? "input";
    const output = outputs[0];
    const publishedCheck = (harness: string, count: number) =>
      output === undefined
        ? ""
        : `\n  const published = await ${harness}.waitFor(() => ${harness}.published.find((e) => e.headers.topic === ${str(output)} && e.key === ${str(input)}));\n  assert.equal((published.data as { count: number }).count, ${count});`;
    const closingSecond = windowSeconds * 2 + toleranceSeconds + 1;
    return {
      imports: [
        'import { openWindowStore, StreamProcessor } from "./application/processor.ts";',
        'import { registerStreamRoutes } from "./presentation/rest/stream-routes.ts";',
      ],
      body: code`
        // Window state lives in DATABASE_URL's store (a SQLite file by default): a restart loses no accepted event.
        const windowStore = openWindowStore(config.DATABASE_URL);
        host.onShutdown("window-state", () => windowStore.close());
        const processor = await StreamProcessor.open(bus, SERVICE_NAME, windowStore);
        registerStreamRoutes(host.app, processor, SERVICE_NAME);
        host.onStart("stream-input", async () => {
          const subscription = bus.subscribe("*", async (event) => {
            await processor.accept(event);
          }, { group: SERVICE_NAME });
          // Idle streams still close their windows: the watermark follows the wall clock too.
          const timer = setInterval(() => {
            processor.windows.advanceWatermark(new Date(Date.now() - ${toleranceSeconds * 1000})).catch((error: unknown) =>
              logger.warn({ err: error }, "watermark advance failed"),
            );
          }, 1000);
          // No flush: open windows stay stored and close after a restart, with every event in them.
          host.onShutdown("stream-input", async () => {
            clearInterval(timer);
            await subscription.unsubscribe();
          }, "drain");
          // Up only once the broker holds the subscription: events published from then on are accepted.
          await subscription.ready;
        });
      `,
      env: [databaseEnv(service)],
      routes: [
        { method: "POST", path: "/topics/:topic/events", summary: "Feed one event into an input topic" },
        { method: "GET", path: "/windows", summary: "Latest closed windows per topic" },
        {
          method: "GET",
          path: "/stats",
          summary: "Accepted, late-dropped, duplicates, open windows, watermark",
        },
      ],
      testImports: [
        'import { mkdtemp, rm } from "node:fs/promises";',
        'import { tmpdir } from "node:os";',
        'import { join } from "node:path";',
      ],
      tests: code`
        it("closes a tumbling window once the watermark passes it and emits the result", async () => {
          const at = (seconds: number): string => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
          const post = (type: string, time: string) =>
            svc.request<{ outcome: string }>("/topics/${input}/events", { method: "POST", body: { type, time } });
          assert.equal((await post("OrderCreated", at(1))).body.outcome, "accepted");
          assert.equal((await post("OrderCreated", at(2))).body.outcome, "accepted");
          await post("OrderCreated", at(${closingSecond}));
          const windows = await svc.request<{ items: Array<{ key: string; count: number }> }>("/windows");
          const first = windows.body.items.find((w) => w.key === ${str(input)});
          assert.equal(first?.count, 2);${publishedCheck("svc", 2)}
        });

        it("drops an event that arrives after its window closed", async () => {
          const { body } = await svc.request<{ outcome: string }>("/topics/${input}/events", {
            method: "POST",
            body: { type: "OrderCreated", time: new Date(Date.UTC(2029, 0, 1)).toISOString() },
          });
          assert.equal(body.outcome, "late-dropped");
        });

        it("counts a redelivered event once", async () => {
          const time = new Date(Date.UTC(2030, 0, 2)).toISOString();
          const post = () =>
            svc.request<{ outcome: string }>("/topics/${input}/events", { method: "POST", body: { id: "evt-once", type: "OrderCreated", time } });
          assert.equal((await post()).body.outcome, "accepted");
          assert.equal((await post()).body.outcome, "duplicate");
        });

        it("keeps an open window across a restart on a SQLite file and emits it once closed, with every event", async () => {
          const dir = await mkdtemp(join(tmpdir(), "${service.name}-"));
          const env = { LOG_LEVEL: "silent", DATABASE_URL: \`sqlite:\${join(dir, "windows.sqlite")}\` };
          const at = (seconds: number): string => new Date(Date.UTC(2031, 0, 1, 0, 0, seconds)).toISOString();
          const post = (target: ServiceHarness, time: string) =>
            target.request<{ outcome: string }>("/topics/${input}/events", { method: "POST", body: { type: "OrderCreated", time } });
          try {
            const first = await startService(createService, { env });
            assert.equal((await post(first, at(1))).body.outcome, "accepted");
            assert.equal((await post(first, at(2))).body.outcome, "accepted");
            await first.stop();
${
  output === undefined
    ? ""
    : `            assert.equal(first.published.some((e) => e.headers.topic === ${str(output)}), false, "nothing is emitted at shutdown");\n`
}            const second = await startService(createService, { env });
            assert.equal((await second.request<{ openWindows: number }>("/stats")).body.openWindows, 1);
            assert.equal((await post(second, at(3))).body.outcome, "accepted");
            await post(second, at(${closingSecond}));
            const windows = await second.request<{ items: Array<{ key: string; count: number }> }>("/windows");
            assert.equal(windows.body.items.find((w) => w.key === ${str(input)})?.count, 3);${publishedCheck("second", 3)}
            await second.stop();
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        });
      `,
      testEnv: { DATABASE_URL: "memory:" },
      engines: { database: true },
    };
  },
};
