/** @module streaming: event-time windowing with watermarks. */
export {
  TumblingWindowAggregator,
  type TumblingWindowOptions,
  type TumblingWindowSnapshot,
  type WindowResult,
} from "./tumbling-window-aggregator.ts";
