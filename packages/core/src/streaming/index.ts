/** @module streaming: event-time windowing with watermarks, in memory or durable in a document store. */
export {
  DurableTumblingWindows,
  type DurableTumblingWindowsOptions,
  type DurableWindowResult,
  type WindowStateDocument,
} from "./durable-tumbling-windows.ts";
export {
  TumblingWindowAggregator,
  type TumblingWindowOptions,
  type TumblingWindowSnapshot,
  type WindowResult,
} from "./tumbling-window-aggregator.ts";
export { windowResultId } from "./window-result-id.ts";
