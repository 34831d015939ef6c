/**
 * The options and callback types of `WebSocketHub`: who an upgrade is (`Authorize`), whom one
 * `publish` addresses, and the hub's construction options.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Clock, IdGenerator } from "../runtime/clock.ts";
import type { RealtimeBackplane } from "./backplane.ts";

/** A pino-compatible logger; only these three methods are used. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Who an upgrade request is: its user and, for a token that expires, when (epoch milliseconds; the
 * hub closes the connection with 1008 then). `undefined` refuses the upgrade with 401; a thrown
 * `AllFrameError` refuses it with its code's HTTP status (see `refusalFor`).
 */
export type Authorize = (req: IncomingMessage) => Promise<Authorized | undefined> | Authorized | undefined;

/** An authorized upgrade: see {@link Authorize}. */
export interface Authorized {
  readonly userId: string;
  readonly expiresAt?: number;
}

/** Options of one `publish`. */
export interface PublishOptions {
  /** Only this user's connections (subscribed to the type) receive the event; default every subscriber. */
  readonly userId?: string;
}

/** Construction options of `WebSocketHub`. */
export interface WebSocketHubOptions {
  /** URL path that upgrades are accepted on; default `"/ws"`. */
  readonly path?: string;
  /** Milliseconds between pings; a connection that has not ponged since the last ping is terminated. */
  readonly heartbeatIntervalMs: number;
  /** Open connections allowed at once; the next is closed with 1013 (see `WebSocketHub`). */
  readonly maxConnections: number;
  /** Decides who a request is (e.g. `jwtAuthorize(verifier)`). Default: everyone, as `"anonymous"`. */
  readonly authorize?: Authorize;
  /**
   * Shares published events and presence with the service's other instances (e.g. `RedisBackplane`);
   * the hub starts it in `attach()` and closes it in `close()`. Default: this instance only.
   */
  readonly backplane?: RealtimeBackplane;
  readonly logger?: Logger;
  /** Stamps presence `since`; default the wall clock. */
  readonly clock?: Clock;
  /** Makes connection ids; default random UUIDs. */
  readonly ids?: IdGenerator;
  /** Largest frame a client may send, in bytes; default 65536. Bigger frames close the connection (1009). */
  readonly maxPayloadBytes?: number;
}
