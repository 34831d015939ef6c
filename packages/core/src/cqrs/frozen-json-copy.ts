/**
 * A deeply frozen copy of a value exactly as `JSON.parse(JSON.stringify(value))` would give it back,
 * made in one pass without the text in between. Backends use it to hand out events that look the
 * same on every backend (a `Date` becomes its ISO string, `undefined` properties vanish) and that no
 * caller can change, at a fraction of the cost of the round trip plus `deepFreeze`.
 * @module
 */
/** Deeper than this, the copy hands the subtree to JSON itself, which also reports cycles. */
const MAX_DEPTH = 64;
/**
 * The frozen `{}` every empty object is copied to, and which copies to itself at no cost: pass it
 * where a value is empty by default (event metadata), so the copy of the common case is free.
 */
export const EMPTY_JSON_OBJECT: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Copies `value` with JSON's semantics and freezes every object and array of the copy. Top-level
 * `undefined` (which `JSON.stringify` drops) becomes `null`, as `encodeJson` stores it. Objects with
 * other prototypes than `Object.prototype`, `null` or arrays (class instances, boxed primitives,
 * `Map`) after `toJSON` go through `JSON` itself, so the answer is the same in every case. Empty
 * objects come back as one shared frozen `{}` ({@link EMPTY_JSON_OBJECT}).
 * @throws TypeError, as `JSON.stringify` does, when JSON cannot encode the value (a BigInt, a cycle);
 *   whatever a getter or `toJSON` throws.
 * @example
 * frozenJsonCopy({ at: new Date(0), n: undefined }); // { at: "1970-01-01T00:00:00.000Z" }, frozen
 */
export function frozenJsonCopy(value: unknown): unknown {
  return copy(value, "", 0) ?? null;
}

/** The copy of `value` found under `key`; `undefined` where JSON leaves the value out. */
function copy(value: unknown, key: string | number, depth: number): unknown {
  // Like JSON, call an object's (or BigInt's) toJSON once, then copy what it returns as it is.
  if (
    value !== null &&
    (typeof value === "object" || typeof value === "function" || typeof value === "bigint")
  ) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return copyPlain(toJSON.call(value, String(key)), depth);
  }
  return copyPlain(value, depth);
}

function copyPlain(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON writes -0 as 0 and non-finite numbers as null.
      return Number.isFinite(value) ? value + 0 : null;
    case "object":
      return value === null ? null : copyObject(value, depth);
    case "bigint":
      return JSON.stringify(value); // throws, as JSON does
    default:
      // undefined, functions, symbols: left out of objects, null in arrays.
      return undefined;
  }
}

function copyObject(value: object, depth: number): unknown {
  if (value === EMPTY_JSON_OBJECT) return value;
  if (depth >= MAX_DEPTH) return freeze(JSON.parse(JSON.stringify(value)) as unknown);
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], i, depth + 1) ?? null;
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    return freeze(JSON.parse(JSON.stringify(value)) as unknown);
  // A spread copies the own enumerable properties in JSON's order (reading each getter once) and
  // reuses the source's layout, several times faster than adding keys one by one; then only the
  // values JSON would change are fixed up. `for...in` is the cheapest walk over the keys (no array),
  // but it also sees enumerable properties inherited from Object.prototype: those are never written.
  const out: Record<string | symbol, unknown> = { ...value };
  let empty = true;
  for (const k in out) {
    empty = false;
    const v = out[k];
    const kind = typeof v;
    if (kind === "string" || kind === "boolean" || (kind === "number" && v !== 0 && Number.isFinite(v)))
      continue;
    if (!Object.hasOwn(out, k)) continue;
    const c = copy(v, k, depth + 1);
    if (c === undefined) delete out[k];
    else out[k] = c;
  }
  if (empty) return EMPTY_JSON_OBJECT;
  // JSON leaves out symbol keys; a spread copies enumerable ones.
  for (const symbol of Object.getOwnPropertySymbols(out)) delete out[symbol];
  return Object.freeze(out);
}

function freeze(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}
