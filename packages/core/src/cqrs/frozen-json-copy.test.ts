import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EMPTY_JSON_OBJECT, frozenJsonCopy } from "./frozen-json-copy.ts";

class Line {
  sku = "sku-1";
  note = undefined;
  get total(): number {
    return 2;
  }
}

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null");

function assertDeepFrozen(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  assert.ok(Object.isFrozen(value));
  for (const child of Object.values(value)) assertDeepFrozen(child);
}

describe("frozenJsonCopy", () => {
  const cases: Record<string, unknown> = {
    undefined: undefined,
    primitives: [null, 1, -0, Number.NaN, Number.POSITIVE_INFINITY, "x\ud800y", true],
    // Index 3 is a hole.
    "array holes and values JSON drops": Object.assign(new Array(5), {
      0: undefined,
      1: () => 1,
      2: Symbol("s"),
      4: 3,
    }),
    "object values JSON drops or converts": {
      a: undefined,
      b: () => 1,
      c: Symbol("q"),
      d: [1, { e: new Date(0) }],
      f: new Number(3),
      g: new String("s"),
      h: new Map([[1, 2]]),
    },
    "class instance": new Line(),
    "null prototype": Object.assign(Object.create(null), { z: 1 }),
    "own __proto__ key": JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
    "toJSON gets its key": { toJSON: (k: string) => ({ key: k, inner: { toJSON: (k2: string) => k2 } }) },
    "toJSON returning its object": {
      n: {
        toJSON() {
          return this;
        },
      },
    },
    "function with toJSON": Object.assign(() => 1, { toJSON: () => "fn" }),
    "deeper than the copy goes": { deep: JSON.parse(`${"[".repeat(100)}1${"]".repeat(100)}`) },
    "array with extra properties": Object.assign([1, 2], { extra: 3 }),
    "integer keys first": { 2: "b", 1: "a", x: "c" },
    "symbol keys JSON drops": { a: 1, [Symbol("s")]: 2, nested: { [Symbol("t")]: 3 } },
    "toJSON in an array gets its index": [{ toJSON: (k: string) => `at ${k}` }, 2],
    "numbers JSON normalises inside objects": { zero: -0, nan: Number.NaN, inf: -Infinity, n: 1.5 },
  };
  for (const [name, value] of Object.entries(cases)) {
    it(`gives what a JSON round trip gives, deeply frozen: ${name}`, () => {
      const copy = frozenJsonCopy(value);
      assert.deepStrictEqual(copy, viaJson(value));
      assert.equal(JSON.stringify(copy), JSON.stringify(viaJson(value)));
      assertDeepFrozen(copy);
    });
  }

  it("keeps the caller's objects its own", () => {
    const data = { items: [{ sku: "a" }] };
    const copy = frozenJsonCopy(data) as typeof data;
    data.items.push({ sku: "b" });
    assert.equal(copy.items.length, 1);
    assert.ok(!Object.isFrozen(data));
  });

  it("copies empty objects to one shared frozen {}, which copies to itself", () => {
    assert.equal(frozenJsonCopy({}), EMPTY_JSON_OBJECT);
    assert.equal(frozenJsonCopy(EMPTY_JSON_OBJECT), EMPTY_JSON_OBJECT);
    assert.ok(Object.isFrozen(EMPTY_JSON_OBJECT));
  });

  it("throws as JSON does on a cycle or a BigInt", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => frozenJsonCopy(cycle), TypeError);
    assert.throws(() => frozenJsonCopy({ a: 1n }), TypeError);
  });
});
