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
          import { AllFrameError, type EventEnvelope } from "@allframe/core";
          import type { NotificationChannel } from "../../domain/channels/notification-channel.ts";

          /**
           * Handles ${event}: one notification per channel, rendered from the event's data. Data that is not a
           * JSON object cannot be rendered: a \`validation\` error, dead-lettered at once (a poison event).
           * Any other failure makes the consumer retry, then dead-letter.
           */
          export async function handle${event}(event: EventEnvelope, channels: readonly NotificationChannel[]): Promise<void> {
            if (typeof event.data !== "object" || event.data === null || Array.isArray(event.data)) {
              throw new AllFrameError("validation", \`${event} \${event.id}: data must be a JSON object to render a notification\`);
            }
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
    const durable = consumer.dlq !== false;
    /** The event the generated poison-message test publishes with bad data. */
    const poisoned = events[0];
    return {
      imports: [
        durable
          ? 'import { Consumer, hasErrorCode, openDeadLetterQueue } from "@allframe/core";'
          : 'import { Consumer, hasErrorCode, InMemoryDeadLetterQueue } from "@allframe/core";',
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
            // A poison event (bad data) fails the same way every time: straight to the DLQ, no retries.
            isRetryable: (error) => !hasErrorCode(error, "validation"),
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
        ${
          events.length === 0
            ? ""
            : code`
              it("sends every subscribed event on every channel, with the event's data", async () => {
                const events = ${JSON.stringify(events)};
                for (const type of events) await svc.publish(type, { reference: \`\${type}-1\` });
                await svc.waitFor(async () => {
                  const stats = await svc.request<{ succeeded: number }>("/consumer/stats");
                  return stats.body.succeeded === events.length;
                });
                const { body } = await svc.request<{
                  items: Array<{ channel: string; event: string; subject: string; body: unknown }>;
                }>("/notifications");
                for (const type of events) {
                  const sent = body.items.filter((n) => n.event === type);
                  assert.deepEqual(sent.map((n) => n.channel).sort(), ${JSON.stringify([...channels].sort())}, type);
                  for (const n of sent) {
                    assert.equal(n.subject, type);
                    assert.deepEqual(n.body, { reference: \`\${type}-1\` });
                  }
                }
                assert.equal(body.items.length, events.length * ${channels.length});
              });
            `
        }
        ${
          durable
            ? code`
              it("starts with an empty dead-letter queue and refuses to redrive a letter it does not have", async () => {
                const { body } = await svc.request<{ items: unknown[] }>("/dlq");
                assert.deepEqual(body.items, []);
                const { status } = await svc.request("/dlq/no-such-letter/redrive", { method: "POST" });
                assert.equal(status, 404);
              });
              ${
                poisoned === undefined
                  ? ""
                  : code`
                    it("dead-letters a poison ${poisoned} (data not an object) at once, while the next one is sent", async () => {
                      await svc.publish(${str(poisoned)}, "not an object");
                      await svc.publish(${str(poisoned)}, { reference: "after-poison" });
                      const letters = await svc.waitFor(async () => {
                        const { body } = await svc.request<{ items: Array<{ attempts: number; error: { message: string } }> }>("/dlq");
                        return body.items.length === 1 ? body.items : undefined;
                      });
                      assert.equal(letters[0]?.attempts, 1);
                      assert.match(letters[0]?.error.message ?? "", /data must be a JSON object/);
                      const { body } = await svc.request<{ items: Array<{ body: unknown }> }>("/notifications");
                      assert.ok(body.items.some((n) => JSON.stringify(n.body) === '{"reference":"after-poison"}'));
                    });
                  `
              }
            `
            : code`
              it("keeps no dead letters (dlq = false)", async () => {
                const { body } = await svc.request<{ items: unknown[] }>("/dlq");
                assert.deepEqual(body.items, []);
              });
            `
        }
      `,
      ...(durable ? { testEnv: { DATABASE_URL: "memory:" } } : {}),
      engines: { database: durable },
    };
  },
};
