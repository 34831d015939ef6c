/**
 * The application layer of a `stateless` service: each entity's use cases (`<Entity>Service`) over its
 * document store, announcing changes either on the bus after the write or, with `[services.messaging]
 * pattern = "outbox"`, through the Transactional Outbox in the write's own transaction (Chris
 * Richardson, microservices.io, "Pattern: Transactional outbox").
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { code, lines } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, str } from "../generators/typescript/names.ts";

/** The event name published for a change, if the service declares it. */
export function changeEvent(
  service: ResolvedService,
  entity: string,
  change: "Created" | "Updated" | "Deleted",
): string | undefined {
  const name = `${entity}${change}`;
  return service.publishes.includes(name) ? name : undefined;
}

/**
 * Whether the service asks for the Transactional Outbox (`[services.messaging] pattern = "outbox"`):
 * each write and its change event then commit in one transaction, and a relay publishes the events.
 */
export function usesOutbox(service: ResolvedService): boolean {
  return service.messaging?.pattern === "outbox";
}

/** Whether the service declares any change event of the entity (then its use cases need the bus). */
export function publishesChanges(service: ResolvedService, entity: string): boolean {
  return (["Created", "Updated", "Deleted"] as const).some(
    (c) => changeEvent(service, entity, c) !== undefined,
  );
}

/**
 * How the use cases store a change and announce it: with the outbox, the event goes into the write's
 * own transaction (`put(doc, [event])`); otherwise it is published on the bus after the write.
 */
function changeWriter(service: ResolvedService, entity: string) {
  const outbox = usesOutbox(service);
  const event = (change: "Created" | "Updated" | "Deleted", arg: string): string | undefined => {
    const name = changeEvent(service, entity, change);
    return name === undefined
      ? undefined
      : `createEvent(${str(name)}, ${arg}, { source: ${str(service.name)}, key: id })`;
  };
  const none = (change: string) =>
    `// No ${entity}${change} event is declared in the architecture; nothing is published.`;
  return {
    put(change: "Created" | "Updated", doc: string): string {
      const created = event(change, doc);
      if (created === undefined) return lines(`await this.#store.put(${doc});`, none(change));
      if (outbox)
        return lines(
          `// The write and its ${entity}${change} event commit together; the outbox relay publishes the event.`,
          `await this.#store.put(${doc}, [${created}]);`,
        );
      return lines(`await this.#store.put(${doc});`, `await this.#bus.publish(${created});`);
    },
    delete(): string {
      const deleted = event("Deleted", "{ id }");
      const notFound = `throw new AllFrameError("not-found", \`${entity} \${id} does not exist\`);`;
      if (deleted === undefined)
        return lines(`if (!(await this.#store.delete(id))) ${notFound}`, none("Deleted"));
      if (outbox)
        return lines(
          `// The delete and its ${entity}Deleted event commit together; nothing is enqueued when nothing was deleted.`,
          `const deleted = await this.#store.delete(id, [${deleted}]);`,
          `if (!deleted) ${notFound}`,
        );
      return lines(
        `if (!(await this.#store.delete(id))) ${notFound}`,
        `await this.#bus.publish(${deleted});`,
      );
    },
  };
}

/** `src/application/<entity>-service.ts`: the entity's use cases over its store. */
export function applicationService(service: ResolvedService, entity: string): string {
  const file = kebabCase(entity);
  const v = camelCase(entity);
  const publishes = publishesChanges(service, entity);
  const outbox = publishes && usesOutbox(service);
  const write = changeWriter(service, entity);
  const store = outbox ? `OutboxDocumentStore<${entity}>` : `DocumentStore<${entity}>`;
  const core = [
    "AllFrameError",
    publishes && "createEvent",
    !outbox && "type DocumentStore",
    publishes && !outbox && "type EventBus",
    outbox && "type OutboxDocumentStore",
    "uuidGenerator",
  ].filter((name) => typeof name === "string");
  const fields =
    publishes && !outbox
      ? [
          "readonly #bus: EventBus;",
          "",
          `constructor(store: ${store}, bus: EventBus) {`,
          "  this.#store = store;",
          "  this.#bus = bus;",
          "}",
        ].join("\n")
      : lines(`constructor(store: ${store}) {`, "  this.#store = store;", "}");
  return code`
    import { ${core.join(", ")} } from "@allframe/core";
    import type { ${entity}, ${entity}Input } from "../domain/entities/${file}.ts";

    /** Use cases for ${entity}: create, read, list, replace, delete. */
    export class ${entity}Service {
      readonly #store: ${store};
      ${fields}

      async create(input: ${entity}Input): Promise<${entity}> {
        const id = uuidGenerator();
        const now = new Date().toISOString();
        const ${v}: ${entity} = { ...input, id, version: 1, createdAt: now, updatedAt: now };
        ${write.put("Created", v)}
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
        ${write.put("Updated", v)}
        return ${v};
      }

      async delete(id: string): Promise<void> {
        ${write.delete()}
      }
    }
  `;
}
