/**
 * Time and identity, injected wherever they matter so tests can run on fake time and fixed ids
 * (house style rule 5).
 * @module
 */
import { randomUUID } from "node:crypto";

/** A source of the current time. */
export interface Clock {
  /** Current time. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | number = 0) {
    this.#ms = typeof start === "number" ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
  /** Sets the clock to an absolute time. */
  set(time: Date | number): void {
    this.#ms = typeof time === "number" ? time : time.getTime();
  }
}

/** Makes a new unique id. */
export type IdGenerator = () => string;

/** Random RFC 4122 v4 UUIDs. */
export const uuidGenerator: IdGenerator = () => randomUUID();

/** Deterministic ids `prefix-1`, `prefix-2`, ...; for tests. */
export function sequentialIds(prefix = "id"): IdGenerator {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
