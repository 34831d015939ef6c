/**
 * The schema migrations of a `stateless` service (issue 7): `migrations/0001_create_<entities>.ts`
 * creates each entity's document table on SQLite and PostgreSQL, `npm run migrate -- up|down|status`
 * runs them, and `createService` applies pending ones at start (`MIGRATE_ON_START`, on by default
 * outside production) before opening its stores on the migrated tables (versioned migrations as in
 * Flyway and Rails, run by `@allframe/core`'s `openMigrator` on umzug).
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { kebabCase, pluralKebab, str } from "../generators/typescript/names.ts";
import type { EnvVarSpec, ServiceFiles } from "./archetype.ts";

/** The table name of an entity's collection, e.g. `order_item`. */
export function collectionOf(entity: string): string {
  return kebabCase(entity).replaceAll("-", "_");
}

/** The first migration's name, e.g. `0001_create_products_tags`. */
export function initialMigrationName(entities: readonly string[]): string {
  return `0001_create_${entities.map((e) => pluralKebab(e).replaceAll("-", "_")).join("_")}`;
}

/** One document table per entity, as `@allframe/core`'s document store reads it, in each dialect. */
function tableStatements(entities: readonly string[], dialect: "sqlite" | "postgres"): string {
  const columns =
    dialect === "sqlite"
      ? "seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, doc TEXT NOT NULL) STRICT"
      : "seq bigserial PRIMARY KEY, id text NOT NULL, doc jsonb NOT NULL)";
  return entities
    .flatMap((entity) => {
      const t = collectionOf(entity);
      return [`'CREATE TABLE "${t}" (${columns}',`, `'CREATE UNIQUE INDEX "${t}_id_key" ON "${t}" (id)',`];
    })
    .join("\n");
}

function migrationFile(entities: readonly string[]): string {
  const drops = entities
    .map((entity) => `await db.exec('DROP TABLE "${collectionOf(entity)}"');`)
    .reverse()
    .join("\n");
  return code`
    import type { MigrationDatabase } from "@allframe/core";

    /**
     * The document tables of ${entities.join(", ")}: \`seq\` keeps insertion order (the primary key lists
     * page by), \`id\` is unique (the index reads, upserts and deletes look up by), \`doc\` holds the entity
     * as JSON (\`jsonb\` on PostgreSQL). Once applied, this file must not change (the runner checks its
     * checksum): put later schema changes in \`0002_<what>.ts\` beside it.
     */
    const CREATE: Record<MigrationDatabase["dialect"], string[]> = {
      sqlite: [
        ${tableStatements(entities, "sqlite")}
      ],
      postgres: [
        ${tableStatements(entities, "postgres")}
      ],
    };

    export async function up(db: MigrationDatabase): Promise<void> {
      for (const statement of CREATE[db.dialect]) await db.exec(statement);
    }

    export async function down(db: MigrationDatabase): Promise<void> {
      ${drops}
    }
  `;
}

/** What the migrations add to a stateless service's plan. */
export interface StatelessMigrations {
  readonly imports: readonly string[];
  /** Statements for `createService`, before the stores open. */
  readonly statements: string;
  readonly env: EnvVarSpec;
  readonly scripts: Readonly<Record<string, string>>;
  readonly tests: string;
  readonly testImports: readonly string[];
  readonly readme: string;
}

/**
 * Writes the migration, the folder locator and `src/migrate.ts`, and answers the plan's parts. The
 * generated test starts the service on a fresh SQLite file, checks the tables and the record, and
 * restarts it to show the migration does not run again.
 */
export function statelessMigrations(
  files: ServiceFiles,
  service: ResolvedService,
  entities: readonly string[],
): StatelessMigrations {
  const name = initialMigrationName(entities);
  files.write(`migrations/${name}.ts`, migrationFile(entities));
  files.write(
    "src/infrastructure/migrations.ts",
    code`
      /** The schema migrations (\`../../migrations/*.ts\`, applied in file-name order). */
      export const MIGRATIONS_FOLDER = new URL("../../migrations/", import.meta.url);

      /** Whose migrations they are in \`allframe_migrations\`, so services sharing a database keep apart. */
      export const MIGRATION_SCOPE = ${str(service.name)};
    `,
  );
  files.write(
    "src/migrate.ts",
    code`
      /**
       * \`npm run migrate -- up [--to <name>] | down [--to <name>|0] | status\`: the schema migrations in
       * \`migrations/\` on DATABASE_URL's database (a deploy step when MIGRATE_ON_START is off).
       */
      import { loadMigrations, runMigrateCommand } from "@allframe/core";
      import { loadConfig } from "./config.ts";
      import { MIGRATION_SCOPE, MIGRATIONS_FOLDER } from "./infrastructure/migrations.ts";

      const config = loadConfig(process.env);
      process.exitCode = await runMigrateCommand(process.argv.slice(2), {
        url: config.DATABASE_URL,
        migrations: await loadMigrations(MIGRATIONS_FOLDER),
        scope: MIGRATION_SCOPE,
      });
    `,
  );
  const tables = entities.map((entity) => str(collectionOf(entity))).join(", ");
  const path = `/${pluralKebab(entities[0] ?? "item")}`;
  return {
    imports: [
      'import { loadMigrations, migrateOnStart } from "@allframe/core";',
      'import { MIGRATION_SCOPE, MIGRATIONS_FOLDER } from "./infrastructure/migrations.ts";',
    ],
    statements: code`
      // Schema migrations (migrations/*.ts) first, so the stores open on the tables they made: applied here
      // when MIGRATE_ON_START is on (the default outside production), otherwise only checked to be applied.
      await migrateOnStart({
        url: config.DATABASE_URL,
        migrations: await loadMigrations(MIGRATIONS_FOLDER),
        scope: MIGRATION_SCOPE,
        apply: config.MIGRATE_ON_START ?? env.NODE_ENV !== "production",
        logger,
      });
    `,
    env: {
      name: "MIGRATE_ON_START",
      schema: "z.stringbool().optional()",
      description:
        "Apply pending schema migrations at start (true/false). Unset: true unless NODE_ENV=production, where `npm run migrate -- up` is a deploy step and start-up refuses an outdated schema.",
    },
    scripts: { migrate: "node src/migrate.ts" },
    testImports: [
      'import { mkdtemp, rm } from "node:fs/promises";',
      'import { tmpdir } from "node:os";',
      'import { join } from "node:path";',
      'import { DatabaseSync } from "node:sqlite";',
    ],
    tests: code`
      it("migrates a fresh SQLite database at start, once: tables made, migration recorded, not re-run", async () => {
        const dir = await mkdtemp(join(tmpdir(), ${str(`${service.name}-migrations-`)}));
        const file = join(dir, "service.sqlite");
        const env = { ...TEST_ENV, DATABASE_URL: \`sqlite:\${file}\`, MIGRATE_ON_START: "true" };
        const recorded = () => {
          const db = new DatabaseSync(file);
          try {
            const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name);
            const rows = db.prepare("SELECT scope, name, applied_at FROM allframe_migrations").all();
            return { tables, rows: rows.map((r) => ({ ...r })) };
          } finally {
            db.close();
          }
        };
        try {
          const first = await startService(createService, { env });
          const created = await first.request<{ id: string }>(${str(path)}, { method: "POST", body: { name: "kept" } });
          assert.equal(created.status, 201);
          await first.stop();
          const before = recorded();
          for (const table of [${tables}]) assert.ok(before.tables.includes(table), \`table \${table} exists\`);
          assert.deepEqual(
            before.rows.map((r) => [r.scope, r.name]),
            [[${str(service.name)}, ${str(name)}]],
          );
          // Restart: the migration is applied already, so nothing runs again and the data is still there.
          const second = await startService(createService, { env });
          assert.equal((await second.request(\`${path}/\${created.body.id}\`)).status, 200);
          await second.stop();
          assert.deepEqual(recorded().rows, before.rows);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    `,
    readme: code`
      ## Schema migrations

      \`migrations/\` holds the schema, versioned: \`${name}.ts\` creates the entities' tables on SQLite and
      PostgreSQL. Applied migrations are recorded in \`allframe_migrations\` with a checksum, so an edited
      applied file stops the service; change the schema with a new file (\`0002_<what>.ts\` exporting
      \`up(db)\` and \`down(db)\`).

      \`\`\`sh
      npm run migrate -- status          # applied and pending migrations on DATABASE_URL
      npm run migrate -- up              # apply pending (a deploy step when MIGRATE_ON_START=false)
      npm run migrate -- down --to 0001_… # revert down to and including a migration
      \`\`\`

      \`npm run dev\`/\`npm start\` apply pending migrations at start unless \`NODE_ENV=production\`
      (\`MIGRATE_ON_START\` overrides); PostgreSQL instances starting together take an advisory lock, so each
      migration runs once.
    `,
  };
}
