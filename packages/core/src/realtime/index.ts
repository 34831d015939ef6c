/** @module realtime: a WebSocket hub with subscriptions, presence and heartbeats. */
export { type ClientFrame, clientFrameSchema, MAX_SUBSCRIPTIONS, type ServerFrame } from "./frames.ts";
export { type Authorize, WebSocketHub, type WebSocketHubOptions } from "./websocket-hub.ts";
