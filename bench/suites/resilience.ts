/**
 * `resilience` (issue 6): what retry + circuit breaker + timeout add to a call, measured around a
 * no-op async function, side by side in one run with cockatiel (`wrap(retry, circuitBreaker,
 * timeout)`, the same order as AllFrame's) and opossum (breaker with timeout; opossum has no retry,
 * so it does less work per call), plus the bare call as the baseline. Every contender runs the same
 * settings: 3 attempts (2 retries) with exponential backoff, a breaker that opens after 5
 * consecutive failures and probes after 30 s, a 30 s per-attempt timeout that rejects at the
 * deadline. Calls are sequential (each awaited), so the figure is latency added per call.
 *
 * cockatiel runs twice: with `abortOnReturn: false`, which matches AllFrame (a signal is aborted only
 * on timeout or cancellation) and is the figure the ratio uses, and with its defaults, which abort
 * every call's signal when it returns (a `DOMException` per call, most of its cost).
 *
 * Rounds rotate the contenders' order; each figure is the median over rounds of ns per call. A
 * round gives each contender `CALLS` calls or `ROUND_BUDGET_MS`, whichever ends first, so the slow
 * contenders do not stretch the suite past a minute.
 * @module
 */
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import CircuitBreaker from "opossum";
import { ResilienceOrchestrator } from "../../packages/core/src/resilience/orchestrator.ts";
import { type BenchSuite, median, round2, say } from "../suite.ts";

const CALLS = 1_000_000;
const WARM_UP_CALLS = 100_000;
const ROUNDS = 5;
const ROUND_BUDGET_MS = 2_000;
/** Calls between two looks at the clock. */
const BATCH = 1_000;
const OPEN_AFTER_FAILURES = 5;
const HALF_OPEN_AFTER_MS = 30_000;
const TIMEOUT_MS = 30_000;

// The operation under test: resolves at once and ignores its signal.
const noop = async (_signal?: AbortSignal): Promise<number> => 1;

type Contender = { readonly name: string; readonly call: () => Promise<unknown> };

function contenders(): Contender[] {
  const allframe = new ResilienceOrchestrator({
    policies: {
      bench: {
        retry: { maxAttempts: 3 },
        circuitBreaker: { failureThreshold: OPEN_AFTER_FAILURES, openTimeoutMs: HALF_OPEN_AFTER_MS },
        timeout: { timeoutMs: TIMEOUT_MS },
      },
    },
  });
  const cockatielWith = (abortOnReturn: boolean) =>
    wrap(
      retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
      circuitBreaker(handleAll, {
        halfOpenAfter: HALF_OPEN_AFTER_MS,
        breaker: new ConsecutiveBreaker(OPEN_AFTER_FAILURES),
      }),
      timeout(TIMEOUT_MS, { strategy: TimeoutStrategy.Aggressive, abortOnReturn }),
    );
  const cockatiel = cockatielWith(false);
  const cockatielDefault = cockatielWith(true);
  // opossum opens on an error percentage over a rolling window; 50 % of at least 5 calls is its
  // closest match to "5 consecutive failures".
  const opossum = new CircuitBreaker(noop, {
    timeout: TIMEOUT_MS,
    resetTimeout: HALF_OPEN_AFTER_MS,
    errorThresholdPercentage: 50,
    volumeThreshold: OPEN_AFTER_FAILURES,
  });
  return [
    { name: "bare", call: () => noop() },
    { name: "allframe", call: () => allframe.execute("bench", noop) },
    { name: "cockatiel", call: () => cockatiel.execute(({ signal }) => noop(signal)) },
    { name: "cockatiel_default", call: () => cockatielDefault.execute(({ signal }) => noop(signal)) },
    { name: "opossum", call: () => opossum.fire() },
  ];
}

/** ns per call over up to `calls` sequential, awaited calls, stopping early after `budgetMs`. */
async function measure(contender: Contender, calls: number, budgetMs: number): Promise<number> {
  const start = performance.now();
  let made = 0;
  while (made < calls && performance.now() - start < budgetMs) {
    for (let i = 0; i < BATCH; i++) await contender.call();
    made += BATCH;
  }
  return ((performance.now() - start) * 1e6) / made;
}

export const resilienceSuite: BenchSuite = {
  async run() {
    const all = contenders();
    say(
      `resilience: retry + circuit breaker + timeout around a no-op, up to ${CALLS} calls or ${ROUND_BUDGET_MS} ms × ${ROUNDS} rounds`,
    );
    for (const contender of all) await measure(contender, WARM_UP_CALLS, ROUND_BUDGET_MS);
    const samples = new Map<string, number[]>(all.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = all.map((_, i) => all[(i + round) % all.length] as Contender);
      const line: string[] = [];
      for (const contender of order) {
        const ns = await measure(contender, CALLS, ROUND_BUDGET_MS);
        samples.get(contender.name)?.push(ns);
        line.push(`${contender.name} ${ns.toFixed(0)} ns`);
      }
      say(`  round ${round + 1}: ${line.join(", ")}`);
    }
    const ns = (name: string): number => median(samples.get(name) ?? []);
    const figures: Record<string, number> = {
      bare_ns_per_call: round2(ns("bare")),
      allframe_ns_per_call: round2(ns("allframe")),
      cockatiel_ns_per_call: round2(ns("cockatiel")),
      cockatiel_default_ns_per_call: round2(ns("cockatiel_default")),
      opossum_ns_per_call: round2(ns("opossum")),
      allframe_vs_cockatiel_ratio: round2(ns("allframe") / ns("cockatiel")),
      allframe_vs_opossum_ratio: round2(ns("allframe") / ns("opossum")),
    };
    const units: Record<string, string> = {
      bare_ns_per_call: "ns/call",
      allframe_ns_per_call: "ns/call",
      cockatiel_ns_per_call: "ns/call (abortOnReturn: false, as AllFrame)",
      cockatiel_default_ns_per_call: "ns/call (defaults: aborts each signal on return)",
      opossum_ns_per_call: "ns/call (breaker + timeout, no retry)",
      allframe_vs_cockatiel_ratio: "ratio (ours/theirs, goal ≤ 1)",
      allframe_vs_opossum_ratio: "ratio (ours/theirs; opossum does no retry)",
    };
    return { figures, units };
  },
};
