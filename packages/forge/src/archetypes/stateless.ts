/**
 * `stateless`: request/response CRUD over the service's `domain.entities`, stored through the document
 * store port (SQLite file by default, `DATABASE_URL` to switch) on tables its schema migrations make
 * (`stateless-migrations.ts`), publishing `<Entity>Created/Updated/Deleted` when the service declares
 * those events: after the write, or with `[services.messaging] pattern = "outbox"` through the
 * Transactional Outbox and its relay (seed 000, "Archetype: Stateless Microservice"; issues 4 and 7).
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { Archetype, RouteSpec, ServiceFiles } from "./archetype.ts";
import { databaseEnv, eventsModule, grpcPackage } from "./shared.ts";
import { collectionOf, statelessMigrations } from "./stateless-migrations.ts";
import { applicationService, changeEvent, publishesChanges, usesOutbox } from "./stateless-use-cases.ts";

/** The entities a stateless service serves: its `domain.entities`, else one named after the service. */
export function entitiesOf(service: ResolvedService): string[] {
  const declared = service.domain?.entities ?? [];
  return declared.length > 0 ? declared : [pascalCase(service.name.replace(/-service$/, ""))];
}

function writeEntity(files: ServiceFiles, service: ResolvedService, entity: string): void {
  const file = kebabCase(entity);
  const v = camelCase(entity);
  files.write(
    `src/domain/entities/${file}.ts`,
    code`
      import { z } from "@allframe/core";

      /**
       * What a client sends to create or replace a ${entity}. Declared fields are validated and appear in
       * the OpenAPI document, the GraphQL schema and the .proto; undeclared fields are kept over REST.
       * Add the entity's real fields here (e.g. \`email: z.email()\`).
       */
      export const ${v}Input = z.looseObject({
        name: z.string().min(1).optional().describe("Display name of the ${entity}"),
      });

      export type ${entity}Input = z.output<typeof ${v}Input>;

      /** A stored ${entity}: the client's fields plus identity and audit fields. */
      export const ${v}Schema = ${v}Input
        .extend({
          id: z.string().describe("${entity} id (UUIDv7)"),
          version: z.number().int().describe("Incremented by every replace"),
          createdAt: z.string().describe("ISO-8601 UTC"),
          updatedAt: z.string().describe("ISO-8601 UTC"),
        })
        .meta({ id: ${str(entity)} });

      export type ${entity} = z.output<typeof ${v}Schema>;
    `,
  );
  files.write(`src/application/${file}-service.ts`, applicationService(service, entity));
  const path = `/${pluralKebab(entity)}`;
  const grpc = `grpc: { service: ${str(`${entity}Service`)} }`;
  const listField = camelCase(pluralKebab(entity));
  files.write(
    `src/presentation/handlers/${file}-handlers.ts`,
    code`
      import { defineHandler, type HandlerDefinition, z } from "@allframe/core";
      import type { ${entity}Service } from "../../application/${file}-service.ts";
      import { ${v}Input, ${v}Schema } from "../../domain/entities/${file}.ts";

      const byId = z.object({ id: z.string().min(1) });
      const page = z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      });

      /**
       * ${entity} over every protocol the service lists, from one definition each: REST under
       * \`${path}\`, GraphQL (\`${v}\`, \`${listField}\` and mutations), gRPC \`${entity}Service\`.
       */
      export function ${v}Handlers(service: ${entity}Service): HandlerDefinition[] {
        return [
          defineHandler({
            kind: "unary",
            name: "create${entity}",
            description: "Creates a ${entity}.",
            input: ${v}Input,
            output: ${v}Schema,
            rest: { method: "POST", path: ${str(path)} },
            graphql: { operation: "mutation" },
            ${grpc},
            handle: (input) => service.create(input),
          }),
          defineHandler({
            kind: "unary",
            name: "get${entity}",
            description: "Reads one ${entity} by id.",
            input: byId,
            output: ${v}Schema,
            errors: ["not-found"],
            rest: { method: "GET", path: ${str(`${path}/:id`)} },
            graphql: { operation: "query", field: ${str(v)} },
            ${grpc},
            handle: ({ id }) => service.get(id),
          }),
          defineHandler({
            kind: "unary",
            name: "list${entity}",
            description: "Lists ${entity} records, oldest first.",
            input: page,
            output: z.object({ items: z.array(${v}Schema), limit: z.number().int(), offset: z.number().int() }),
            rest: { method: "GET", path: ${str(path)} },
            graphql: { operation: "query", field: ${str(listField)} },
            ${grpc},
            handle: async ({ limit, offset }) => ({ items: await service.list(limit, offset), limit, offset }),
          }),
          defineHandler({
            kind: "unary",
            name: "replace${entity}",
            description: "Replaces a ${entity}'s fields; its version goes up by one.",
            input: ${v}Input.extend(byId.shape),
            output: ${v}Schema,
            errors: ["not-found"],
            rest: { method: "PUT", path: ${str(`${path}/:id`)} },
            graphql: { operation: "mutation" },
            ${grpc},
            handle: ({ id, ...input }) => service.replace(id, input),
          }),
          defineHandler({
            kind: "unary",
            name: "delete${entity}",
            description: "Deletes a ${entity}.",
            input: byId,
            output: z.object({ id: z.string(), deleted: z.boolean() }),
            errors: ["not-found"],
            rest: { method: "DELETE", path: ${str(`${path}/:id`)} },
            graphql: { operation: "mutation" },
            ${grpc},
            handle: async ({ id }) => {
              await service.delete(id);
              return { id, deleted: true };
            },
          }),
        ];
      }
    `,
  );
}

/** A real gRPC call (the explorer's grpc-js client) for services that list the grpc protocol. */
function grpcTest(architecture: ResolvedArchitecture, service: ResolvedService, entity: string): string {
  if (!service.protocols.includes("grpc")) return "";
  const path = `/${pluralKebab(entity)}`;
  return code`
    it("serves ${entity} over gRPC from the same handlers", async () => {
      const { body } = await svc.request<{ status: number; response: { id: string; name: string } }>("/grpc/invoke", {
        method: "POST",
        body: { service: ${str(`${grpcPackage(architecture, service)}.${entity}Service`)}, method: "Create${entity}", request: { name: "over grpc" } },
      });
      assert.equal(body.status, 0);
      assert.equal(body.response.name, "over grpc");
      assert.equal((await svc.request(\`${path}/\${body.response.id}\`)).status, 200);
    });
  `;
}

function entityTests(service: ResolvedService, entity: string): string {
  const path = `/${pluralKebab(entity)}`;
  const created = changeEvent(service, entity, "Created");
  const eventCheck =
    created === undefined
      ? ""
      : `\nawait svc.waitFor(() => svc.published.find((e) => e.type === ${str(created)} && e.key === body.id));`;
  return code`
    it("creates, reads, lists, replaces and deletes a ${entity}", async () => {
      const { status, body } = await svc.request<{ id: string; version: number }>(${str(path)}, {
        method: "POST",
        body: { name: "first", note: "undeclared fields are kept" },
      });
      assert.equal(status, 201);
      assert.equal(body.version, 1);${eventCheck}
      const read = await svc.request<{ note: string }>(\`${path}/\${body.id}\`);
      assert.equal(read.body.note, "undeclared fields are kept");
      const list = await svc.request<{ items: unknown[] }>(${str(path)});
      assert.ok(list.body.items.length >= 1);
      const replaced = await svc.request<{ version: number }>(\`${path}/\${body.id}\`, {
        method: "PUT",
        body: { name: "second" },
      });
      assert.equal(replaced.body.version, 2);
      assert.equal((await svc.request(\`${path}/\${body.id}\`, { method: "DELETE" })).status, 200);
      assert.equal((await svc.request(\`${path}/\${body.id}\`)).status, 404);
    });

    it("rejects a ${entity} with an invalid field, naming it", async () => {
      const { status, body } = await svc.request<{ error: { issues: Array<{ path: string[] }> } }>(${str(path)}, {
        method: "POST",
        body: { name: "" },
      });
      assert.equal(status, 400);
      assert.deepEqual(body.error.issues[0]?.path, ["name"]);
    });
  `;
}

/**
 * Opens each entity's store (`<entity>Store`) in `createService`. With the outbox they all live on the
 * outbox's database, and a relay started with the service publishes the committed events; it drains
 * in the shutdown's drain phase, after the last request, before the database closes.
 */
function storeWiring(
  service: ResolvedService,
  entities: readonly string[],
): { imports: string[]; statements: string; needsBus: (entity: string) => boolean } {
  if (!usesOutbox(service)) {
    return {
      imports: ['import { openDocumentStore } from "@allframe/core";'],
      statements: entities
        .map((entity) => {
          const v = camelCase(entity);
          return code`
            const ${v}Store = openDocumentStore<${entity}>({ collection: ${str(collectionOf(entity))}, url: config.DATABASE_URL, create: false });
            host.onShutdown(${str(`${kebabCase(entity)}-store`)}, () => ${v}Store.close());
          `;
        })
        .join("\n"),
      needsBus: (entity) => publishesChanges(service, entity),
    };
  }
  return {
    imports: ['import { OutboxRelay, openTransactionalOutbox } from "@allframe/core";'],
    statements: code`
      // Transactional outbox ([services.messaging] pattern = "outbox"): each write and its change event commit in
      // one transaction on DATABASE_URL's database; the relay publishes the events after the commit, at least once.
      const outbox = openTransactionalOutbox(config.DATABASE_URL);
      host.onShutdown("outbox", () => outbox.close());
      const outboxRelay = new OutboxRelay({ store: outbox.store, bus, logger });
      host.onStart("outbox-relay", () => outboxRelay.start());
      // After the last request: what was committed is published before the database closes.
      host.onShutdown("outbox-relay", (signal) => outboxRelay.drain(signal), "drain");
      ${entities
        .map(
          (entity) =>
            `const ${camelCase(entity)}Store = outbox.documents<${entity}>(${str(collectionOf(entity))});`,
        )
        .join("\n")}
    `,
    needsBus: () => false,
  };
}

/** With the outbox: the Created event reaches the bus through the relay, carrying the stored entity. */
function outboxTest(service: ResolvedService, entity: string): string {
  const created = changeEvent(service, entity, "Created");
  if (!usesOutbox(service) || created === undefined) return "";
  return code`
    it("publishes ${created} through the transactional outbox, carrying the stored ${entity}", async () => {
      const { body } = await svc.request<{ id: string }>(${str(`/${pluralKebab(entity)}`)}, {
        method: "POST",
        body: { name: "via the outbox" },
      });
      const event = await svc.waitFor(() => svc.published.find((e) => e.type === ${str(created)} && e.key === body.id));
      assert.deepEqual(event.data, body);
    });
  `;
}

export const statelessArchetype: Archetype = {
  type: "stateless",
  summary: "request/response CRUD over its entities, publishing their change events.",
  plan({ architecture, service, files }) {
    const entities = entitiesOf(service);
    for (const entity of entities) writeEntity(files, service, entity);
    eventsModule(files, service);
    const routes: RouteSpec[] = entities.flatMap((entity) => {
      const path = `/${pluralKebab(entity)}`;
      return [
        { method: "POST", path, summary: `Create a ${entity}` },
        { method: "GET", path, summary: `List ${entity} (limit, offset)` },
        { method: "GET", path: `${path}/:id`, summary: `Read a ${entity}` },
        { method: "PUT", path: `${path}/:id`, summary: `Replace a ${entity}` },
        { method: "DELETE", path: `${path}/:id`, summary: `Delete a ${entity}` },
      ] satisfies RouteSpec[];
    });
    const wiring = storeWiring(service, entities);
    const migrations = statelessMigrations(files, service, entities);
    return {
      imports: entities
        .flatMap((entity) => [
          `import { ${entity}Service } from "./application/${kebabCase(entity)}-service.ts";`,
          `import type { ${entity} } from "./domain/entities/${kebabCase(entity)}.ts";`,
          `import { ${camelCase(entity)}Handlers } from "./presentation/handlers/${kebabCase(entity)}-handlers.ts";`,
        ])
        .concat(migrations.imports, wiring.imports),
      body: code`
        ${migrations.statements}
        ${wiring.statements}
        const handlers = [
          ${entities
            .map((entity) => {
              const v = camelCase(entity);
              return `...${v}Handlers(new ${entity}Service(${v}Store${wiring.needsBus(entity) ? ", bus" : ""})),`;
            })
            .join("\n")}
        ];
      `,
      handlers: "handlers",
      env: [databaseEnv(service), migrations.env],
      routes,
      tests: [
        ...entities.flatMap((entity) => [entityTests(service, entity), outboxTest(service, entity)]),
        grpcTest(architecture, service, entities[0] ?? "Item"),
        migrations.tests,
      ].join("\n"),
      testImports: migrations.testImports,
      scripts: migrations.scripts,
      readme: migrations.readme,
      testEnv: { DATABASE_URL: "memory:" },
      idempotentExample: { path: `/${pluralKebab(entities[0] ?? "item")}`, body: { name: "first" } },
      engines: { database: true, redis: service.idempotency?.storage === "redis" },
    };
  },
};
