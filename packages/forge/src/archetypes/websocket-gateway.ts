/**
 * `websocket-gateway`: accepts WebSocket connections on `/ws`, pushes `subscriptions.events` from the
 * bus to the clients subscribed to them, pings every `heartbeat_interval_ms` and reaps dead connections,
 * tracks presence and enforces `max_connections_per_instance` (seed 000 "Archetype: WebSocket Gateway").
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { eventsModule } from "./shared.ts";

export const websocketGatewayArchetype: Archetype = {
  type: "websocket-gateway",
  summary: "streams subscribed events to WebSocket clients with heartbeats, presence and a connection limit.",
  plan({ service, files }) {
    const ws = service.websocket ?? {};
    const events = service.subscriptions?.events ?? [];
    eventsModule(files, service);
    files.write(
      "src/subscriptions/router.ts",
      code`
        import type { EventBus, Subscription, WebSocketHub } from "@allframe/core";
        import { CONSUMED_EVENTS } from "../domain/events/events.ts";

        /** Forwards every subscribable event from the bus to the hub's subscribers of that event. */
        export function routeEventsToClients(bus: EventBus, hub: WebSocketHub, group: string): Subscription[] {
          return CONSUMED_EVENTS.map((type) =>
            bus.subscribe(type, async (event) => {
              hub.publish(event.type, { id: event.id, time: event.time, data: event.data });
            }, { group }),
          );
        }
      `,
    );
    files.write(
      "src/presentation/rest/realtime-routes.ts",
      code`
        import type { Hono, WebSocketHub } from "@allframe/core";

        /** Presence and connection counters. */
        export function registerRealtimeRoutes(app: Hono, hub: WebSocketHub): void {
          app.get("/presence", (c) => c.json({ items: hub.presence() }));
          app.get("/connections", (c) => c.json({ count: hub.connectionCount }));
        }
      `,
    );
    const first = events[0] ?? "Event";
    return {
      imports: [
        'import { WebSocketHub } from "@allframe/core";',
        'import { registerRealtimeRoutes } from "./presentation/rest/realtime-routes.ts";',
        'import { routeEventsToClients } from "./subscriptions/router.ts";',
      ],
      body: code`
        const hub = new WebSocketHub({
          path: "/ws",
          heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
          maxConnections: config.MAX_CONNECTIONS,
          logger,
        });
        registerRealtimeRoutes(host.app, hub);
        host.onStart("websocket-hub", () => {
          if (host.httpServer === undefined) throw new Error("the HTTP server must be listening before the hub attaches");
          hub.attach(host.httpServer);
          const subscriptions = routeEventsToClients(bus, hub, SERVICE_NAME);
          host.onShutdown("websocket-hub", async () => {
            await Promise.all(subscriptions.map((s) => s.unsubscribe()));
            await hub.close();
          }, "drain");
        });
      `,
      env: [
        {
          name: "HEARTBEAT_INTERVAL_MS",
          schema: `z.coerce.number().int().positive().default(${ws.heartbeat_interval_ms ?? 30000})`,
          description: "Ping interval; a client that misses one pong is disconnected.",
        },
        {
          name: "MAX_CONNECTIONS",
          schema: `z.coerce.number().int().positive().default(${ws.max_connections_per_instance ?? 10000})`,
          description: "Connections one instance accepts; more are closed with code 1013.",
        },
      ],
      routes: [
        { method: "WS", path: "/ws", summary: `Subscribe to ${events.join(", ")}` },
        { method: "GET", path: "/presence", summary: "Connected users" },
        { method: "GET", path: "/connections", summary: "Open connection count" },
      ],
      tests: code`
        it("pushes a subscribed ${first} to a WebSocket client", async () => {
          const socket = new WebSocket(\`\${svc.url.replace("http", "ws")}/ws\`);
          const messages: Array<{ type: string; event?: string }> = [];
          socket.addEventListener("message", (m) => messages.push(JSON.parse(String(m.data))));
          await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
          socket.send(JSON.stringify({ type: "subscribe", events: [${str(first)}] }));
          await svc.waitFor(() => messages.find((m) => m.type === "subscribed"));
          await svc.publish(${str(first)}, { orderId: "order-1" });
          await svc.waitFor(() => messages.find((m) => m.type === "event" && m.event === ${str(first)}));
          const connections = await svc.request<{ count: number }>("/connections");
          assert.equal(connections.body.count, 1);
          socket.close();
        });
      `,
      testEnv: { MAX_CONNECTIONS: "5" },
      engines: { redis: ws.presence === true },
    };
  },
};
