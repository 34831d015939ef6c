/**
 * A test harness for services built on `@allframe/core`: starts one on an ephemeral port with an
 * in-process bus that records every published event, and gives typed HTTP calls and polling. Generated
 * services' tests use it; so can yours (Emmett ships its testing helpers the same way).
 * @module
 */

import type { EventBus } from "../messaging/event-bus.ts";
import type { EventEnvelope } from "../messaging/event-envelope.ts";
import { createEvent } from "../messaging/event-envelope.ts";
import { InProcessEventBus } from "../messaging/in-process-event-bus.ts";
import type { ServiceHost } from "../runtime/service-host.ts";

/** How a harness builds the service under test: the generated `createService`. */
export type CreateServiceFn = (deps: {
  env: Record<string, string | undefined>;
  bus: EventBus;
  port: number;
}) => Promise<ServiceHost>;

/** An HTTP answer: status, parsed JSON body (or text, or undefined when empty) and headers. */
export interface HarnessResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A started service under test. */
export interface ServiceHarness {
  readonly url: string;
  readonly host: ServiceHost;
  readonly bus: InProcessEventBus;
  /** Every event published on the bus since start, in publish order. */
  readonly published: EventEnvelope[];
  /** Calls the service. `body` is sent as JSON. The body type is the caller's claim, not checked. */
  request<T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<HarnessResponse<T>>;
  /** Publishes an event on the service's bus, as another service would. */
  publish(
    type: string,
    data: unknown,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<void>;
  /**
   * Polls `probe` every 10 ms until it returns something other than `undefined`/`false`, for effects
   * that cross the asynchronous bus. Rejects after `timeoutMs` (default 5000) naming what it waited for.
   */
  waitFor<T>(
    probe: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs?: number,
  ): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Creates and starts a service on port 0 with the given environment.
 * @example
 * const svc = await startService(createService, { env: { LOG_LEVEL: "silent" } });
 * assert.equal((await svc.request("/health")).status, 200);
 * await svc.stop();
 */
export async function startService(
  create: CreateServiceFn,
  options: { env?: Record<string, string | undefined> } = {},
): Promise<ServiceHarness> {
  const bus = new InProcessEventBus();
  const published: EventEnvelope[] = [];
  bus.subscribe(
    "*",
    async (event) => {
      published.push(event);
    },
    { group: "allframe-test-recorder" },
  );
  const host = await create({ env: options.env ?? {}, bus, port: 0 });
  const { url } = await host.start();
  return {
    url,
    host,
    bus,
    published,
    async request<T>(
      path: string,
      init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(url + path, {
        method: init.method ?? "GET",
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      const isJson = response.headers.get("content-type")?.includes("json") === true && text !== "";
      return {
        status: response.status,
        body: (isJson ? JSON.parse(text) : text || undefined) as T,
        headers: response.headers,
      };
    },
    async publish(type, data, opts = {}) {
      await bus.publish(createEvent(type, data, { source: "test", ...opts }));
    },
    async waitFor<T>(
      probe: () => T | undefined | false | Promise<T | undefined | false>,
      timeoutMs = 5000,
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline)
          throw new Error(`waitFor: condition not met within ${timeoutMs} ms: ${probe.toString()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      await host.stop("test finished");
      await bus.close();
    },
  };
}
