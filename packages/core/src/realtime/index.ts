/** @module realtime: a WebSocket hub with JWT authorization, subscriptions, presence, heartbeats and a Redis backplane. */
export {
  type BackplaneEvent,
  mergePresence,
  type PresenceEntry,
  type RealtimeBackplane,
} from "./backplane.ts";
export { type ClientFrame, clientFrameSchema, MAX_SUBSCRIPTIONS, type ServerFrame } from "./frames.ts";
export type { Authorize, Authorized, PublishOptions, WebSocketHubOptions } from "./hub-options.ts";
export { jwtAuthorize, upgradeToken } from "./jwt-authorize.ts";
export { RedisBackplane, type RedisBackplaneOptions } from "./redis-backplane.ts";
export { WebSocketHub } from "./websocket-hub.ts";
