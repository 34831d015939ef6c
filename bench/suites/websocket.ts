/**
 * `websocket` (issue 7, "WebSocket capacity"): one server process holds 10,000 concurrent WebSocket
 * connections (seed: `max_connections_per_instance = 10000`) with a 2 s heartbeat, opened from two
 * client processes on loopback; each connection to the hub presents its own JWT (HS256, verified with
 * `jwtAuthorize` before the upgrade completes, as the generated gateway does), so the hub's figures
 * include authorization, per-user presence and per-connection token expiry. Every connection subscribes to one event type; after every
 * connection has received `HEARTBEAT_ROUNDS` pings (the hub terminates one that missed a pong, so
 * none may be reaped) one event is published and must reach all 10,000. Memory per connection is the
 * server's RSS and heap growth (after `global.gc()`) divided by the connections held. The same run is
 * repeated against a bare `ws` WebSocketServer with the README heartbeat, the peer the anchor
 * (`ws` ≈ 25 KB or less per connection) comes from, so the hub's own cost shows. About 40 s.
 * @module
 */
import { type BenchSuite, figureSheet, say } from "../suite.ts";
import { type CapacityResult, type CapacityWorkload, runCapacity } from "./websocket/capacity.ts";

const LOAD: CapacityWorkload = {
  connections: 10_000,
  clientProcesses: 2,
  inFlight: 250,
  heartbeatIntervalMs: 2_000,
  heartbeatRounds: 4,
};
/** The anchor for a `ws` server, KB per connection. */
const WS_ANCHOR_KB = 25;

const perConnectionKb = (before: number, withConnections: number, held: number): number =>
  (withConnections - before) / held / 1024;

/** Throws, naming every broken expectation, unless the run held, kept and reached every connection. */
function check(mode: string, r: CapacityResult): void {
  const problems = [
    r.held !== LOAD.connections && `held ${r.held} of ${LOAD.connections}`,
    r.reaped > 0 && `${r.reaped} reaped by the heartbeat`,
    r.closedByServer > 0 && `${r.closedByServer} closed while held`,
    r.heartbeatRounds < LOAD.heartbeatRounds &&
      `only ${r.heartbeatRounds} heartbeat rounds reached every client`,
    r.broadcastDelivered !== LOAD.connections && `broadcast delivered ${r.broadcastDelivered} times`,
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) throw new Error(`websocket ${mode}: ${problems.join("; ")}`);
}

export const websocketSuite: BenchSuite = {
  async run() {
    say(
      `websocket: ${LOAD.connections} connections from ${LOAD.clientProcesses} processes (JWT per connection to the hub), heartbeat ${LOAD.heartbeatIntervalMs} ms, held ${LOAD.heartbeatRounds} rounds, one broadcast`,
    );
    const hub = await runCapacity("hub", LOAD);
    const ws = await runCapacity("ws", LOAD);
    for (const [mode, r] of [
      ["hub", hub],
      ["ws", ws],
    ] as const) {
      say(
        `  ${mode}: RSS ${(r.rssBefore / 2 ** 20).toFixed(1)} -> ${(r.rssWith / 2 ** 20).toFixed(1)} MiB, heap ${(r.heapBefore / 2 ** 20).toFixed(1)} -> ${(r.heapWith / 2 ** 20).toFixed(1)} MiB; broadcast ${r.broadcastDelivered}/${r.broadcastSent} in ${r.broadcastMs} ms (publish call ${r.publishCallMs.toFixed(1)} ms)`,
      );
    }
    check("hub", hub);
    check("ws", ws);

    const { sheet, put } = figureSheet();
    const rssKb = perConnectionKb(hub.rssBefore, hub.rssWith, hub.held);
    const wsRssKb = perConnectionKb(ws.rssBefore, ws.rssWith, ws.held);
    put("connections_held", hub.held, "connections");
    put("heartbeat_rounds", hub.heartbeatRounds, "rounds");
    put("heartbeat_interval_ms", LOAD.heartbeatIntervalMs, "ms");
    put("reaped", hub.reaped, "connections");
    put("broadcast_delivered", hub.broadcastDelivered, "messages");
    put("broadcast_ms", hub.broadcastMs, "ms");
    put("publish_call_ms", hub.publishCallMs, "ms");
    put("connect_ms", hub.connectMs, "ms");
    put("rss_per_connection_kb", rssKb, "KiB");
    put("heap_per_connection_kb", perConnectionKb(hub.heapBefore, hub.heapWith, hub.held), "KiB");
    put("rss_vs_ws_anchor_25kb", rssKb / WS_ANCHOR_KB, "ratio");
    put("ws_connections_held", ws.held, "connections");
    put("ws_broadcast_ms", ws.broadcastMs, "ms");
    put("ws_connect_ms", ws.connectMs, "ms");
    put("ws_rss_per_connection_kb", wsRssKb, "KiB");
    put("ws_heap_per_connection_kb", perConnectionKb(ws.heapBefore, ws.heapWith, ws.held), "KiB");
    put("hub_vs_ws_rss_ratio", rssKb / wsRssKb, "ratio");
    return sheet;
  },
};
