/**
 * A saga instance's state as a left fold of its log: the orchestrator derives every saved state with
 * `applySagaLogEntry`, and `replaySagaLog` rebuilds it from the log alone (event sourcing applied to
 * the saga log; Richardson, Microservices Patterns §4.2, "saga orchestrator as a state machine").
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { SagaDefinition } from "./saga-definition.ts";
import type { SagaInstance, SagaLogEntry } from "./saga-instance.ts";

/**
 * The state after `entry`, from the state before it (`undefined` before the first entry). Pure: never
 * changes `state`. Every entry appends itself to `log` and adds 1 to `revision`.
 *
 * Rules: `saga started` creates a running instance; `execute succeeded` merges `output` into the
 * context and adds the step to `completedSteps`; `execute failed|timed-out` and `saga timed-out` switch
 * to `compensating` and set `error`; `compensate succeeded` adds the step to `compensatedSteps`;
 * `compensate failed|timed-out` appends to `error`; `saga completed|compensated|failed` sets the status
 * and `finishedAt`. `started` and `resumed` entries change nothing else.
 * @throws AllFrameError `"validation"` when the first entry is not `saga started`, or a later one is.
 */
export function applySagaLogEntry<Ctx>(
  state: SagaInstance<Ctx> | undefined,
  entry: SagaLogEntry,
): SagaInstance<Ctx> {
  if (state === undefined) {
    if (entry.action !== "saga" || entry.outcome !== "started")
      throw new AllFrameError(
        "validation",
        `a saga log must begin with "saga started", not ${describe(entry)}`,
      );
    return {
      id: entry.sagaId,
      saga: entry.saga,
      status: "running",
      context: entry.context as Ctx,
      completedSteps: [],
      compensatedSteps: [],
      log: [entry],
      revision: 1,
      startedAt: entry.at,
    };
  }
  const next: SagaInstance<Ctx> = { ...state, log: [...state.log, entry], revision: state.revision + 1 };
  switch (entry.action) {
    case "saga":
      if (entry.outcome === "started")
        throw new AllFrameError("validation", `saga instance "${state.id}" logs "saga started" twice`);
      if (entry.outcome === "timed-out") {
        next.status = "compensating";
        next.error = entry.error;
      } else if (entry.outcome !== "resumed") {
        next.status = entry.outcome;
        next.finishedAt = entry.at;
      }
      return next;
    case "execute":
      if (entry.outcome === "succeeded") {
        if (isObject(entry.output)) next.context = { ...state.context, ...entry.output };
        next.completedSteps = [...state.completedSteps, entry.step];
      } else if (entry.outcome !== "started") {
        next.status = "compensating";
        next.error = `step "${entry.step}" failed: ${entry.error ?? entry.outcome}`;
      }
      return next;
    case "compensate":
      if (entry.outcome === "succeeded") next.compensatedSteps = [...state.compensatedSteps, entry.step];
      else if (entry.outcome !== "started") {
        const failure = `compensation "${entry.compensation}" failed: ${entry.error ?? entry.outcome}`;
        next.error = state.error === undefined ? failure : `${state.error}; ${failure}`;
      }
      return next;
  }
}

/**
 * Rebuilds an instance of `definition` from its log alone; for an instance the orchestrator wrote, the
 * result deep-equals the stored instance (revision included).
 * @throws AllFrameError `"validation"` for an empty log, one that does not begin with `saga started`
 *   for this saga, or an entry naming a step the definition lacks.
 * @example
 * const rebuilt = replaySagaLog(createOrderSaga, await orchestrator.log(id));
 */
export function replaySagaLog<Ctx>(
  definition: SagaDefinition<Ctx>,
  log: readonly SagaLogEntry[],
): SagaInstance<Ctx> {
  const first = log[0];
  if (first === undefined) throw new AllFrameError("validation", "cannot replay an empty saga log");
  if (first.action === "saga" && first.outcome === "started" && first.saga !== definition.name)
    throw new AllFrameError(
      "validation",
      `the log is of saga "${first.saga}", not "${definition.name}" (instance "${first.sagaId}")`,
    );
  const steps = new Set(definition.steps.map((s) => s.name));
  let state: SagaInstance<Ctx> | undefined;
  for (const entry of log) {
    if (entry.action !== "saga" && !steps.has(entry.step))
      throw new AllFrameError(
        "validation",
        `the log names step "${entry.step}", which saga "${definition.name}" does not have`,
      );
    state = applySagaLogEntry(state, entry);
  }
  return state as SagaInstance<Ctx>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(entry: SagaLogEntry): string {
  return entry.action === "saga"
    ? `"saga ${entry.outcome}"`
    : `"${entry.action} ${entry.step} ${entry.outcome}"`;
}
