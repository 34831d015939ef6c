/**
 * `event-sourced`: one aggregate whose state is the fold of its event stream (decide/evolve) in a
 * durable event store (SQLite by default, `DATABASE_URL` for PostgreSQL), snapshots every
 * `cqrs.snapshot_frequency` events, the architecture's `cqrs.projections` as inline read models with
 * query routes, and the event log as the outbox: a checkpointed subscription publishes every stored
 * event on the bus (seed 000 "Archetype: Event-Sourced Service"; seed 001 CQRS).
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { aggregateName } from "../config/saga-routes.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { Archetype, RouteSpec, ServiceFiles } from "./archetype.ts";
import { participantTest, writeEventSourcedSagaCommands } from "./saga-participant-code.ts";
import {
  commandsHandledBy,
  sagaCommandStoreEnv,
  serveSagaCommandsImport,
  serveSagaCommandsStatements,
} from "./saga-participation.ts";
import { databaseEnv, eventsModule } from "./shared.ts";

/** The aggregate's name: the first declared entity, else the service name without `-service`. */
export function aggregateOf(service: ResolvedService): string {
  return aggregateName(service);
}

/**
 * Writes the aggregate's decider. A saga participant's aggregate also takes `Handle<Agg>SagaCommand`
 * (any saga command, refused once archived), recorded as `<Agg>SagaCommandHandled` without changing state.
 */
function writeAggregate(files: ServiceFiles, agg: string, saga: boolean): void {
  const sagaCommand = saga
    ? `\n  | { type: "Handle${agg}SagaCommand"; command: string; sagaId: string; data: Record<string, unknown> }`
    : "";
  const sagaEvent = saga
    ? `\n  | { type: "${agg}SagaCommandHandled"; data: { command: string; sagaId: string; data: Record<string, unknown> } }`
    : "";
  const decideSaga = saga
    ? `\ncase "Handle${agg}SagaCommand":\n  if (state.status === "archived") throw new AllFrameError("conflict", "${agg} is archived");\n  return [{ type: "${agg}SagaCommandHandled", data: { command: command.command, sagaId: command.sagaId, data: command.data } }];`
    : "";
  const evolveSaga = saga ? `\ncase "${agg}SagaCommandHandled":\n  return state;` : "";
  files.write(
    `src/domain/aggregates/${kebabCase(agg)}.ts`,
    code`
      import { AllFrameError, type Decider } from "@allframe/core";

      export type ${agg}Command =
        | { type: "Create${agg}"; attributes: Record<string, unknown> }
        | { type: "Update${agg}"; attributes: Record<string, unknown> }
        | { type: "Archive${agg}" }${sagaCommand};

      export type ${agg}Event =
        | { type: "${agg}Created"; data: { attributes: Record<string, unknown> } }
        | { type: "${agg}Updated"; data: { attributes: Record<string, unknown> } }
        | { type: "${agg}Archived"; data: Record<string, never> }${sagaEvent};

      export interface ${agg}State {
        status: "new" | "active" | "archived";
        attributes: Record<string, unknown>;
      }

      /** The ${agg} aggregate as a decider: commands are checked against state, state is the fold of events. */
      export const ${camelCase(agg)}Decider: Decider<${agg}Command, ${agg}Event, ${agg}State> = {
        initialState: () => ({ status: "new", attributes: {} }),
        decide(command, state) {
          switch (command.type) {
            case "Create${agg}":
              if (state.status !== "new") throw new AllFrameError("conflict", "${agg} already exists");
              return [{ type: "${agg}Created", data: { attributes: command.attributes } }];
            case "Update${agg}":
              if (state.status !== "active") throw new AllFrameError("conflict", \`${agg} is \${state.status}\`);
              return [{ type: "${agg}Updated", data: { attributes: command.attributes } }];
            case "Archive${agg}":
              if (state.status !== "active") throw new AllFrameError("conflict", \`${agg} is \${state.status}\`);
              return [{ type: "${agg}Archived", data: {} }];${decideSaga}
          }
        },
        evolve(state, event) {
          switch (event.type) {
            case "${agg}Created":
              return { status: "active", attributes: event.data.attributes };
            case "${agg}Updated":
              return { ...state, attributes: { ...state.attributes, ...event.data.attributes } };
            case "${agg}Archived":
              return { ...state, status: "archived" };${evolveSaga}
          }
        },
      };
    `,
  );
}

function writeProjection(files: ServiceFiles, name: string): void {
  const history = /(History|Log|Audit|Timeline)$/.test(name);
  const apply = history
    ? code`
        apply(event: RecordedEvent, tx: ProjectionTransaction): void {
          const entries = this.#rows.get(event.streamId) ?? [];
          const entry = { version: event.version, type: event.type, data: event.data, at: event.recordedAt };
          this.#rows.set(event.streamId, [...entries, entry], tx);
        }
      `
    : code`
        apply(event: RecordedEvent, tx: ProjectionTransaction): void {
          const previous = this.#rows.get(event.streamId);
          const attributes = (event.data as { attributes?: Record<string, unknown> }).attributes ?? {};
          const row = {
            id: event.streamId,
            version: event.version,
            lastEvent: event.type,
            archived: event.type.endsWith("Archived") || (previous?.archived ?? false),
            attributes: { ...previous?.attributes, ...attributes },
            updatedAt: event.recordedAt,
          };
          this.#rows.set(event.streamId, row, tx);
        }
      `;
  const row = history
    ? "Array<{ version: number; type: string; data: unknown; at: string }>"
    : "{ id: string; version: number; lastEvent: string; archived: boolean; attributes: Record<string, unknown>; updatedAt: string }";
  files.write(
    `src/application/projections/${kebabCase(name)}.ts`,
    code`
      import { InMemoryReadModel, type Projection, type ProjectionTransaction, type RecordedEvent } from "@allframe/core";

      export type ${name}Row = ${row};

      /**
       * The ${name} read model, applied inline inside each append's transaction (a failure rolls the
       * append back). ${history ? "It keeps every change per aggregate." : "It keeps the latest view per aggregate."} It lives in memory and is rebuilt
       * from the event log at start-up. Replace \`apply\` with the view your queries need.
       */
      export class ${name}Projection implements Projection {
        readonly name = ${str(name)};
        readonly handles = ["*"] as const;
        readonly #rows = new InMemoryReadModel<${name}Row>();

        ${apply.trimEnd()}

        get(id: string): ${name}Row | undefined {
          return this.#rows.get(id);
        }

        list(): Array<[string, ${name}Row]> {
          return this.#rows.entries();
        }

        reset(): void {
          this.#rows.clear();
        }
      }
    `,
  );
}

export const eventSourcedArchetype: Archetype = {
  type: "event-sourced",
  summary: "aggregates over an event store, projections as read models, events published after commit.",
  plan({ architecture, service, files }) {
    const agg = aggregateOf(service);
    const aggFile = kebabCase(agg);
    const path = `/${pluralKebab(agg)}`;
    const projections = service.cqrs?.projections ?? [];
    // Saga commands sent here become commands on the aggregate (see saga-participant-code.ts).
    const sagaCommands = commandsHandledBy(architecture, service);
    const participates = sagaCommands.length > 0;
    writeAggregate(files, agg, participates);
    if (participates) writeEventSourcedSagaCommands(files, sagaCommands, agg);
    const sagaTestRoute = sagaCommands.find((r) => r.role === "step") ?? sagaCommands[0];
    for (const p of projections) writeProjection(files, p);
    eventsModule(files, service);
    files.write(
      `src/presentation/rest/${aggFile}-routes.ts`,
      code`
        import { type CommandHandler, type EventStore, type Hono, readJson, uuidGenerator, z } from "@allframe/core";
        import type { ${agg}Command, ${agg}Event, ${agg}State } from "../../domain/aggregates/${aggFile}.ts";

        const attributes = z.object({ attributes: z.record(z.string(), z.unknown()).default({}) });
        const streamOf = (id: string): string => \`${agg}-\${id}\`;

        /** Commands and queries for ${agg} under \`${path}\`. */
        export function register${agg}Routes(
          app: Hono,
          handler: CommandHandler<${agg}Command, ${agg}Event, ${agg}State>,
          store: EventStore,
        ): void {
          app.post(${str(path)}, async (c) => {
            const id = uuidGenerator();
            const body = await readJson(c, attributes);
            const result = await handler.handle(streamOf(id), { type: "Create${agg}", attributes: body.attributes });
            return c.json({ id, version: result.version, state: result.state }, 201);
          });
          app.put(${str(`${path}/:id`)}, async (c) => {
            const body = await readJson(c, attributes);
            const result = await handler.handle(streamOf(c.req.param("id")), { type: "Update${agg}", attributes: body.attributes });
            return c.json({ id: c.req.param("id"), version: result.version, state: result.state });
          });
          app.delete(${str(`${path}/:id`)}, async (c) => {
            const result = await handler.handle(streamOf(c.req.param("id")), { type: "Archive${agg}" });
            return c.json({ id: c.req.param("id"), version: result.version, state: result.state });
          });
          app.get(${str(`${path}/:id`)}, async (c) => {
            const { state, version } = await handler.load(streamOf(c.req.param("id")));
            if (version < 0) return c.json({ error: { code: "not-found", message: "${agg} does not exist" } }, 404);
            return c.json({ id: c.req.param("id"), version, state });
          });
          app.get(${str(`${path}/:id/events`)}, async (c) => c.json({ events: await store.readStream(streamOf(c.req.param("id"))) }));
        }
      `,
    );
    const projectionRoutes: RouteSpec[] = projections.flatMap((p) => [
      { method: "GET", path: `/projections/${kebabCase(p)}`, summary: `List the ${p} read model` },
      { method: "GET", path: `/projections/${kebabCase(p)}/:id`, summary: `One row of ${p}` },
    ]);
    const projectionWiring = projections
      .map((p) => {
        const v = `${camelCase(p)}Projection`;
        return code`
          const ${v} = new ${p}Projection();
          projections.register(${v});
          host.app.get(${str(`/projections/${kebabCase(p)}`)}, (c) => c.json({ items: ${v}.list().map(([id, row]) => ({ id, row })) }));
          host.app.get(${str(`/projections/${kebabCase(p)}/:id`)}, (c) => {
            const row = ${v}.get(\`${agg}-\${c.req.param("id")}\`);
            return row === undefined ? c.json({ error: { code: "not-found", message: "no row" } }, 404) : c.json(row);
          });
        `;
      })
      .join("\n");
    const firstProjection = projections[0];
    return {
      imports: [
        'import { CommandHandler, EventStore, ProjectionRegistry, createEvent, openEventStoreBackend } from "@allframe/core";',
        `import { ${camelCase(agg)}Decider } from "./domain/aggregates/${aggFile}.ts";`,
        `import { register${agg}Routes } from "./presentation/rest/${aggFile}-routes.ts";`,
        ...projections.map(
          (p) => `import { ${p}Projection } from "./application/projections/${kebabCase(p)}.ts";`,
        ),
        ...(participates
          ? [
              serveSagaCommandsImport(service),
              'import { sagaCommandHandlers } from "./application/saga-commands.ts";',
            ]
          : []),
      ],
      body: code`
        // Events live in DATABASE_URL's store: a SQLite file by default, PostgreSQL with postgres://.
        const store = new EventStore({ backend: await openEventStoreBackend(config.DATABASE_URL), logger });
        host.onShutdown("event-store", () => store.close());
        const projections = new ProjectionRegistry(store, { logger });
        ${projectionWiring}
        // Read models live in memory: rebuilt from the log at start, then kept current inline.
        host.onStart("projections", async () => {
          await projections.rebuild();
        });
        // The event log is the outbox: a durable catch-up subscription publishes every stored event on
        // the bus, at least once, resuming from its checkpoint after a restart. Event ids are kept, so
        // consumers can dedupe.
        host.onStart("event-publisher", () => {
          const publisher = store.subscribe({ name: \`\${SERVICE_NAME}-publisher\` }, async (event) => {
            const ids = () => event.id;
            await bus.publish(createEvent(event.type, event.data, { source: SERVICE_NAME, key: event.streamId, ids }));
          });
          host.onShutdown("event-publisher", () => publisher.stop(), "drain");
        });
        const handler = new CommandHandler(store, ${camelCase(agg)}Decider, { snapshotFrequency: ${service.cqrs?.snapshot_frequency ?? 100} });
        register${agg}Routes(host.app, handler, store);
        ${participates ? serveSagaCommandsStatements("sagaCommandHandlers(handler, bus, SERVICE_NAME)", sagaCommands) : ""}
      `,
      env: [databaseEnv(service), ...(participates ? [sagaCommandStoreEnv(service)] : [])],
      routes: [
        { method: "POST", path, summary: `Create${agg} command` },
        { method: "PUT", path: `${path}/:id`, summary: `Update${agg} command` },
        { method: "DELETE", path: `${path}/:id`, summary: `Archive${agg} command` },
        { method: "GET", path: `${path}/:id`, summary: `Current ${agg} state (folded from its stream)` },
        { method: "GET", path: `${path}/:id/events`, summary: `The ${agg} event stream` },
        ...projectionRoutes,
      ],
      testImports: [
        'import { mkdtemp, rm } from "node:fs/promises";',
        'import { tmpdir } from "node:os";',
        'import { join } from "node:path";',
      ],
      tests: code`
        it("runs ${agg} commands, folds state from the stream and publishes the events", async () => {
          const created = await svc.request<{ id: string; version: number }>(${str(path)}, {
            method: "POST",
            body: { attributes: { sku: "SKU-1", quantity: 5 } },
          });
          assert.equal(created.status, 201);
          const id = created.body.id;
          await svc.request(\`${path}/\${id}\`, { method: "PUT", body: { attributes: { quantity: 3 } } });
          const state = await svc.request<{ version: number; state: { attributes: Record<string, unknown> } }>(\`${path}/\${id}\`);
          assert.equal(state.body.state.attributes.quantity, 3);
          const events = await svc.request<{ events: Array<{ type: string; id: string }> }>(\`${path}/\${id}/events\`);
          assert.deepEqual(events.body.events.map((e) => e.type), ["${agg}Created", "${agg}Updated"]);
          const published = await svc.waitFor(() => svc.published.find((e) => e.type === "${agg}Updated"));
          assert.equal(published.id, events.body.events[1]?.id, "the bus carries the stored event's id");${
            firstProjection === undefined
              ? ""
              : `\n  assert.equal((await svc.request(\`/projections/${kebabCase(firstProjection)}/\${id}\`)).status, 200);`
          }
        });

        it("keeps ${agg} streams and read models across a restart on a SQLite file", async () => {
          const dir = await mkdtemp(join(tmpdir(), "${service.name}-"));
          const env = { LOG_LEVEL: "silent", DATABASE_URL: \`sqlite:\${join(dir, "events.sqlite")}\` };
          try {
            const first = await startService(createService, { env });
            const created = await first.request<{ id: string }>(${str(path)}, { method: "POST", body: { attributes: { n: 1 } } });
            await first.stop();
            const second = await startService(createService, { env });
            const state = await second.request<{ version: number }>(\`${path}/\${created.body.id}\`);
            assert.equal(state.status, 200);
            assert.equal(state.body.version, 0);${
              firstProjection === undefined
                ? ""
                : `\n      assert.equal((await second.request(\`/projections/${kebabCase(firstProjection)}/\${created.body.id}\`)).status, 200);`
            }
            await second.stop();
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        });

        it("rejects a command the aggregate's state forbids with 409", async () => {
          const created = await svc.request<{ id: string }>(${str(path)}, { method: "POST", body: {} });
          assert.equal((await svc.request(\`${path}/\${created.body.id}\`, { method: "DELETE" })).status, 200);
          assert.equal((await svc.request(\`${path}/\${created.body.id}\`, { method: "DELETE" })).status, 409);
        });
        ${
          sagaTestRoute === undefined
            ? ""
            : participantTest(
                sagaTestRoute,
                `(await svc.request<{ events: unknown[] }>(${str(`${path}/saga-1/events`)})).body.events.length`,
              )
        }
      `,
      testEnv: { DATABASE_URL: "memory:", ...(participates ? { SAGA_COMMAND_STORE_URL: "memory:" } : {}) },
      idempotentExample: { path, body: { attributes: { sku: "SKU-2" } } },
      engines: { database: true },
    };
  },
};
