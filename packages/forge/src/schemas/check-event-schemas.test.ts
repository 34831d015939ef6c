import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../config/diagnostic.ts";
import { loadArchitectureFile } from "../config/load.ts";
import { validateEventSchemaFolder } from "./check-event-schemas.ts";

const REFERENCE = fileURLToPath(new URL("../../../../examples/architecture.toml", import.meta.url));
const V1 = `{
  "type": "object",
  "properties": {
    "orderId": { "type": "string" },
    "total": { "type": "integer" }
  },
  "required": ["orderId"]
}
`;

let root: string;
let fixtures = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "allframe-event-schemas-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A folder with the reference architecture and the given `events/` files. */
async function fixture(files: Record<string, string>): Promise<string> {
  const dir = join(root, `f${fixtures++}`);
  await mkdir(join(dir, "events"), { recursive: true });
  await copyFile(REFERENCE, join(dir, "architecture.toml"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, "events", name), text);
  return join(dir, "architecture.toml");
}

describe("event schemas at validation time", () => {
  it("reports nothing without an events/ folder (the reference example stays valid)", async () => {
    assert.deepEqual(await validateEventSchemaFolder(REFERENCE), []);
    const result = await loadArchitectureFile(REFERENCE, { env: {} });
    assert.ok(!result.diagnostics.some((d) => d.code.endsWith("event-schema")));
  });

  it("accepts compatible versions", async () => {
    const v2 = V1.replace(
      '"total": { "type": "integer" }',
      '"total": { "type": "number" },\n    "note": { "type": "string" }',
    );
    const config = await fixture({
      "OrderPlaced.v1.json": V1,
      "OrderPlaced.v2.json": v2,
      "Other.v1.json": "{}",
    });
    assert.deepEqual(await validateEventSchemaFolder(config), []);
    assert.ok((await loadArchitectureFile(config, { env: {} })).ok);
  });

  it("fails validation with a located diagnostic for an incompatible version", async () => {
    const v2 = V1.replace('"required": ["orderId"]', '"required": ["orderId", "total"]');
    const config = await fixture({ "OrderPlaced.v1.json": V1, "OrderPlaced.v2.json": v2 });
    const result = await loadArchitectureFile(config, { env: {} });
    assert.equal(result.ok, false);
    const d = result.diagnostics.find((x) => x.code === "incompatible-event-schema");
    assert.ok(d);
    assert.equal(d.location?.file, join(config, "..", "events", "OrderPlaced.v2.json"));
    assert.deepEqual([d.location?.line, d.location?.column], [5, 14]);
    assert.deepEqual(d.path, ["properties", "total"]);
    assert.match(
      formatDiagnostic(d),
      /OrderPlaced\.v2\.json:5:14 error\[incompatible-event-schema\] properties\.total: OrderPlaced v2 is not BACKWARD compatible with v1 at \/properties\/total: "total" is now required/,
    );
    assert.match(
      d.hint,
      /keep it optional, or give it a default; consumers on v2 must read events written with v1/,
    );
  });

  it("checks each consecutive pair: v2 → v3 problems point into v3", async () => {
    const v3 = V1.replace('"total": { "type": "integer" }', '"total": { "type": "integer", "maximum": 100 }');
    const config = await fixture({
      "OrderPlaced.v1.json": V1,
      "OrderPlaced.v2.json": V1,
      "OrderPlaced.v3.json": v3,
    });
    const [d, ...rest] = await validateEventSchemaFolder(config);
    assert.equal(rest.length, 0);
    assert.match(d?.location?.file ?? "", /OrderPlaced\.v3\.json$/);
    assert.deepEqual(d?.path, ["properties", "total", "maximum"]);
  });

  it("reports a version gap, a file that is not JSON, and a misnamed file", async () => {
    const config = await fixture({
      "A.v1.json": "{}",
      "A.v3.json": "{}",
      "B.v1.json": '{\n  "type": \n}',
      "C.json": "{}",
      "notes.txt": "x",
    });
    const found = (await validateEventSchemaFolder(config)).map((d) => [d.severity, d.code, d.message]);
    assert.deepEqual(found.map(([s, c]) => `${s} ${c}`).sort(), [
      "error invalid-event-schema",
      "error invalid-event-schema",
      "warning invalid-event-schema",
    ]);
    assert.ok(found.some(([, , m]) => m === "A has v3 but no v2"));
    assert.ok(found.some(([, , m]) => /^"C\.json" is not named <EventName>\.v<N>\.json/.test(m ?? "")));
    assert.ok(found.some(([, , m]) => /^B\.v1\.json is not a JSON Schema object/.test(m ?? "")));
  });
});
