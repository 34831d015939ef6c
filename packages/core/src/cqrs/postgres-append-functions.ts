/**
 * The SQL functions through which every event enters the PostgreSQL event store: `allframe_append`
 * (one append) and `allframe_append_batch` (several appends to distinct streams in one transaction),
 * (re)created by every `PostgresEventStoreBackend.migrate()`.
 * @module
 */

/** Advisory-lock class ids ("ALF" + a letter); the second key of each lock says what is locked. */
export const LOCK_CLASS = {
  /** `(LOCK_CLASS.store, 1)`: the append section that assigns positions; `(…, 2)`: migrations. */
  store: 0x414c4652,
  /** `(LOCK_CLASS.stream, hashtext(stream_id))`: one writer per stream (hash collisions only serialise). */
  stream: 0x414c4653,
} as const;
export const APPEND_LOCK_KEY = 1;

/** `CREATE OR REPLACE FUNCTION` of both append functions; idempotent. */
export const APPEND_FUNCTIONS = `
-- One append, callable as a single statement. Takes the stream's writer lock (held to the end of
-- the transaction), answers 'stored' when any id is already stored (the caller sorts out retry from
-- conflict), 'conflict' with the version when it is outside [p_min_version, p_max_version], 'empty'
-- for no events; otherwise inserts and answers 'appended' with each version and position.
-- The transaction id and the positions are taken inside one short session-level lock, which makes
-- "transaction id order" equal "position order" across appenders: what lets readAll trust
-- pg_snapshot_xmin. Only that is inside (positions are reserved from the identity sequence and
-- inserted with OVERRIDING SYSTEM VALUE): with the insert inside too, 10 concurrent writers spent
-- more time queueing for the lock and waking each other than inserting. The lock is released before
-- the insert, inline projections and the commit. Nothing inside can fail short of a cancelled statement
-- or a terminated session; the client closes the connection after such an error, which frees the
-- lock (an EXCEPTION block would cost every append a subtransaction).
CREATE OR REPLACE FUNCTION allframe_append(
  p_stream_id text, p_min_version bigint, p_max_version bigint, p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[], p_recorded_at timestamptz[]
) RETURNS TABLE (outcome text, event_version bigint, event_position bigint)
LANGUAGE plpgsql
-- Every lookup here is by key. PL/pgSQL caches one plan per session; planned while the tables were
-- tiny, that plan is a sequential scan, which costs milliseconds once they hold thousands of rows.
SET enable_seqscan = off
AS $fn$
DECLARE
  v_current bigint;
  v_stored boolean;
  v_count integer := cardinality(p_event_ids);
  v_first bigint;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'allframe_append must be the first write of its transaction'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  PERFORM pg_advisory_xact_lock(${LOCK_CLASS.stream}, hashtext(p_stream_id));
  SELECT EXISTS (SELECT 1 FROM allframe_events WHERE event_id = ANY (p_event_ids)),
         coalesce((SELECT s.version FROM allframe_streams s WHERE s.stream_id = p_stream_id), -1)
    INTO v_stored, v_current;
  IF v_stored THEN
    RETURN QUERY SELECT 'stored'::text, NULL::bigint, NULL::bigint;
    RETURN;
  END IF;
  IF v_current < p_min_version OR v_current > p_max_version THEN
    RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint;
    RETURN;
  END IF;
  IF v_count = 0 THEN
    RETURN QUERY SELECT 'empty'::text, v_current, NULL::bigint;
    RETURN;
  END IF;
  -- Positions are only ever taken here, under the lock, so first..first + count - 1 are this
  -- append's alone.
  PERFORM pg_advisory_lock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
  PERFORM pg_current_xact_id();
  v_first := nextval('allframe_events_position_seq');
  IF v_count > 1 THEN
    PERFORM setval('allframe_events_position_seq', v_first + v_count - 1);
  END IF;
  PERFORM pg_advisory_unlock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
  -- One statement for both inserts (a data-modifying WITH always runs): each statement costs
  -- PL/pgSQL an executor start.
  RETURN QUERY
    WITH inserted AS (
      INSERT INTO allframe_events AS e
        (position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
      OVERRIDING SYSTEM VALUE
      SELECT v_first + d.n - 1, p_stream_id, v_current + d.n, d.id, d.type, d.sv, d.data, d.meta, d.at
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_recorded_at)
        WITH ORDINALITY AS d(id, type, sv, data, meta, at, n)
      RETURNING e.version, e.position
    ), stream AS (
      INSERT INTO allframe_streams AS s (stream_id, version)
      VALUES (p_stream_id, v_current + v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, updated_at = now()
    )
    SELECT 'appended'::text, i.version, i.position FROM inserted AS i;
END
$fn$;
-- Several appends to distinct streams in one transaction: the same checks and answers as
-- allframe_append for each (in p_streams order), one transaction id, one short global section for
-- all their positions, one insert. The client groups appends that arrive while others are in flight
-- (group commit), so 10 writers share commits and round trips instead of queueing for them. Events
-- come flattened: event k belongs to append p_event_appends[k], as its p_event_ordinals[k]-th event.
-- Answers one row per appended event (append index, 'appended', version, position) and one per
-- other append (index, outcome, current version). Stream locks are taken in key order, so two
-- batches never deadlock; any error fails the whole batch and the client retries each append alone.
CREATE OR REPLACE FUNCTION allframe_append_batch(
  p_streams text[], p_min_versions bigint[], p_max_versions bigint[], p_counts integer[],
  p_event_appends integer[], p_event_ordinals integer[], p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[], p_recorded_at timestamptz[]
) RETURNS TABLE (append_index integer, outcome text, event_version bigint, event_position bigint)
LANGUAGE plpgsql
-- See allframe_append.
SET enable_seqscan = off
AS $fn$
DECLARE
  v_n integer := cardinality(p_streams);
  v_key integer;
  v_current bigint[];
  v_stored integer[];
  v_outcome text[] := array_fill(NULL::text, ARRAY[v_n]);
  v_first bigint[] := array_fill(NULL::bigint, ARRAY[v_n]);
  v_total integer := 0;
  v_position bigint;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'allframe_append_batch must be the first write of its transaction'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF (SELECT count(DISTINCT s) FROM unnest(p_streams) AS s) <> v_n THEN
    RAISE EXCEPTION 'allframe_append_batch takes one append per stream'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR v_key IN SELECT DISTINCT hashtext(s) FROM unnest(p_streams) AS s ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(${LOCK_CLASS.stream}, v_key);
  END LOOP;
  SELECT (SELECT array_agg(coalesce(s.version, -1) ORDER BY a.n)
            FROM unnest(p_streams) WITH ORDINALITY AS a(stream_id, n)
            LEFT JOIN allframe_streams AS s ON s.stream_id = a.stream_id),
         (SELECT coalesce(array_agg(DISTINCT d.a), '{}')
            FROM unnest(p_event_appends, p_event_ids) AS d(a, id)
            JOIN allframe_events AS e ON e.event_id = d.id)
    INTO v_current, v_stored;
  FOR i IN 1 .. v_n LOOP
    IF i = ANY (v_stored) THEN
      v_outcome[i] := 'stored';
    ELSIF v_current[i] < p_min_versions[i] OR v_current[i] > p_max_versions[i] THEN
      v_outcome[i] := 'conflict';
    ELSIF p_counts[i] = 0 THEN
      v_outcome[i] := 'empty';
    ELSE
      v_outcome[i] := 'appended';
      v_total := v_total + p_counts[i];
    END IF;
  END LOOP;
  IF v_total > 0 THEN
    PERFORM pg_advisory_lock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
    PERFORM pg_current_xact_id();
    v_position := nextval('allframe_events_position_seq');
    IF v_total > 1 THEN
      PERFORM setval('allframe_events_position_seq', v_position + v_total - 1);
    END IF;
    PERFORM pg_advisory_unlock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
    FOR i IN 1 .. v_n LOOP
      IF v_outcome[i] = 'appended' THEN
        v_first[i] := v_position;
        v_position := v_position + p_counts[i];
      END IF;
    END LOOP;
  END IF;
  RETURN QUERY
    WITH inserted AS (
      INSERT INTO allframe_events AS e
        (position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
      OVERRIDING SYSTEM VALUE
      SELECT v_first[d.a] + d.o - 1, p_streams[d.a], v_current[d.a] + d.o, d.id, d.type, d.sv, d.data,
        d.meta, d.at
      FROM unnest(p_event_appends, p_event_ordinals, p_event_ids, p_types, p_schema_versions, p_data,
        p_metadata, p_recorded_at) AS d(a, o, id, type, sv, data, meta, at)
      WHERE v_outcome[d.a] = 'appended'
      RETURNING e.stream_id, e.version, e.position
    ), stream AS (
      INSERT INTO allframe_streams AS s (stream_id, version)
      SELECT p_streams[n], v_current[n] + p_counts[n] FROM generate_subscripts(p_streams, 1) AS n
      WHERE v_outcome[n] = 'appended'
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, updated_at = now()
    )
    SELECT array_position(p_streams, i.stream_id), 'appended'::text, i.version, i.position
      FROM inserted AS i
    UNION ALL
    SELECT n, v_outcome[n], v_current[n], NULL::bigint FROM generate_subscripts(p_streams, 1) AS n
      WHERE v_outcome[n] <> 'appended';
END
$fn$;
`;
