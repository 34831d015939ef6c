import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { LocalSchemaRegistry } from "./local-schema-registry.ts";
import { runSchemaRegistryContract } from "./schema-registry.contract.ts";

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "allframe-schemas-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("LocalSchemaRegistry in memory", () => {
  runSchemaRegistryContract({ newRegistry: () => LocalSchemaRegistry.open() });
});

let folders = 0;
describe("LocalSchemaRegistry on a folder", () => {
  runSchemaRegistryContract({
    newRegistry: () => LocalSchemaRegistry.open({ directory: join(root, `c${folders++}`) }),
  });

  it("writes <subject>.v<N>.json files and reads them back on open", async () => {
    const directory = join(root, "persisted");
    const first = await LocalSchemaRegistry.open({ directory });
    await first.register("OrderPlaced", { type: "object" });
    await first.register("OrderPlaced", { type: ["object", "null"] });
    assert.deepEqual((await readdir(directory)).sort(), ["OrderPlaced.v1.json", "OrderPlaced.v2.json"]);
    assert.deepEqual(JSON.parse(await readFile(join(directory, "OrderPlaced.v2.json"), "utf8")), {
      type: ["object", "null"],
    });
    const reopened = await LocalSchemaRegistry.open({ directory });
    assert.deepEqual(reopened.subjects(), ["OrderPlaced"]);
    assert.equal((await reopened.latest("OrderPlaced"))?.version, 2);
  });

  it("refuses a folder with a gap in a subject's versions or a file that is not JSON", async () => {
    const gap = join(root, "gap");
    await LocalSchemaRegistry.open({ directory: gap });
    await writeFile(join(gap, "A.v1.json"), "{}");
    await writeFile(join(gap, "A.v3.json"), "{}");
    await assert.rejects(
      LocalSchemaRegistry.open({ directory: gap }),
      (e) => hasErrorCode(e, "configuration") && /skip version 2/.test(e.message),
    );
    const broken = join(root, "broken");
    await LocalSchemaRegistry.open({ directory: broken });
    await writeFile(join(broken, "B.v1.json"), "{ nope");
    await assert.rejects(LocalSchemaRegistry.open({ directory: broken }), (e) =>
      hasErrorCode(e, "configuration"),
    );
  });
});

describe("LocalSchemaRegistry rules", () => {
  it("rejects invalid subjects and invalid schemas with validation errors", async () => {
    const registry = await LocalSchemaRegistry.open();
    await assert.rejects(registry.register("../etc", {}), (e) => hasErrorCode(e, "validation"));
    await assert.rejects(registry.register("Bad", { type: 12 } as never), (e) =>
      hasErrorCode(e, "validation"),
    );
    await assert.rejects(registry.register("Bad", [] as never), (e) => hasErrorCode(e, "validation"));
  });

  it("accepts anything with compatibility NONE", async () => {
    const registry = await LocalSchemaRegistry.open({ compatibility: "NONE" });
    await registry.register("Loose", { type: "string" });
    assert.equal(await registry.register("Loose", { type: "integer" }), 2);
  });

  it("fills defaults on a copy and leaves the caller's payload alone", async () => {
    const registry = await LocalSchemaRegistry.open();
    await registry.register("Defaults", {
      type: "object",
      properties: { currency: { type: "string", default: "EUR" } },
    });
    const payload = {};
    assert.deepEqual(await registry.validate("Defaults", payload), { currency: "EUR" });
    assert.deepEqual(payload, {});
  });

  it("reports nested field paths, array indices as numbers", async () => {
    const registry = await LocalSchemaRegistry.open();
    await registry.register("Lines", {
      type: "object",
      properties: {
        lines: {
          type: "array",
          items: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] },
        },
      },
    });
    const error = await registry
      .validate("Lines", { lines: [{ sku: "a" }, { sku: 3 }, {}] })
      .catch((e: unknown) => e);
    assert.ok(hasErrorCode(error, "validation"));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      [
        ["lines", 1, "sku"],
        ["lines", 2, "sku"],
      ],
    );
    assert.match(error.message, /^Lines v1 payload is invalid: lines\.1\.sku: must be string/);
  });
});
