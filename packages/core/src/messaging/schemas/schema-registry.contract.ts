/**
 * The contract every {@link SchemaRegistry} passes (house style rule 4). Imported by path by each
 * implementation's test; not exported from the package.
 * @module
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { hasErrorCode, isAllFrameError } from "../../errors/allframe-error.ts";
import type { SchemaRegistry } from "./schema-registry.ts";

/** How a test builds a fresh, empty registry (and cleans up after). */
export interface SchemaRegistryContractOptions {
  newRegistry: () => Promise<SchemaRegistry>;
  /** Subject prefix, so runs against a shared real registry do not collide. */
  prefix?: string;
}

const V1 = {
  type: "object",
  properties: { orderId: { type: "string" }, total: { type: "integer", minimum: 0 } },
  required: ["orderId"],
} as const;
const V2 = {
  ...V1,
  properties: { ...V1.properties, total: { type: "number" }, note: { type: "string" } },
} as const;
const BREAKING = { ...V1, required: ["orderId", "total"] } as const;

/** Registers the shared cases with `node:test`; call inside a `describe`. */
export function runSchemaRegistryContract(options: SchemaRegistryContractOptions): void {
  const subject = (name: string) => `${options.prefix ?? ""}${name}`;

  it("numbers versions from 1 and returns the same version for an identical schema", async () => {
    const registry = await options.newRegistry();
    assert.equal(await registry.register(subject("OrderPlaced"), V1), 1);
    assert.equal(
      await registry.register(subject("OrderPlaced"), {
        properties: V1.properties,
        required: ["orderId"],
        type: "object",
      }),
      1,
    );
    assert.equal(await registry.register(subject("OrderPlaced"), V2), 2);
    assert.deepEqual(await registry.latest(subject("OrderPlaced")), {
      subject: subject("OrderPlaced"),
      version: 2,
      schema: V2,
    });
    assert.deepEqual((await registry.get(subject("OrderPlaced"), 1))?.schema, V1);
  });

  it("answers undefined for an unknown subject or version", async () => {
    const registry = await options.newRegistry();
    assert.equal(await registry.latest(subject("Nothing")), undefined);
    await registry.register(subject("Once"), V1);
    assert.equal(await registry.get(subject("Once"), 2), undefined);
  });

  it("rejects a schema that is not BACKWARD compatible, with the problem's path", async () => {
    const registry = await options.newRegistry();
    await registry.register(subject("Checked"), V1);
    const error = await registry.register(subject("Checked"), BREAKING).catch((e: unknown) => e);
    assert.ok(hasErrorCode(error, "conflict"), String(error));
    assert.deepEqual(error.issues[0]?.path, ["properties", "total"]);
    assert.equal((await registry.latest(subject("Checked")))?.version, 1);
  });

  it("validates payloads against the latest version or a given one, with field paths", async () => {
    const registry = await options.newRegistry();
    await registry.register(subject("Paid"), V1);
    await registry.register(subject("Paid"), V2);
    assert.deepEqual(await registry.validate(subject("Paid"), { orderId: "o-1", total: 9.5 }), {
      orderId: "o-1",
      total: 9.5,
    });
    const error = await registry
      .validate(subject("Paid"), { orderId: "o-1", total: 9.5 }, 1)
      .catch((e: unknown) => e);
    assert.ok(hasErrorCode(error, "validation"));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      [["total"]],
    );
    const missing = await registry.validate(subject("Paid"), { total: 1 }).catch((e: unknown) => e);
    assert.ok(isAllFrameError(missing));
    assert.deepEqual(
      missing.issues.map((i) => i.path),
      [["orderId"]],
    );
  });

  it("answers not-found when validating an event type without a schema", async () => {
    const registry = await options.newRegistry();
    await assert.rejects(registry.validate(subject("Unknown"), {}), (e) => hasErrorCode(e, "not-found"));
  });

  it("serialises concurrent registrations of one subject", async () => {
    const registry = await options.newRegistry();
    const schemas = [1, 2, 3].map((n) => ({
      ...V1,
      properties: { ...V1.properties, [`extra${n}`]: { type: "string" } },
    }));
    const versions = await Promise.all(schemas.map((s) => registry.register(subject("Busy"), s)));
    assert.deepEqual([...versions].sort(), [1, 2, 3]);
  });
}
