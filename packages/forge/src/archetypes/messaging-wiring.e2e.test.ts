/**
 * End to end for the messaging wiring of generated services (issue 4, item 7): a stateless service
 * with `[services.messaging] pattern = "outbox"` writes through the transactional outbox and runs a
 * relay; a consumer keeps its dead letters in `DATABASE_URL`'s database. Ignites a small architecture
 * (formatted, as users get it), checks the generated code, then runs both services' generated tests,
 * the type-check and the lint in the workspace. The workspace borrows this checkout's node_modules
 * (which links `@allframe/core`), so no install is needed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";

const ARCHITECTURE = `
[architecture]
name = "outbox-shop"
version = "0.1.0"

[[services]]
name = "catalog-service"
type = "stateless"
responsibility = "Products, announced through the transactional outbox"
[services.domain]
entities = ["Product", "Tag"]
events = ["ProductCreated", "ProductUpdated", "ProductDeleted"]
[services.messaging]
pattern = "outbox"

[[services]]
name = "mailer-service"
type = "consumer"
responsibility = "Mails about new products"
[services.consumer]
events = ["ProductCreated"]
channels = ["email"]
dlq = true
max_retries = 2
`;

describe("generated messaging wiring: stateless with the outbox, consumer with a durable DLQ", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "outbox" });
  const read = (path: string) => workspace.read(`services/${path}`);

  it("writes each change and its event in one outbox transaction instead of publishing on the bus", async () => {
    const products = await read("catalog-service/src/application/product-service.ts");
    assert.match(products, /readonly #store: OutboxDocumentStore<Product>;/);
    assert.match(
      products,
      /await this\.#store\.put\(product, \[\s*createEvent\("ProductCreated", product, \{ source: "catalog-service", key: id \}\),?\s*\]\);/,
    );
    assert.match(products, /await this\.#store\.put\(product, \[\s*createEvent\("ProductUpdated"/);
    assert.match(
      products,
      /const deleted = await this\.#store\.delete\(id, \[\s*createEvent\("ProductDeleted"/,
    );
    assert.doesNotMatch(products, /#bus|EventBus/);
    const tags = await read("catalog-service/src/application/tag-service.ts");
    assert.match(
      tags,
      /readonly #store: DocumentStore<Tag>;/,
      "an entity without events needs no outbox type",
    );
  });

  it("opens the outbox on DATABASE_URL, starts the relay with the service and drains it on shutdown", async () => {
    const service = await read("catalog-service/src/service.ts");
    assert.match(service, /const outbox = openTransactionalOutbox\(config\.DATABASE_URL\);/);
    assert.match(service, /host\.onShutdown\("outbox", \(\) => outbox\.close\(\)\);/);
    assert.match(service, /new OutboxRelay\(\{ store: outbox\.store, bus, logger \}\)/);
    assert.match(service, /host\.onStart\("outbox-relay", \(\) => outboxRelay\.start\(\)\);/);
    assert.match(
      service,
      /host\.onShutdown\("outbox-relay", \(signal\) => outboxRelay\.drain\(signal\), "drain"\);/,
    );
    assert.match(service, /const productStore = outbox\.documents<Product>\("product"\);/);
    assert.match(service, /new ProductService\(productStore\)/);
    assert.doesNotMatch(service, /openDocumentStore/);
  });

  it("keeps the consumer's dead letters in DATABASE_URL's database, closed on shutdown", async () => {
    const service = await read("mailer-service/src/service.ts");
    assert.match(
      service,
      /const deadLetterQueue = openDeadLetterQueue\(config\.DATABASE_URL, \{ consumer: SERVICE_NAME \}\);/,
    );
    assert.match(service, /host\.onShutdown\("dead-letter-queue", \(\) => deadLetterQueue\.close\(\)\);/);
    assert.doesNotMatch(service, /InMemoryDeadLetterQueue/);
    const config = await read("mailer-service/src/config.ts");
    assert.match(config, /DATABASE_URL: z\.string\(\)\.default\("sqlite:\.data\/mailer-service\.sqlite"\)/);
    assert.match(await read("mailer-service/src/service.test.ts"), /DATABASE_URL: "memory:"/);
  });

  it("passes the services' generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, [
      "services/catalog-service/src/service.test.ts",
      "services/mailer-service/src/service.test.ts",
    ]);
    assert.match(tests, /publishes ProductCreated through the transactional outbox/);
    assert.match(tests, /^ℹ pass 13$/m, tests);
    await assertTypecheckAndLint(workspace.dir);
  });
});
