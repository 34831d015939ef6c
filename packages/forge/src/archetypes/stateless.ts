/**
 * `stateless`: request/response CRUD over the service's `domain.entities`, stored through the document
 * store port (SQLite file by default, `DATABASE_URL` to switch), publishing `<Entity>Created/Updated/
 * Deleted` when the service declares those events (seed 000, "Archetype: Stateless Microservice").
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { Archetype, RouteSpec, ServiceFiles } from "./archetype.ts";
import { databaseEnv, eventsModule } from "./shared.ts";

function entitiesOf(service: ResolvedService): string[] {
  const declared = service.domain?.entities ?? [];
  return declared.length > 0 ? declared : [pascalCase(service.name.replace(/-service$/, ""))];
}

/** The event name published for a change, if the service declares it. */
function changeEvent(
  service: ResolvedService,
  entity: string,
  change: "Created" | "Updated" | "Deleted",
): string | undefined {
  const name = `${entity}${change}`;
  return service.publishes.includes(name) ? name : undefined;
}

/** Whether the service declares any change event of the entity (then its use cases need the bus). */
function publishesChanges(service: ResolvedService, entity: string): boolean {
  return (["Created", "Updated", "Deleted"] as const).some(
    (c) => changeEvent(service, entity, c) !== undefined,
  );
}

function writeEntity(files: ServiceFiles, service: ResolvedService, entity: string): void {
  const file = kebabCase(entity);
  const v = camelCase(entity);
  const publishesAny = publishesChanges(service, entity);
  const publish = (change: "Created" | "Updated" | "Deleted", arg: string): string => {
    const event = changeEvent(service, entity, change);
    return event === undefined
      ? `// No ${entity}${change} event is declared in the architecture; nothing is published.`
      : `await this.#bus.publish(createEvent(${str(event)}, ${arg}, { source: ${str(service.name)}, key: id }));`;
  };
  files.write(
    `src/domain/entities/${file}.ts`,
    code`
      import { z } from "@allframe/core";

      /**
       * What a client sends to create or replace a ${entity}. Unknown fields are kept; add typed fields
       * here (e.g. \`email: z.email()\`) to validate them.
       */
      export const ${v}Input = z.looseObject({});

      export type ${entity}Input = z.output<typeof ${v}Input>;

      /** A stored ${entity}: the client's fields plus identity and audit fields. */
      export type ${entity} = ${entity}Input & {
        id: string;
        version: number;
        createdAt: string;
        updatedAt: string;
      };
    `,
  );
  files.write(
    `src/application/${file}-service.ts`,
    code`
      ${publishesAny ? 'import { AllFrameError, createEvent, type DocumentStore, type EventBus, uuidGenerator } from "@allframe/core";' : 'import { AllFrameError, type DocumentStore, uuidGenerator } from "@allframe/core";'}
      import type { ${entity}, ${entity}Input } from "../domain/entities/${file}.ts";

      /** Use cases for ${entity}: create, read, list, replace, delete. */
      export class ${entity}Service {
        readonly #store: DocumentStore<${entity}>;
        ${publishesAny ? `readonly #bus: EventBus;\n\nconstructor(store: DocumentStore<${entity}>, bus: EventBus) {\n  this.#store = store;\n  this.#bus = bus;\n}` : `constructor(store: DocumentStore<${entity}>) {\n  this.#store = store;\n}`}

        async create(input: ${entity}Input): Promise<${entity}> {
          const id = uuidGenerator();
          const now = new Date().toISOString();
          const ${v}: ${entity} = { ...input, id, version: 1, createdAt: now, updatedAt: now };
          await this.#store.put(${v});
          ${publish("Created", v)}
          return ${v};
        }

        async get(id: string): Promise<${entity}> {
          const ${v} = await this.#store.get(id);
          if (${v} === undefined) throw new AllFrameError("not-found", \`${entity} \${id} does not exist\`);
          return ${v};
        }

        list(limit: number, offset: number): Promise<${entity}[]> {
          return this.#store.list({ limit, offset });
        }

        async replace(id: string, input: ${entity}Input): Promise<${entity}> {
          const current = await this.get(id);
          const ${v}: ${entity} = {
            ...input,
            id,
            version: current.version + 1,
            createdAt: current.createdAt,
            updatedAt: new Date().toISOString(),
          };
          await this.#store.put(${v});
          ${publish("Updated", v)}
          return ${v};
        }

        async delete(id: string): Promise<void> {
          if (!(await this.#store.delete(id))) throw new AllFrameError("not-found", \`${entity} \${id} does not exist\`);
          ${publish("Deleted", "{ id }")}
        }
      }
    `,
  );
  const path = `/${pluralKebab(entity)}`;
  files.write(
    `src/presentation/rest/${file}-routes.ts`,
    code`
      import { type Hono, parseQuery, readJson, z } from "@allframe/core";
      import type { ${entity}Service } from "../../application/${file}-service.ts";
      import { ${v}Input } from "../../domain/entities/${file}.ts";

      const page = z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      });

      /** REST routes for ${entity} under \`${path}\`. */
      export function register${entity}Routes(app: Hono, service: ${entity}Service): void {
        app.post(${str(path)}, async (c) => c.json(await service.create(await readJson(c, ${v}Input)), 201));
        app.get(${str(path)}, async (c) => {
          const { limit, offset } = parseQuery(c, page);
          return c.json({ items: await service.list(limit, offset), limit, offset });
        });
        app.get(${str(`${path}/:id`)}, async (c) => c.json(await service.get(c.req.param("id"))));
        app.put(${str(`${path}/:id`)}, async (c) =>
          c.json(await service.replace(c.req.param("id"), await readJson(c, ${v}Input))),
        );
        app.delete(${str(`${path}/:id`)}, async (c) => {
          await service.delete(c.req.param("id"));
          return c.body(null, 204);
        });
      }
    `,
  );
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
        body: { label: "first" },
      });
      assert.equal(status, 201);
      assert.equal(body.version, 1);${eventCheck}
      assert.equal((await svc.request(\`${path}/\${body.id}\`)).status, 200);
      const list = await svc.request<{ items: unknown[] }>(${str(path)});
      assert.ok(list.body.items.length >= 1);
      const replaced = await svc.request<{ version: number }>(\`${path}/\${body.id}\`, {
        method: "PUT",
        body: { label: "second" },
      });
      assert.equal(replaced.body.version, 2);
      assert.equal((await svc.request(\`${path}/\${body.id}\`, { method: "DELETE" })).status, 204);
      assert.equal((await svc.request(\`${path}/\${body.id}\`)).status, 404);
    });

    it("rejects a ${entity} body that is not a JSON object with 400", async () => {
      const { status } = await svc.request(${str(path)}, { method: "POST", body: [1, 2] });
      assert.equal(status, 400);
    });
  `;
}

export const statelessArchetype: Archetype = {
  type: "stateless",
  summary: "request/response CRUD over its entities, publishing their change events.",
  plan({ service, files }) {
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
    return {
      imports: entities
        .flatMap((entity) => [
          `import { ${entity}Service } from "./application/${kebabCase(entity)}-service.ts";`,
          `import type { ${entity} } from "./domain/entities/${kebabCase(entity)}.ts";`,
          `import { register${entity}Routes } from "./presentation/rest/${kebabCase(entity)}-routes.ts";`,
        ])
        .concat(['import { openDocumentStore } from "@allframe/core";']),
      body: entities
        .map((entity) => {
          const v = camelCase(entity);
          return code`
            const ${v}Store = openDocumentStore<${entity}>({ collection: ${str(kebabCase(entity).replaceAll("-", "_"))}, url: config.DATABASE_URL });
            host.onShutdown(${str(`${kebabCase(entity)}-store`)}, () => ${v}Store.close());
            register${entity}Routes(host.app, new ${entity}Service(${v}Store${publishesChanges(service, entity) ? ", bus" : ""}));
          `;
        })
        .join("\n"),
      env: [databaseEnv(service)],
      routes,
      tests: entities.map((entity) => entityTests(service, entity)).join("\n"),
      testEnv: { DATABASE_URL: "memory:" },
      idempotentExample: { path: `/${pluralKebab(entities[0] ?? "item")}`, body: { label: "first" } },
      engines: { database: true, redis: service.idempotency?.storage === "redis" },
    };
  },
};
