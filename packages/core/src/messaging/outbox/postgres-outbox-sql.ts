/**
 * The PostgreSQL outbox's schema and its statements: claim, enqueue, mark, release, failure.
 * @module
 */
import pg from "pg";
import type { PostgresMigration } from "../../cqrs/postgres-migrations.ts";
import { OUTBOX_TABLES } from "./outbox-store.ts";

const { messages: T, dead: D } = OUTBOX_TABLES;
/** The leases of claimed (and retry-delayed) messages, one row per message, by `seq`. */
export const OUTBOX_LEASES = "allframe_outbox_leases";
const L = OUTBOX_LEASES;
const { escapeLiteral } = pg;

/** Advisory-lock classes ("ALFO", "ALFK"): claims take turns; writers of one key take turns. */
export const OUTBOX_LOCKS = { claim: 0x414c464f, key: 0x414c464b } as const;

/**
 * The outbox tables. `seq` is an identity column: insertion order, which equals commit order per key
 * because `enqueue` makes writers of one key take turns. A message is leased (claimed by a relay, or
 * waiting out a retry delay) while its row in `allframe_outbox_leases` has `locked_until` (epoch
 * milliseconds from the store's clock, so leases and retry delays run on injected time) in the future.
 */
export const OUTBOX_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "outbox and its dead letters",
    sql: `
CREATE TABLE ${T} (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id text NOT NULL UNIQUE,
  type text NOT NULL,
  key text,
  envelope jsonb NOT NULL,
  enqueued_at bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  locked_by text,
  locked_until bigint NOT NULL DEFAULT 0
);
CREATE INDEX ${T}_key_seq ON ${T} (key, seq) WHERE key IS NOT NULL;
CREATE TABLE ${D} (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  message_id text NOT NULL,
  envelope jsonb NOT NULL,
  error_name text NOT NULL,
  error_message text NOT NULL,
  attempts integer NOT NULL,
  consumer text NOT NULL,
  dead_lettered_at text NOT NULL
);`,
  },
  {
    // A claim asks which keys have a leased (or retry-delayed) message; those are few, so a partial
    // index finds them without scanning the outbox, where the (key, seq) index made the planner
    // compare every candidate with every leased row (190 ms per 500-message claim at 1,000 leased).
    version: 2,
    name: "index the leased messages, not every key",
    sql: `
DROP INDEX ${T}_key_seq;
CREATE INDEX ${T}_leased ON ${T} (key, seq) WHERE locked_until > 0;`,
  },
  {
    // Leases live in a narrow table of their own. Leasing 500 messages in place rewrote 500 wide rows
    // (the envelope with them) and added an entry to each of the outbox's three indexes per row, since
    // a changed indexed column rules out PostgreSQL's in-place (HOT) update; that made the claim, which
    // relays take in turns, the relays' bottleneck. Inserting 500 lease rows costs about half as much.
    version: 3,
    name: "leases in their own table",
    sql: `
CREATE TABLE ${L} (
  seq bigint PRIMARY KEY,
  key text,
  locked_by text,
  locked_until bigint NOT NULL
);
INSERT INTO ${L} (seq, key, locked_by, locked_until)
  SELECT seq, key, locked_by, locked_until FROM ${T} WHERE locked_until > 0;
DROP INDEX ${T}_leased;
ALTER TABLE ${T} DROP COLUMN locked_by, DROP COLUMN locked_until;`,
  },
];

/**
 * The claim of `batchSize` messages for `workerId` until `now + leaseMs` (epoch ms), in one round
 * trip: a simple-protocol query of two statements, which PostgreSQL runs as one transaction, each
 * with its own snapshot (READ COMMITTED). The first takes the claim lock; the second then sees every
 * lease committed before it and leases the oldest messages that hold no live lease and whose key has
 * no older message leased. The leased keys are gathered once (`blocked`: key → oldest leased seq)
 * rather than looked up per candidate. No row lock is taken on the messages: a message being marked
 * or failed is leased, so the claim passes it by; a lease that ran out is taken over (`ON CONFLICT`).
 * In the one race left, a relay marking a message just as its lease runs out while another claims
 * it, the message is published twice (at-least-once) and the second lease outlives its message: it
 * holds back that key's later messages until it runs out (`leaseMs`), then is ignored.
 */
export function claimSql(now: number, batchSize: number, workerId: string, leaseMs: number): string {
  // Integers written as BigInt does, never in exponent notation.
  const int = (n: number): string => BigInt(Math.ceil(n)).toString();
  return `SELECT pg_advisory_xact_lock(${OUTBOX_LOCKS.claim}, 1);
WITH blocked AS (
  SELECT jsonb_object_agg(b.key, b.seq) AS seqs FROM (
    SELECT key, min(seq) AS seq FROM ${L}
    WHERE locked_until > ${int(now)} AND key IS NOT NULL GROUP BY key) b),
picked AS (
  SELECT c.seq, c.key FROM ${T} c
  WHERE NOT EXISTS (SELECT 1 FROM ${L} l WHERE l.seq = c.seq AND l.locked_until > ${int(now)})
    AND coalesce(((SELECT seqs FROM blocked) ->> c.key)::bigint > c.seq, true)
  ORDER BY c.seq LIMIT ${int(batchSize)}),
leased AS (
  INSERT INTO ${L} (seq, key, locked_by, locked_until)
  SELECT seq, key, ${escapeLiteral(workerId)}, ${int(now + leaseMs)} FROM picked
  ON CONFLICT (seq) DO UPDATE SET locked_by = excluded.locked_by, locked_until = excluded.locked_until
  RETURNING seq)
SELECT o.message_id, o.seq, o.envelope, o.attempts, o.enqueued_at FROM ${T} o JOIN leased USING (seq)`;
}

/** Deletes messages (`$1`: their ids) and their leases, in one statement: once published, or dead-lettered. */
export const DELETE_MESSAGES = `WITH gone AS (DELETE FROM ${T} WHERE message_id = ANY($1::text[]) RETURNING seq)
DELETE FROM ${L} WHERE seq IN (SELECT seq FROM gone)`;

/** Ends the leases of messages (by id), so the next claim may take them. */
export const RELEASE = `DELETE FROM ${L} WHERE seq IN (SELECT seq FROM ${T} WHERE message_id = ANY($1::text[]))`;

/**
 * Counts a failed publish (`$2`: the error) and holds the message until `$3` (epoch ms): its lease
 * becomes a retry delay with no worker. Returns the attempts so far and the envelope.
 */
export const RECORD_FAILURE = `WITH failed AS (
  UPDATE ${T} SET attempts = attempts + 1, last_error = $2 WHERE message_id = $1
  RETURNING seq, key, attempts, envelope),
held AS (
  INSERT INTO ${L} (seq, key, locked_by, locked_until) SELECT seq, key, NULL, $3::bigint FROM failed
  ON CONFLICT (seq) DO UPDATE SET locked_by = NULL, locked_until = excluded.locked_until)
SELECT attempts, envelope FROM failed`;

/**
 * The enqueue, in one statement: the keys' advisory locks (sorted by the caller, so two writers
 * cannot deadlock) are taken by a one-time filter before any row, hence any `seq`, is made.
 */
export const ENQUEUE = `INSERT INTO ${T} (message_id, type, key, envelope, enqueued_at)
SELECT m.id, m.type, m.key, m.envelope::jsonb, $5::bigint
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS m(id, type, key, envelope, n)
WHERE (SELECT count(pg_advisory_xact_lock($6, hashtext(k))) FROM unnest($7::text[]) AS k) >= 0
ORDER BY m.n`;
