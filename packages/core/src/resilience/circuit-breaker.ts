/**
 * Consecutive-failure circuit breaker: closed → open after `failureThreshold` failures in a row;
 * open rejects without calling for `openTimeoutMs`; then half-open lets exactly one probe through
 * at a time; `successThreshold` successful probes close it, a failed probe opens it again.
 *
 * Source: seed 001 "Resilience" (CircuitBreaker); Nygard, "Release It!"; cockatiel's
 * `ConsecutiveBreaker` and its `toJSON()` state.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { CircuitBreakerPolicy } from "./policy.ts";
import type { NowMs } from "./time-source.ts";

/** The breaker's states. */
export const CIRCUIT_STATES = ["closed", "open", "half-open"] as const;
/** One of {@link CIRCUIT_STATES}. */
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/**
 * A breaker's state as plain data, free of clock readings so it survives a restart or a move to
 * another process: open time is stored as what remains of it. A probe in flight is not kept.
 */
export interface CircuitBreakerState {
  readonly state: CircuitState;
  /** Failures in a row while closed. */
  readonly consecutiveFailures: number;
  /** Successful probes so far while half-open. */
  readonly halfOpenSuccesses: number;
  /** While open: ms until the breaker half-opens; 0 otherwise. */
  readonly openRemainingMs: number;
}

/** One state transition, for metrics and logs. `atMs` is on the breaker's time source. */
export interface CircuitStateChange {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly atMs: number;
}

/** Receives every transition, synchronously, on the call path: keep it cheap and do not throw. */
export type CircuitStateListener = (change: CircuitStateChange) => void;

/** `admit()` result: the call was not admitted / is an ordinary call / is the half-open probe. */
export const NOT_ADMITTED = -1;
const ORDINARY = 0;
const PROBE = 1;
/** What {@link CircuitBreaker.admit} returns, to hand back to `succeeded`/`failed`/`released`. */
export type Admission = typeof ORDINARY | typeof PROBE;

/**
 * One breaker. The open → half-open transition happens at the first `admit()` or `state` read at or
 * after `openTimeoutMs` (not a timer), so an idle breaker costs nothing.
 */
export class CircuitBreaker {
  readonly name: string;
  readonly policy: CircuitBreakerPolicy;
  readonly #now: NowMs;
  readonly #listeners: CircuitStateListener[] = [];
  #state: CircuitState = "closed";
  #failures = 0;
  #successes = 0;
  #openedAt = 0;
  #probing = false;

  constructor(policy: CircuitBreakerPolicy, options: { readonly name: string; readonly now: NowMs }) {
    this.name = options.name;
    this.policy = policy;
    this.#now = options.now;
  }

  /** The current state (an open breaker whose time is up reads, and becomes, half-open). */
  get state(): CircuitState {
    if (this.#state === "open") this.#halfOpenIfDue(this.#now());
    return this.#state;
  }

  /**
   * Admits one call, or throws. Hand the result to exactly one of `succeeded`, `failed`, `released`.
   * @throws AllFrameError `unavailable` with `details: { reason: "circuit-open", retryAfterMs }`
   *   while open, or `{ reason: "circuit-half-open" }` while another probe is in flight.
   */
  admit(): Admission {
    if (this.#state === "closed") return ORDINARY;
    const now = this.#now();
    if (this.#state === "open" && !this.#halfOpenIfDue(now)) {
      const retryAfterMs = this.#openedAt + this.policy.openTimeoutMs - now;
      throw new AllFrameError(
        "unavailable",
        `circuit breaker "${this.name}" is open after ${this.policy.failureThreshold} failure(s) in a row; ` +
          `calls are rejected for another ${Math.ceil(retryAfterMs)} ms while the dependency recovers`,
        { details: { reason: "circuit-open", circuit: this.name, retryAfterMs } },
      );
    }
    if (this.#probing) {
      throw new AllFrameError(
        "unavailable",
        `circuit breaker "${this.name}" is half-open and already probing the dependency; try again shortly`,
        { details: { reason: "circuit-half-open", circuit: this.name } },
      );
    }
    this.#probing = true;
    return PROBE;
  }

  /** The admitted call succeeded (or failed in a way that proves the dependency answered). */
  succeeded(admission: Admission): void {
    if (admission === ORDINARY) {
      if (this.#state === "closed") this.#failures = 0;
      return;
    }
    this.#probing = false;
    if (this.#state !== "half-open") return;
    this.#successes += 1;
    if (this.#successes >= this.policy.successThreshold) this.#moveTo("closed", this.#now());
  }

  /** The admitted call failed as a dependency failure. */
  failed(admission: Admission): void {
    if (admission === PROBE) {
      this.#probing = false;
      if (this.#state === "half-open") this.#open(this.#now());
      return;
    }
    if (this.#state !== "closed") return;
    this.#failures += 1;
    if (this.#failures >= this.policy.failureThreshold) this.#open(this.#now());
  }

  /** The admitted call ended without telling anything about the dependency (e.g. it was cancelled). */
  released(admission: Admission): void {
    if (admission === PROBE) this.#probing = false;
  }

  /**
   * Subscribes to state changes (for metrics: a gauge per state, a counter of openings).
   * @returns a function that unsubscribes.
   */
  onStateChange(listener: CircuitStateListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /** The state as plain, JSON-serialisable data (see {@link CircuitBreakerState}). */
  exportState(): CircuitBreakerState {
    const state = this.state;
    return {
      state,
      consecutiveFailures: state === "closed" ? this.#failures : 0,
      halfOpenSuccesses: state === "half-open" ? this.#successes : 0,
      openRemainingMs: state === "open" ? this.#openedAt + this.policy.openTimeoutMs - this.#now() : 0,
    };
  }

  /**
   * Restores a state from {@link exportState} (of this or another process). An open remainder longer
   * than this policy's `openTimeoutMs` is cut to it. Notifies listeners if the state changes.
   * @throws AllFrameError `validation` when `saved` is not a breaker state.
   */
  restoreState(saved: CircuitBreakerState): void {
    const count = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
    if (
      typeof saved !== "object" ||
      saved === null ||
      !CIRCUIT_STATES.includes(saved.state) ||
      !count(saved.consecutiveFailures) ||
      !count(saved.halfOpenSuccesses) ||
      !(typeof saved.openRemainingMs === "number" && saved.openRemainingMs >= 0)
    ) {
      throw new AllFrameError(
        "validation",
        `circuit breaker "${this.name}": cannot restore ${JSON.stringify(saved)}; expected the output of exportState()`,
      );
    }
    const now = this.#now();
    const remaining = Math.min(saved.openRemainingMs, this.policy.openTimeoutMs);
    this.#probing = false;
    this.#openedAt = now - (this.policy.openTimeoutMs - remaining);
    this.#moveTo(saved.state, now);
    this.#failures = saved.consecutiveFailures;
    this.#successes = saved.halfOpenSuccesses;
  }

  /** Half-opens an open breaker whose time is up; true if it is (now) half-open. */
  #halfOpenIfDue(now: number): boolean {
    if (now < this.#openedAt + this.policy.openTimeoutMs) return false;
    this.#moveTo("half-open", now);
    return true;
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#moveTo("open", now);
  }

  #moveTo(to: CircuitState, now: number): void {
    const from = this.#state;
    this.#state = to;
    this.#failures = 0;
    this.#successes = 0;
    if (from === to) return;
    for (const listener of this.#listeners) listener({ name: this.name, from, to, atMs: now });
  }
}
