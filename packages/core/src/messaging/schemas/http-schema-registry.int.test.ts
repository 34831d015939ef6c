/**
 * Integration tests against real registries: they run only when ALLFRAME_TEST_CONFLUENT_URL /
 * ALLFRAME_TEST_APICURIO_URL point at one (no registry server can be installed on this machine).
 */
import { describe } from "node:test";
import { ApicurioSchemaRegistry } from "./apicurio-schema-registry.ts";
import { ConfluentSchemaRegistry } from "./confluent-schema-registry.ts";
import { runSchemaRegistryContract } from "./schema-registry.contract.ts";

const run = `it${Date.now().toString(36)}-`;
let n = 0;
const confluentUrl = process.env.ALLFRAME_TEST_CONFLUENT_URL;
const apicurioUrl = process.env.ALLFRAME_TEST_APICURIO_URL;

describe("ConfluentSchemaRegistry against a real Confluent Schema Registry", {
  skip: confluentUrl ? false : "set ALLFRAME_TEST_CONFLUENT_URL (e.g. http://localhost:8081) to run",
}, () => {
  runSchemaRegistryContract({
    prefix: run,
    newRegistry: async () => new ConfluentSchemaRegistry({ url: confluentUrl ?? "" }),
  });
});

describe("ApicurioSchemaRegistry against a real Apicurio Registry 3.x", {
  skip: apicurioUrl ? false : "set ALLFRAME_TEST_APICURIO_URL (e.g. http://localhost:8080) to run",
}, () => {
  // A fresh group per registry keeps each contract case on empty subjects.
  runSchemaRegistryContract({
    prefix: run,
    newRegistry: async () => new ApicurioSchemaRegistry({ url: apicurioUrl ?? "", group: `${run}${n++}` }),
  });
});
