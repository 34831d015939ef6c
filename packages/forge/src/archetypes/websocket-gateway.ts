/**
 * `websocket-gateway`: accepts WebSocket connections on `/ws`, pushes `subscriptions.events` from the
 * bus to the clients subscribed to them, pings every `heartbeat_interval_ms` and reaps dead connections,
 * tracks presence and enforces `max_connections_per_instance` (seed 000 "Archetype: WebSocket Gateway").
 * With `subscriptions.authorization = "jwt"` every upgrade needs a JWT (JWT_SECRET or JWT_JWKS_URL),
 * refused with 401 otherwise, and an event whose data names a `userId` goes to that user only; with
 * `REDIS_URL` set, instances share events and presence through Redis (issue 7).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { Archetype, EnvVarSpec, ServiceFiles } from "./archetype.ts";
import { eventsModule } from "./shared.ts";

/** Variables of `authorization = "jwt"`. */
const JWT_ENV: EnvVarSpec[] = [
  {
    name: "JWT_SECRET",
    schema: "z.string().min(32).optional()",
    description: "HS256 secret (development), at least 32 bytes. Set this or JWT_JWKS_URL.",
  },
  {
    name: "JWT_JWKS_URL",
    schema: "z.url().optional()",
    description: "The identity provider's JWKS (RS256, PS256, ES256, EdDSA). Set this or JWT_SECRET.",
  },
  { name: "JWT_ISSUER", schema: "z.string().optional()", description: "Required `iss` of tokens, when set." },
  {
    name: "JWT_AUDIENCE",
    schema: "z.string().optional()",
    description: "Required `aud` of tokens, when set.",
  },
];

/** Writes `src/presentation/websocket/authorize.ts`: the JWT check of every upgrade. */
function writeJwtAuthorize(files: ServiceFiles, serviceName: string): void {
  const missing = `${serviceName}: [services.subscriptions] authorization = "jwt" needs exactly one of JWT_SECRET (HS256, for development) or JWT_JWKS_URL (your identity provider's JWKS)`;
  files.write(
    "src/presentation/websocket/authorize.ts",
    code`
      import { AllFrameError, type Authorize, createJwtVerifier, jwtAuthorize } from "@allframe/core";
      import type { Config } from "../../config.ts";

      /**
       * Verifies the JWT of each WebSocket upgrade (\`Authorization: Bearer\` or \`?token=\`): signed with
       * JWT_SECRET (HS256) or by a key of JWT_JWKS_URL, with JWT_ISSUER and JWT_AUDIENCE when set. Its
       * \`sub\` is the connection's user; the connection closes with 1008 when it expires.
       * @throws AllFrameError \`configuration\` unless exactly one of JWT_SECRET and JWT_JWKS_URL is set.
       */
      export function websocketAuthorize(config: Config): Authorize {
        if ((config.JWT_SECRET === undefined) === (config.JWT_JWKS_URL === undefined)) {
          throw new AllFrameError("configuration", ${str(missing)});
        }
        const claims = {
          ...(config.JWT_ISSUER === undefined ? {} : { issuer: config.JWT_ISSUER }),
          ...(config.JWT_AUDIENCE === undefined ? {} : { audience: config.JWT_AUDIENCE }),
        };
        const verifier =
          config.JWT_JWKS_URL === undefined
            ? createJwtVerifier({ secret: config.JWT_SECRET, algorithms: ["HS256"], ...claims })
            : createJwtVerifier({ jwksUrl: config.JWT_JWKS_URL, algorithms: ["RS256", "PS256", "ES256", "EdDSA"], ...claims });
        return jwtAuthorize(verifier);
      }
    `,
  );
}

/** Writes `src/subscriptions/router.ts`; with JWT, an event whose data has a `userId` goes to that user only. */
function writeRouter(files: ServiceFiles, jwt: boolean): void {
  const recipient = code`
    /** The user an event is for: its data's \`userId\` when that is a non-empty string; otherwise every subscriber. */
    export function recipientOf(data: unknown): string | undefined {
      const userId = typeof data === "object" && data !== null ? (data as { userId?: unknown }).userId : undefined;
      return typeof userId === "string" && userId !== "" ? userId : undefined;
    }
  `;
  const publish = jwt
    ? "const userId = recipientOf(event.data);\nhub.publish(event.type, frame, userId === undefined ? {} : { userId });"
    : "hub.publish(event.type, frame);";
  files.write(
    "src/subscriptions/router.ts",
    code`
      import type { EventBus, Subscription, WebSocketHub } from "@allframe/core";
      import { CONSUMED_EVENTS } from "../domain/events/events.ts";

      /** Forwards every subscribable event from the bus to the hub's subscribers of that event${jwt ? " (one user's when it names one)" : ""}. */
      export function routeEventsToClients(bus: EventBus, hub: WebSocketHub, group: string): Subscription[] {
        return CONSUMED_EVENTS.map((type) =>
          bus.subscribe(type, async (event) => {
            const frame = { id: event.id, time: event.time, data: event.data };
            ${publish}
          }, { group }),
        );
      }${jwt ? `\n\n${recipient}` : ""}
    `,
  );
}

/** Helpers of the JWT tests: a token signer and the status of an upgrade request. */
const JWT_TEST_HELPERS = code`
    /** A token for \`sub\` signed with the test JWT_SECRET, valid for an hour. */
    const token = (sub: string) =>
      new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("1h").sign(new TextEncoder().encode(TEST_ENV.JWT_SECRET));

    /** The HTTP status the service answers a WebSocket upgrade of \`path\` with. */
    const upgradeStatus = (path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = request(\`\${svc.url}\${path}\`, {
          headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
        });
        req.on("response", (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on("upgrade", (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        req.on("error", reject);
        req.end();
      });
`;

/** The generated tests of a JWT gateway: refused without a token, accepted and addressed with one. */
function jwtTests(first: string): string {
  return code`
    it("refuses a WebSocket upgrade without a valid token with 401", async () => {
      assert.equal(await upgradeStatus("/ws"), 401);
      assert.equal(await upgradeStatus("/ws?token=not-a-jwt"), 401);
      const forged = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("user-1").sign(new TextEncoder().encode("x".repeat(32)));
      assert.equal(await upgradeStatus(\`/ws?token=\${forged}\`), 401);
      assert.equal(await upgradeStatus(\`/ws?token=\${await token("user-1")}\`), 101);
    });

    it("accepts a token signed with JWT_SECRET: presence shows its sub, events naming another user stay away", async () => {
      const socket = new WebSocket(\`\${svc.url.replace("http", "ws")}/ws?token=\${await token("user-1")}\`);
      const events: Array<{ type: string; payload?: { data: { userId?: string } } }> = [];
      socket.addEventListener("message", (m) => events.push(JSON.parse(String(m.data))));
      await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
      socket.send(JSON.stringify({ type: "subscribe", events: [${str(first)}] }));
      await svc.waitFor(() => events.find((m) => m.type === "subscribed"));
      const presence = await svc.request<{ items: Array<{ userId: string }> }>("/presence");
      assert.deepEqual(presence.body.items.map((p) => p.userId), ["user-1"]);
      await svc.publish(${str(first)}, { userId: "user-2" });
      await svc.publish(${str(first)}, { userId: "user-1" });
      const pushed = await svc.waitFor(() => events.find((m) => m.type === "event"));
      assert.equal(pushed.payload?.data.userId, "user-1");
      socket.close();
    });

    it("refuses to start without JWT_SECRET or JWT_JWKS_URL", async () => {
      await assert.rejects(createService({ env: { ...TEST_ENV, JWT_SECRET: undefined } }), /needs exactly one of JWT_SECRET/);
    });
  `;
}

export const websocketGatewayArchetype: Archetype = {
  type: "websocket-gateway",
  summary:
    "streams subscribed events to WebSocket clients with JWT authorization, heartbeats, presence, a connection limit and Redis fan-out.",
  plan({ service, files }) {
    const ws = service.websocket ?? {};
    const events = service.subscriptions?.events ?? [];
    const jwt = service.subscriptions?.authorization === "jwt";
    eventsModule(files, service);
    writeRouter(files, jwt);
    if (jwt) writeJwtAuthorize(files, service.name);
    files.write(
      "src/presentation/rest/realtime-routes.ts",
      code`
        import type { Hono, WebSocketHub } from "@allframe/core";

        /** Presence (every instance's, with REDIS_URL) and this instance's connection count. */
        export function registerRealtimeRoutes(app: Hono, hub: WebSocketHub): void {
          app.get("/presence", async (c) => c.json({ items: await hub.presence() }));
          app.get("/connections", (c) => c.json({ count: hub.connectionCount }));
        }
      `,
    );
    const first = events[0] ?? "Event";
    const tokenQuery = jwt ? `?token=\${await token("user-1")}` : "";
    return {
      imports: [
        'import { RedisBackplane, WebSocketHub } from "@allframe/core";',
        ...(jwt ? ['import { websocketAuthorize } from "./presentation/websocket/authorize.ts";'] : []),
        'import { registerRealtimeRoutes } from "./presentation/rest/realtime-routes.ts";',
        'import { routeEventsToClients } from "./subscriptions/router.ts";',
      ],
      body: code`
        const hub = new WebSocketHub({
          path: "/ws",
          heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
          maxConnections: config.MAX_CONNECTIONS,${jwt ? "\n          authorize: websocketAuthorize(config)," : ""}
          ...(config.REDIS_URL === undefined ? {} : { backplane: new RedisBackplane({ url: config.REDIS_URL, prefix: SERVICE_NAME }) }),
          logger,
        });
        registerRealtimeRoutes(host.app, hub);
        host.onStart("websocket-hub", async () => {
          if (host.httpServer === undefined) throw new Error("the HTTP server must be listening before the hub attaches");
          await hub.attach(host.httpServer);
          const subscriptions = routeEventsToClients(bus, hub, SERVICE_NAME);
          host.onShutdown("websocket-hub", async () => {
            await Promise.all(subscriptions.map((s) => s.unsubscribe()));
            await hub.close();
          }, "drain");
          // Up only once the broker holds the subscriptions: events published from then on reach clients.
          await Promise.all(subscriptions.map((s) => s.ready));
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
        ...(jwt ? JWT_ENV : []),
        {
          name: "REDIS_URL",
          schema: "z.string().optional()",
          description:
            "Redis shared by the instances: events and presence reach every instance. Unset: this instance only.",
        },
      ],
      routes: [
        {
          method: "WS",
          path: "/ws",
          summary: `Subscribe to ${events.join(", ")}${jwt ? " (JWT: Authorization: Bearer or ?token=)" : ""}`,
        },
        { method: "GET", path: "/presence", summary: "Connected users" },
        { method: "GET", path: "/connections", summary: "Open connection count" },
      ],
      tests: code`
        ${jwt ? JWT_TEST_HELPERS : ""}
        it("pushes a subscribed ${first} to a WebSocket client", async () => {
          const socket = new WebSocket(\`\${svc.url.replace("http", "ws")}/ws${tokenQuery}\`);
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
        ${jwt ? jwtTests(first) : ""}
      `,
      ...(jwt && {
        testImports: ['import { request } from "node:http";', 'import { SignJWT } from "jose";'],
        dependencies: { jose: "^6.2.17" },
      }),
      testEnv: { MAX_CONNECTIONS: "5", ...(jwt && { JWT_SECRET: "generated-test-secret-of-32-bytes!" }) },
      engines: { redis: ws.presence === true },
    };
  },
};
