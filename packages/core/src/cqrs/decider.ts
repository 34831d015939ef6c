/**
 * The decider pattern (Jérémie Chassaing, "Functional Event Sourcing Decider"; Emmett's
 * `Decider`): an aggregate as three pure functions, so it can be tested without a store.
 * @module
 */
import type { EventShape } from "./event.ts";

/**
 * An aggregate's behaviour. `decide` turns a command and the current state into new events (or throws
 * an AllFrameError, e.g. `"validation"` when the command breaks an invariant); `evolve` folds one event
 * into the state; `initialState` is the state of a stream with no events. All three must be pure.
 *
 * @example
 * const counter: Decider<{ by: number }, { type: "Added"; data: { by: number } }, number> = {
 *   initialState: () => 0,
 *   decide: (c) => [{ type: "Added", data: { by: c.by } }],
 *   evolve: (n, e) => n + e.data.by,
 * };
 */
export interface Decider<Command, Event extends EventShape, State> {
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}
