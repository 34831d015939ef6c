/**
 * The options and figures of `OutboxRelay`, and the small helpers it runs on.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";
import type { BackoffStrategy } from "../consumer/backoff.ts";
import type { EventBus } from "../event-bus.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";

/** Options for {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  readonly store: OutboxStore;
  /** Where messages are published. */
  readonly bus: EventBus;
  /** This relay's lease owner name; default `relay-<uuid>`. */
  readonly workerId?: string;
  /** Messages claimed at once; default 100. */
  readonly batchSize?: number;
  /**
   * Batches publishing at once while claims come back full (a backlog); a caught-up relay runs one.
   * Each keeps its keys' order (the claim never hands out a message whose key has an older one
   * leased, so two batches in flight never share a key). More hide the broker's round trips (one
   * key's messages go out one after the other) at the cost of more leased messages. Default 1 (plus
   * one batch claimed ahead while it publishes).
   */
  readonly maxBatchesInFlight?: number;
  /** Lease per claim in ms; must exceed the time a batch takes to publish. Default 30000. */
  readonly leaseMs?: number;
  /** Idle wait between polls when nothing is left, in ms; a same-process commit wakes it. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Backoff for a message's retries and for the loop after a store failure; default exponential. */
  readonly backoff?: BackoffStrategy;
  /** Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Default 30000 ms. */
  readonly maxDelayMs?: number;
  /** Jitter fraction 0..1 (see `backoffDelay`); default 0.2. */
  readonly jitter?: number;
  /** Waits `ms`; must resolve or reject when `signal` aborts. Default `timers/promises` setTimeout. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Random source for jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Default a logger for service `"outbox-relay"`. */
  readonly logger?: Logger;
}

/** Counters since construction plus the current backlog; all counts are messages unless named. */
export interface OutboxRelayStats {
  /** Messages in the outbox now (leased or not). */
  readonly backlog: number;
  readonly published: number;
  /** Failed publish attempts. */
  readonly failed: number;
  readonly deadLettered: number;
  /** Batches claimed (non-empty). */
  readonly batches: number;
  /** Loop iterations that failed on the store (e.g. the database unreachable). */
  readonly storeErrors: number;
  readonly running: boolean;
}

/**
 * `value` when it is a finite number ≥ 1.
 * @throws AllFrameError `"configuration"` naming the option otherwise.
 */
export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1)
    throw new AllFrameError("configuration", `outbox relay ${name} must be ≥ 1, got ${value}`);
  return value;
}

/** Splits a batch (in outbox order) into per-key runs; a keyless message is a run of its own. */
export function groupByKey(batch: readonly OutboxRecord[]): OutboxRecord[][] {
  const byKey = new Map<string, OutboxRecord[]>();
  const groups: OutboxRecord[][] = [];
  for (const record of batch) {
    const key = record.event.key;
    if (key === undefined) {
      groups.push([record]);
      continue;
    }
    let group = byKey.get(key);
    if (group === undefined) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(record);
  }
  return groups;
}
