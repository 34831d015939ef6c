/**
 * `anti-corruption-layer`: reads the legacy `acl.upstream` (polling every `polling_interval_seconds`,
 * or records pushed to a webhook for `webhook`/`cdc`), translates each upstream record into a domain
 * event through a mapping file (`translations/<upstream>.toml`) and publishes it, so no upstream shape
 * leaks into the domain (seed 000 "Archetype: Anti-Corruption Layer"; Evans, DDD ch. 14).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";

export const antiCorruptionLayerArchetype: Archetype = {
  type: "anti-corruption-layer",
  summary: "translates a legacy upstream's records into domain events through a mapping file.",
  plan({ service, files }) {
    const acl = service.acl ?? {};
    const upstream = acl.upstream ?? "http://127.0.0.1:9";
    const strategy = acl.sync_strategy ?? "polling";
    const intervalSeconds = acl.polling_interval_seconds ?? 60;
    const label = pascalCase(service.name.replace(/-(adapter|acl|service)$/, ""));
    const event = service.publishes[0] ?? `${label}RecordImported`;
    const mappingFile = `translations/${service.name.replace(/-(adapter|acl|service)$/, "")}.toml`;
    files.write(
      mappingFile,
      code`
        # How upstream records become domain events. One [[mappings]] entry per kind of upstream record:
        #   upstream_type  the record's "type" field upstream
        #   event          the domain event it becomes
        #   key            the upstream field used as the event key (optional)
        #   [fields]       domain field = upstream field; only mapped fields cross the boundary

        [[mappings]]
        upstream_type = "record"
        event = ${str(event)}
        key = "ID"

        [mappings.fields]
        id = "ID"
        name = "NAME"
        updatedAt = "LAST_CHANGED"
      `,
    );
    files.write(
      "src/translation/translator.ts",
      code`
        import { readFile } from "node:fs/promises";
        import { AllFrameError, z } from "@allframe/core";
        import { parse } from "smol-toml";

        const mappingFile = z.object({
          mappings: z.array(
            z.object({
              upstream_type: z.string().min(1),
              event: z.string().min(1),
              key: z.string().optional(),
              fields: z.record(z.string(), z.string()),
            }),
          ),
        });

        export type Mapping = z.output<typeof mappingFile>["mappings"][number];

        /** A translated record: the domain event type, its key and its payload. */
        export interface Translation {
          event: string;
          key?: string;
          data: Record<string, unknown>;
        }

        /** Translates upstream records with the mappings of a translation file. */
        export class Translator {
          readonly mappings: readonly Mapping[];

          constructor(mappings: readonly Mapping[]) {
            this.mappings = mappings;
          }

          /** Loads and validates a mapping file; a bad file fails start-up naming the file and the field. */
          static async load(path: URL): Promise<Translator> {
            const parsed = mappingFile.safeParse(parse(await readFile(path, "utf8")));
            if (!parsed.success) {
              const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
              throw new AllFrameError("configuration", \`\${path.pathname} is not a valid translation file\`, { issues });
            }
            return new Translator(parsed.data.mappings);
          }

          /** Translates one record; a record no mapping covers is a validation error naming its type. */
          translate(record: Record<string, unknown>): Translation {
            const mapping = this.mappings.find((m) => m.upstream_type === record.type);
            if (mapping === undefined) throw new AllFrameError("validation", \`no mapping for upstream type \${String(record.type)}\`);
            const data = Object.fromEntries(Object.entries(mapping.fields).map(([to, from]) => [to, record[from] ?? null]));
            const key = mapping.key === undefined ? undefined : record[mapping.key];
            return key === undefined || key === null ? { event: mapping.event, data } : { event: mapping.event, key: String(key), data };
          }
        }
      `,
    );
    files.write(
      "src/upstream/upstream-client.ts",
      code`
        import { AllFrameError } from "@allframe/core";

        /**
         * Reads changed records from the legacy system: GET {baseUrl}/changes?since=<cursor> answering
         * \`{ records: [...], cursor }\`. Adapt this to the upstream's real API; the rest of the service
         * only sees the translated events.
         */
        export class UpstreamClient {
          readonly #baseUrl: string;
          readonly #timeoutMs: number;

          constructor(baseUrl: string, timeoutMs: number) {
            this.#baseUrl = baseUrl.replace(/\\/+$/, "");
            this.#timeoutMs = timeoutMs;
          }

          async changes(cursor: string | undefined): Promise<{ records: Array<Record<string, unknown>>; cursor?: string }> {
            const url = \`\${this.#baseUrl}/changes\${cursor === undefined ? "" : \`?since=\${encodeURIComponent(cursor)}\`}\`;
            let response: Response;
            try {
              response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
            } catch (error) {
              throw new AllFrameError("unavailable", \`upstream \${this.#baseUrl} is unreachable\`, { cause: error });
            }
            if (!response.ok) throw new AllFrameError("unavailable", \`upstream answered \${response.status}\`);
            return (await response.json()) as { records: Array<Record<string, unknown>>; cursor?: string };
          }
        }
      `,
    );
    files.write(
      "src/downstream/event-publisher.ts",
      code`
        import { createEvent, type EventBus } from "@allframe/core";
        import type { Translator } from "../translation/translator.ts";

        /** Sync status, for operators. */
        export interface SyncStatus {
          strategy: string;
          published: number;
          lastSyncAt?: string;
          lastError?: string;
          cursor?: string;
        }

        /** Translates upstream records and publishes the resulting domain events. */
        export class TranslatingPublisher {
          readonly status: SyncStatus;
          readonly #bus: EventBus;
          readonly #translator: Translator;
          readonly #source: string;

          constructor(bus: EventBus, translator: Translator, source: string, strategy: string) {
            this.#bus = bus;
            this.#translator = translator;
            this.#source = source;
            this.status = { strategy, published: 0 };
          }

          async publish(records: Array<Record<string, unknown>>): Promise<number> {
            const translations = records.map((r) => this.#translator.translate(r));
            for (const t of translations) {
              const options = t.key === undefined ? { source: this.#source } : { source: this.#source, key: t.key };
              await this.#bus.publish(createEvent(t.event, t.data, options));
            }
            this.status.published += translations.length;
            return translations.length;
          }
        }
      `,
    );
    files.write(
      "src/presentation/rest/acl-routes.ts",
      code`
        import { type Hono, readJson, z } from "@allframe/core";
        import type { TranslatingPublisher } from "../../downstream/event-publisher.ts";
        import type { Translator } from "../../translation/translator.ts";

        const records = z.object({ records: z.array(z.record(z.string(), z.unknown())).min(1) });

        /** Webhook/CDC intake, a dry-run translation, and the sync status. */
        export function registerAclRoutes(app: Hono, publisher: TranslatingPublisher, translator: Translator): void {
          app.post("/webhook", async (c) => {
            const body = await readJson(c, records);
            return c.json({ published: await publisher.publish(body.records) }, 202);
          });
          app.post("/translate", async (c) => {
            const body = await readJson(c, records);
            return c.json({ items: body.records.map((r) => translator.translate(r)) });
          });
          app.get("/sync/status", (c) => c.json(publisher.status));
        }
      `,
    );
    const polling = strategy === "polling";
    return {
      imports: [
        'import { TranslatingPublisher } from "./downstream/event-publisher.ts";',
        'import { registerAclRoutes } from "./presentation/rest/acl-routes.ts";',
        'import { Translator } from "./translation/translator.ts";',
        ...(polling ? ['import { UpstreamClient } from "./upstream/upstream-client.ts";'] : []),
      ],
      body: code`
        const translator = await Translator.load(new URL(${str(`../${mappingFile}`)}, import.meta.url));
        const publisher = new TranslatingPublisher(bus, translator, SERVICE_NAME, ${str(strategy)});
        registerAclRoutes(host.app, publisher, translator);
        ${
          polling
            ? code`
              const upstream = new UpstreamClient(config.UPSTREAM_URL, ${service.resilience.circuit_breaker.timeout_ms});
              host.onStart("upstream-polling", () => {
                const timer = setInterval(() => {
                  upstream
                    .changes(publisher.status.cursor)
                    .then(async (page) => {
                      await publisher.publish(page.records);
                      publisher.status.lastSyncAt = new Date().toISOString();
                      if (page.cursor !== undefined) publisher.status.cursor = page.cursor;
                      delete publisher.status.lastError;
                    })
                    .catch((error: unknown) => {
                      publisher.status.lastError = error instanceof Error ? error.message : String(error);
                      logger.warn({ err: error }, "upstream poll failed");
                    });
                }, config.POLLING_INTERVAL_SECONDS * 1000);
                host.onShutdown("upstream-polling", () => clearInterval(timer), "drain");
              });
            `
            : ""
        }
      `,
      env: [
        {
          name: "UPSTREAM_URL",
          schema: `z.url().default(${str(upstream)})`,
          description: "Base URL of the legacy upstream.",
        },
        ...(polling
          ? [
              {
                name: "POLLING_INTERVAL_SECONDS",
                schema: `z.coerce.number().int().positive().default(${intervalSeconds})`,
                description: "Seconds between polls of the upstream.",
              },
            ]
          : []),
      ],
      routes: [
        { method: "POST", path: "/webhook", summary: "Push upstream records (webhook or CDC feed)" },
        { method: "POST", path: "/translate", summary: "Dry-run: translate records without publishing" },
        { method: "GET", path: "/sync/status", summary: "Strategy, published count, last sync and error" },
      ],
      tests: code`
        it("translates pushed upstream records into ${event}", async () => {
          const record = { type: "record", ID: "42", NAME: "Widget", LAST_CHANGED: "2030-01-01", SECRET: "x" };
          const { status } = await svc.request("/webhook", { method: "POST", body: { records: [record] } });
          assert.equal(status, 202);
          const event = await svc.waitFor(() => svc.published.find((e) => e.type === ${str(event)} && e.key === "42"));
          assert.deepEqual(event.data, { id: "42", name: "Widget", updatedAt: "2030-01-01" });
        });

        it("rejects a record no mapping covers with 400", async () => {
          const { status } = await svc.request("/translate", { method: "POST", body: { records: [{ type: "unknown" }] } });
          assert.equal(status, 400);
        });
        ${
          polling
            ? code`
              it("polls UPSTREAM_URL each interval, publishing a page's records, keeping its cursor and reporting a failure", async (t) => {
                const asked: string[] = [];
                const upstream = createServer((req, res) => {
                  asked.push(req.url ?? "");
                  const record = { type: "record", ID: "7", NAME: "Bolt", LAST_CHANGED: "2030-02-01" };
                  if (req.url === "/changes")
                    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ records: [record], cursor: "c-1" }));
                  else res.writeHead(503).end();
                });
                await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
                const UPSTREAM_URL = \`http://127.0.0.1:\${(upstream.address() as AddressInfo).port}\`;
                // The poll timer is faked: each tick is one interval, with no waiting.
                t.mock.timers.enable({ apis: ["setInterval"] });
                const poller = await startService(createService, {
                  env: { ...TEST_ENV, UPSTREAM_URL, POLLING_INTERVAL_SECONDS: "60" },
                });
                /** /sync/status once \`done\` holds for it. */
                const statusWhen = (done: (s: { published: number; cursor?: string; lastError?: string }) => boolean) =>
                  poller.waitFor(async () => {
                    const { body } = await poller.request<{ published: number; cursor?: string; lastError?: string }>("/sync/status");
                    return done(body) ? body : undefined;
                  });
                try {
                  t.mock.timers.tick(60_000);
                  const event = await poller.waitFor(() => poller.published.find((e) => e.type === ${str(event)} && e.key === "7"));
                  assert.deepEqual(event.data, { id: "7", name: "Bolt", updatedAt: "2030-02-01" });
                  const synced = await statusWhen((s) => s.cursor === "c-1");
                  assert.deepEqual([synced.published, synced.lastError], [1, undefined]);
                  t.mock.timers.tick(60_000);
                  const failed = await statusWhen((s) => s.lastError !== undefined);
                  assert.equal(failed.lastError, "upstream answered 503");
                  assert.deepEqual(asked, ["/changes", "/changes?since=c-1"]);
                } finally {
                  await poller.stop();
                  upstream.closeAllConnections();
                  upstream.close();
                }
              });
            `
            : ""
        }
      `,
      ...(polling
        ? {
            testImports: [
              'import { createServer } from "node:http";',
              'import type { AddressInfo } from "node:net";',
            ],
          }
        : {}),
      dependencies: { "smol-toml": "^1.9.1" },
      engines: {},
    };
  },
};
