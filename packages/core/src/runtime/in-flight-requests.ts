/**
 * Counts the HTTP requests a Node server is answering and the connections it holds, so shutdown can
 * wait for the first and, at its deadline, cut the second.
 * @module
 */
import type { Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Tracks in-flight requests of one server (from `request` until the response closes) and its sockets. */
export class InFlightRequests {
  #count = 0;
  readonly #sockets = new Set<Socket>();
  #waiters: Array<() => void> = [];
  readonly #draining: () => boolean;
  readonly #onResponseClose: () => void;

  /**
   * @param server the server to watch.
   * @param draining true once shutdown began: responses then carry `Connection: close`, and each
   *   finished response closes whatever keep-alive connections went idle.
   */
  constructor(server: Server, draining: () => boolean) {
    this.#draining = draining;
    // One listener shared by every response (a response closes once): no wrapper per request,
    // which `once` would allocate on the hottest path of the service.
    this.#onResponseClose = () => {
      this.#count -= 1;
      if (this.#draining()) setImmediate(() => server.closeIdleConnections());
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
    server.on("request", (_request, response: ServerResponse) => this.#track(response));
    server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
    });
  }

  /**
   * Destroys every connection still open, upgraded (WebSocket) ones included, which
   * `closeAllConnections()` leaves alone. Returns how many there were.
   */
  destroyOpenConnections(): number {
    const open = [...this.#sockets].filter((socket) => !socket.destroyed);
    for (const socket of open) socket.destroy();
    return open.length;
  }

  /** Requests being answered now. */
  get count(): number {
    return this.#count;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #track(response: ServerResponse): void {
    this.#count += 1;
    // A request that arrives on a kept-alive connection during shutdown is served, then its connection closes.
    if (this.#draining()) response.setHeader("connection", "close");
    response.on("close", this.#onResponseClose);
  }
}
