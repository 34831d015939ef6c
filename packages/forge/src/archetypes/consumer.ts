/**
 * `consumer`: one handler per `consumer.events` entry, sending through the `channels` (email, sms,
 * push, webhook) behind a channel port with local dev sinks; `concurrency`, `max_retries`,
 * `retry_backoff` and the dead-letter queue come from the architecture; dead letters are kept in
 * `DATABASE_URL`'s database so they survive restarts (seed 000 "Archetype: Consumer Service with DLQ";
 * issue 4).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { kebabCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { databaseEnv, eventsModule } from "./shared.ts";

export const consumerArchetype: Archetype = {
  type: "consumer",
  summary: "handles domain events with bounded concurrency, retries with backoff and a dead-letter queue.",
  plan({ service, files }) {
    const consumer = service.consumer ?? {};
    const events = consumer.events ?? [];
    const channels = consumer.channels ?? ["email"];
    eventsModule(files, service);
    files.write(
      "src/domain/channels/notification-channel.ts",
      code`
        /** One message to deliver on one channel. */
        export interface Notification {
          channel: string;
          event: string;
          eventId: string;
          subject: string;
          body: unknown;
        }

        /** The port every delivery channel implements; a failure throws and the consumer retries. */
        export interface NotificationChannel {
          readonly name: string;
          send(notification: Notification): Promise<void>;
        }
      `,
    );
    files.write(
      "src/infrastructure/channels/dev-sink-channel.ts",
      code`
        import type { Logger } from "@allframe/core";
        import type { Notification, NotificationChannel } from "../../domain/channels/notification-channel.ts";

        /** A local sink for dev and tests: logs each notification and keeps the latest ones to inspect. */
        export class DevSinkChannel implements NotificationChannel {
          readonly name: string;
          readonly #sent: Notification[];
          readonly #logger: Logger;

          constructor(name: string, sent: Notification[], logger: Logger) {
            this.name = name;
            this.#sent = sent;
            this.#logger = logger;
          }

          async send(notification: Notification): Promise<void> {
            this.#sent.push(notification);
            if (this.#sent.length > 1000) this.#sent.shift();
            this.#logger.info({ channel: this.name, event: notification.event }, "notification sent (dev sink)");
          }
        }
      `,
    );
    for (const event of events) {
      files.write(
        `src/application/event-handlers/${kebabCase(event)}.ts`,
        code`
          import type { EventEnvelope } from "@allframe/core";
          import type { NotificationChannel } from "../../domain/channels/notification-channel.ts";

          /** Handles ${event}: one notification per channel. Throwing makes the consumer retry, then dead-letter. */
          export async function handle${event}(event: EventEnvelope, channels: readonly NotificationChannel[]): Promise<void> {
            for (const channel of channels) {
              await channel.send({ channel: channel.name, event: event.type, eventId: event.id, subject: ${str(event)}, body: event.data });
            }
          }
        `,
      );
    }
    const cases = events.map((e) => `case ${str(e)}:\n  return handle${e}(event, channels);`).join("\n");
    files.write(
      "src/application/dispatch.ts",
      code`
        import type { EventEnvelope } from "@allframe/core";
        import type { NotificationChannel } from "../domain/channels/notification-channel.ts";
        ${events.map((e) => `import { handle${e} } from "./event-handlers/${kebabCase(e)}.ts";`).join("\n")}

        /** Routes each consumed event to its handler. */
        export function dispatch(event: EventEnvelope, channels: readonly NotificationChannel[]): Promise<void> {
          switch (event.type) {
            ${cases}
            default:
              return Promise.reject(new Error(\`no handler for \${event.type}\`));
          }
        }
      `,
    );
    files.write(
      "src/presentation/rest/consumer-routes.ts",
      code`
        import type { Consumer, DeadLetterQueue, Hono } from "@allframe/core";
        import type { Notification } from "../../domain/channels/notification-channel.ts";

        /** Inspect deliveries, consumer counters and the dead-letter queue; redrive a dead letter. */
        export function registerConsumerRoutes(app: Hono, consumer: Consumer, dlq: DeadLetterQueue, sent: Notification[]): void {
          app.get("/notifications", (c) => c.json({ items: sent }));
          app.get("/consumer/stats", (c) => c.json(consumer.stats()));
          app.get("/dlq", async (c) => c.json({ items: await dlq.list() }));
          app.post("/dlq/:id/redrive", async (c) => {
            await consumer.redrive(c.req.param("id"));
            return c.json({ redriven: c.req.param("id") });
          });
        }
      `,
    );
    const firstEvent = events[0] ?? "Event";
    const durable = consumer.dlq !== false;
    return {
      imports: [
        durable
          ? 'import { Consumer, openDeadLetterQueue } from "@allframe/core";'
          : 'import { Consumer, InMemoryDeadLetterQueue } from "@allframe/core";',
        'import { dispatch } from "./application/dispatch.ts";',
        'import type { Notification } from "./domain/channels/notification-channel.ts";',
        'import { DevSinkChannel } from "./infrastructure/channels/dev-sink-channel.ts";',
        'import { registerConsumerRoutes } from "./presentation/rest/consumer-routes.ts";',
      ],
      body: code`
        const sent: Notification[] = [];
        const channels = ${JSON.stringify(channels)}.map((name) => new DevSinkChannel(name, sent, logger));
        ${
          durable
            ? code`
                // Dead letters outlive restarts: they are kept in DATABASE_URL's database (a SQLite file by default).
                const deadLetterQueue = openDeadLetterQueue(config.DATABASE_URL, { consumer: SERVICE_NAME });
                host.onShutdown("dead-letter-queue", () => deadLetterQueue.close());
              `
            : "// dlq = false in the architecture: exhausted events are logged and dropped; /dlq stays empty.\nconst deadLetterQueue = new InMemoryDeadLetterQueue();"
        }
        const consumer = new Consumer(
          bus,
          {
            name: SERVICE_NAME,
            events: ${JSON.stringify(events)},
            concurrency: ${consumer.concurrency ?? 10},
            maxRetries: ${consumer.max_retries ?? 3},
            backoff: ${str(consumer.retry_backoff ?? "exponential")},
            baseDelayMs: ${service.resilience.retry.initial_interval_ms},
            maxDelayMs: ${service.resilience.retry.max_interval_ms},
            ${durable ? "deadLetterQueue,\nlogger," : "logger,"}
          },
          (event) => dispatch(event, channels),
        );
        host.onStart("consumer", () => consumer.start());
        host.onShutdown("consumer", () => consumer.stop(), "drain");
        registerConsumerRoutes(host.app, consumer, deadLetterQueue, sent);
      `,
      env: durable ? [databaseEnv(service)] : [],
      routes: [
        { method: "GET", path: "/notifications", summary: "Notifications delivered by the dev sinks" },
        {
          method: "GET",
          path: "/consumer/stats",
          summary: "Received, succeeded, retried, dead-lettered, in flight",
        },
        { method: "GET", path: "/dlq", summary: "Dead letters: original event, error, attempts" },
        { method: "POST", path: "/dlq/:id/redrive", summary: "Run a dead letter's handler again" },
      ],
      tests: code`
        it("handles ${firstEvent} on every channel", async () => {
          await svc.publish(${str(firstEvent)}, { orderId: "order-1" });
          const items = await svc.waitFor(async () => {
            const { body } = await svc.request<{ items: Array<{ channel: string }> }>("/notifications");
            return body.items.length >= ${channels.length} ? body.items : undefined;
          });
          assert.deepEqual(items.map((n) => n.channel).sort(), ${JSON.stringify([...channels].sort())});
          const stats = await svc.request<{ succeeded: number }>("/consumer/stats");
          assert.ok(stats.body.succeeded >= 1);
        });

        it("starts with an empty dead-letter queue", async () => {
          const { body } = await svc.request<{ items: unknown[] }>("/dlq");
          assert.deepEqual(body.items, []);
        });
      `,
      ...(durable ? { testEnv: { DATABASE_URL: "memory:" } } : {}),
      engines: { database: durable },
    };
  },
};
