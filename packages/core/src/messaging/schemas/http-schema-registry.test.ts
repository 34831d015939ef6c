import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ApicurioSchemaRegistry } from "./apicurio-schema-registry.ts";
import { ConfluentSchemaRegistry } from "./confluent-schema-registry.ts";
import { createSchemaRegistry } from "./create-schema-registry.ts";
import { type FakeRegistryServer, startFakeRegistry } from "./fake-registry-server.ts";
import { LocalSchemaRegistry } from "./local-schema-registry.ts";
import { runSchemaRegistryContract } from "./schema-registry.contract.ts";

for (const kind of ["confluent", "apicurio"] as const) {
  describe(`${kind} client against a fake ${kind} REST API on loopback`, () => {
    const fakes: FakeRegistryServer[] = [];
    after(async () => {
      await Promise.all(fakes.map((f) => f.close()));
    });
    const open = async () => {
      const fake = await startFakeRegistry(kind);
      fakes.push(fake);
      return {
        fake,
        registry: await createSchemaRegistry({ SCHEMA_REGISTRY_URL: fake.url, SCHEMA_REGISTRY_KIND: kind }),
      };
    };
    runSchemaRegistryContract({ newRegistry: async () => (await open()).registry });

    it("uses the vendor's routes", async () => {
      const { fake, registry } = await open();
      await registry.register("OrderPlaced", { type: "object" });
      await registry.get("OrderPlaced", 1);
      await registry.get("OrderPlaced", 1); // versions are cached: no second request
      const expected =
        kind === "confluent"
          ? [
              "GET /subjects/OrderPlaced/versions/latest",
              "POST /subjects/OrderPlaced/versions",
              "POST /subjects/OrderPlaced",
              "GET /subjects/OrderPlaced/versions/1",
            ]
          : [
              "GET /apis/registry/v3/groups/default/artifacts/OrderPlaced/versions/branch=latest",
              "POST /apis/registry/v3/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION",
              "GET /apis/registry/v3/groups/default/artifacts/OrderPlaced/versions/1/content",
            ];
      assert.deepEqual(fake.requests, expected);
    });
  });
}

describe("remote registry failures", () => {
  let fake: FakeRegistryServer;
  before(async () => {
    fake = await startFakeRegistry("confluent");
  });
  after(() => fake.close());

  it("answers unavailable when the registry cannot be reached", async () => {
    const url = fake.url;
    await fake.close();
    const registry = new ConfluentSchemaRegistry({ url, timeoutMs: 2000 });
    await assert.rejects(registry.latest("OrderPlaced"), (e) => hasErrorCode(e, "unavailable"));
    fake = await startFakeRegistry("confluent");
  });

  it("answers unavailable on a 5xx and maps a server-side 409 to conflict", async () => {
    const reply = (status: number) => async () => new Response("{}", { status });
    const down = new ApicurioSchemaRegistry({ url: "http://registry.invalid", fetch: reply(503) });
    await assert.rejects(down.latest("A"), (e) => hasErrorCode(e, "unavailable"));
    const refusing = new ConfluentSchemaRegistry({
      url: "http://registry.invalid",
      fetch: async (input) =>
        String(input).endsWith("/latest")
          ? new Response("{}", { status: 404 })
          : new Response('{"error_code":409}', { status: 409 }),
    });
    await assert.rejects(refusing.register("A", {}), (e) => hasErrorCode(e, "conflict"));
  });
});

describe("createSchemaRegistry", () => {
  it("picks the local registry without a URL, confluent by default with one", async () => {
    assert.ok((await createSchemaRegistry({})) instanceof LocalSchemaRegistry);
    assert.equal((await createSchemaRegistry({ SCHEMA_REGISTRY_URL: "http://r:8081" })).kind, "confluent");
    assert.equal(
      (await createSchemaRegistry({ SCHEMA_REGISTRY_URL: "http://r:8080", SCHEMA_REGISTRY_KIND: "Apicurio" }))
        .kind,
      "apicurio",
    );
  });

  it("says AWS Glue is not supported yet, and rejects unknown kinds or a kind without URL", async () => {
    await assert.rejects(
      createSchemaRegistry({ SCHEMA_REGISTRY_URL: "x", SCHEMA_REGISTRY_KIND: "glue" }),
      (e) => hasErrorCode(e, "unsupported"),
    );
    await assert.rejects(createSchemaRegistry({ SCHEMA_REGISTRY_KIND: "avro-hub" }), (e) =>
      hasErrorCode(e, "configuration"),
    );
    await assert.rejects(createSchemaRegistry({ SCHEMA_REGISTRY_KIND: "confluent" }), (e) =>
      hasErrorCode(e, "configuration"),
    );
  });
});
