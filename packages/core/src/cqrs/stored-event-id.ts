/**
 * How the SQLite event store keeps event ids: a canonical UUID (36 characters, lowercase hex, dashes
 * at 8, 13, 18 and 23; any version, so the default UUIDv7 ids) as its 16 bytes, every other id as the
 * text it is. Both sides of the conversion give back the exact string the caller appended, so ids
 * compare as strings whatever their storage. The 16-byte form keeps the unique index on event ids at
 * less than half the size of the text one, which made 1,000-event batches faster (see
 * `sqlite-schema.ts`, migration 2).
 * @module
 */

/** Hex digit values by char code; -1 for anything that is not `0-9` or `a-f` (uppercase is not canonical). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLE[97 + c] = 10 + c;

const DASHES = [8, 13, 18, 23] as const;
const DIGITS = Buffer.from("0123456789abcdef", "latin1");
/** The text form is written here and read out as one flat string (see `uuid-v7.ts` for why flat). */
const OUT = Buffer.from("00000000-0000-0000-0000-000000000000", "latin1");
/** Where each of the 16 bytes' two digits start in the text form. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] as const;
/** A GLOB pattern that matches exactly the canonical UUIDs (character classes, no wildcards). */
const UUID_GLOB = [8, 4, 4, 4, 12].map((digits) => "[0-9a-f]".repeat(digits)).join("-");

/**
 * The value the SQLite event store keeps for `id`: its 16 bytes when it is a canonical UUID, else `id`.
 * @example
 * storedEventId("0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5f"); // Uint8Array(16)
 * storedEventId("order-42:created"); // "order-42:created"
 */
export function storedEventId(id: string): string | Uint8Array {
  if (id.length !== 36) return id;
  for (const at of DASHES) if (id.charCodeAt(at) !== 45) return id;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const at = AT[i] as number;
    const high = NIBBLE[id.charCodeAt(at)] ?? -1;
    const low = NIBBLE[id.charCodeAt(at + 1)] ?? -1;
    if (high < 0 || low < 0) return id;
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/**
 * The event id a stored value stands for: the canonical UUID text of 16 bytes, a text id unchanged.
 * @throws TypeError when a blob is not 16 bytes long (the table was written by something other than
 *   this store).
 */
export function eventIdFromStored(stored: string | Uint8Array): string {
  if (typeof stored === "string") return stored;
  if (stored.length !== 16) {
    throw new TypeError(`a stored event id blob must be 16 bytes, got ${stored.length}`);
  }
  for (let i = 0; i < 16; i++) {
    const byte = stored[i] as number;
    const at = AT[i] as number;
    OUT[at] = DIGITS[byte >> 4] as number;
    OUT[at + 1] = DIGITS[byte & 0xf] as number;
  }
  return OUT.toString("latin1", 0, 36);
}

/**
 * The SQL expression, over the text id `column`, that SQLite evaluates to the same value as
 * {@link storedEventId}: used by the migration that converts stored ids and by the lookup of ids
 * passed in as JSON text.
 */
export function storedEventIdSql(column: string): string {
  return `CASE WHEN ${column} GLOB '${UUID_GLOB}' THEN unhex(replace(${column}, '-', '')) ELSE ${column} END`;
}
