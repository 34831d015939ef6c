/**
 * `producer`: publishes its events from an HTTP ingestion route, each validated against the event's
 * schema, and, with `producer.source = "interval"`, from a source loop every `interval_ms`
 * (seed 000 "Service Types": producer — data ingestion, sensors).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { eventsModule } from "./shared.ts";

export const producerArchetype: Archetype = {
  type: "producer",
  summary: "ingests data over HTTP (and optionally a source loop) and publishes it as validated events.",
  plan({ service, files }) {
    const events = service.publishes;
    const interval = service.producer?.source === "interval";
    const intervalMs = service.producer?.interval_ms ?? 1000;
    eventsModule(files, service);
    files.write(
      "src/domain/events/schemas.ts",
      code`
        import { z } from "@allframe/core";

        /**
         * The payload schema of every event this service produces. Unknown fields are kept; add typed
         * fields to each schema to validate them before anything is published.
         */
        export const EVENT_SCHEMAS: Record<string, z.ZodType<Record<string, unknown>>> = {
          ${events.map((e) => `${str(e)}: z.looseObject({}),`).join("\n")}
        };
      `,
    );
    files.write(
      "src/application/ingest.ts",
      code`
        import { AllFrameError, createEvent, type EventBus, type EventEnvelope } from "@allframe/core";
        import { EVENT_SCHEMAS } from "../domain/events/schemas.ts";

        /** Validates a payload against its event's schema and publishes it; returns the published event. */
        export async function ingest(bus: EventBus, source: string, type: string, payload: unknown, key?: string): Promise<EventEnvelope> {
          const schema = EVENT_SCHEMAS[type];
          if (schema === undefined) throw new AllFrameError("not-found", \`\${source} does not produce \${type}\`);
          const parsed = schema.safeParse(payload);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
            throw new AllFrameError("validation", \`\${type} payload is invalid\`, { issues });
          }
          const event = createEvent(type, parsed.data, key === undefined ? { source } : { source, key });
          await bus.publish(event);
          return event;
        }
      `,
    );
    if (interval) {
      files.write(
        "src/application/source.ts",
        code`
          /**
           * The source loop's reading: called every ${intervalMs} ms, returns the payloads to publish. Replace it
           * with your sensor, feed or queue; throwing skips one tick and is logged.
           */
          export async function readSource(now: Date): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
            return [{ type: ${str(events[0] ?? "Reading")}, payload: { at: now.toISOString() } }];
          }
        `,
      );
    }
    files.write(
      "src/presentation/rest/ingest-routes.ts",
      code`
        import { type EventBus, type Hono, readJson, z } from "@allframe/core";
        import { ingest } from "../../application/ingest.ts";
        import { EVENT_SCHEMAS } from "../../domain/events/schemas.ts";

        /** The HTTP ingestion route and the list of produced event types. */
        export function registerIngestRoutes(app: Hono, bus: EventBus, source: string): void {
          app.get("/events", (c) => c.json({ types: Object.keys(EVENT_SCHEMAS) }));
          app.post("/events/:type", async (c) => {
            const payload = await readJson(c, z.unknown());
            const event = await ingest(bus, source, c.req.param("type"), payload, c.req.header("x-event-key"));
            return c.json({ id: event.id, type: event.type, time: event.time }, 202);
          });
        }
      `,
    );
    const loop = code`
      const timer = setInterval(() => {
        readSource(new Date())
          .then((readings) => Promise.all(readings.map((r) => ingest(bus, SERVICE_NAME, r.type, r.payload))))
          .catch((error: unknown) => logger.warn({ err: error }, "source loop tick failed"));
      }, ${intervalMs});
      host.onShutdown("source-loop", () => clearInterval(timer), "drain");
    `;
    const first = events[0] ?? "Event";
    return {
      imports: [
        ...(interval
          ? [
              'import { ingest } from "./application/ingest.ts";',
              'import { readSource } from "./application/source.ts";',
            ]
          : []),
        'import { registerIngestRoutes } from "./presentation/rest/ingest-routes.ts";',
      ],
      body: [
        "registerIngestRoutes(host.app, bus, SERVICE_NAME);",
        interval ? `host.onStart("source-loop", () => {\n${loop.replace(/^/gm, "  ").trimEnd()}\n});` : "",
      ]
        .filter((l) => l !== "")
        .join("\n"),
      env: [],
      routes: [
        { method: "GET", path: "/events", summary: "Event types this service produces" },
        { method: "POST", path: "/events/:type", summary: "Validate a payload and publish it as that event" },
      ],
      tests: code`
        it("publishes an ingested ${first}", async () => {
          const { status, body } = await svc.request<{ id: string }>("/events/${first}", { method: "POST", body: { value: 1 } });
          assert.equal(status, 202);
          await svc.waitFor(() => svc.published.find((e) => e.id === body.id));
        });

        it("refuses an event type it does not produce with 404, and a non-object payload with 400", async () => {
          assert.equal((await svc.request("/events/Unknown", { method: "POST", body: {} })).status, 404);
          assert.equal((await svc.request("/events/${first}", { method: "POST", body: 42 })).status, 400);
        });
      `,
      idempotentExample: { path: `/events/${first}`, body: { value: 2 } },
      engines: {},
    };
  },
};
