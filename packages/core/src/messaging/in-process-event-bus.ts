/**
 * The embedded event bus: no broker, events delivered inside this process. It is what `npm run dev`
 * and unit tests use, so it keeps a broker's observable semantics: delivery is asynchronous, events
 * cross it as JSON (each handler gets its own copy), consumer groups compete for events.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import type {
  DeliveryErrorHandler,
  EventBus,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from "./event-bus.ts";
import { assertEventType, type EventEnvelope } from "./event-envelope.ts";

/** Options for {@link InProcessEventBus}. */
export interface InProcessEventBusOptions {
  /** Where failed deliveries are logged; default a logger for service `"event-bus"`. */
  logger?: Logger;
  /** Also called for every failed delivery (after logging). */
  onError?: DeliveryErrorHandler;
}

interface Member {
  readonly type: string;
  readonly handler: EventHandler;
  readonly group: string | undefined;
  /** Deliveries in progress, keyed by a token that identifies them to code running inside. */
  readonly running: Map<object, Promise<void>>;
  /** The last delivery per event key, so events of one key run one after another. */
  readonly lanes: Map<string, Promise<void>>;
  active: boolean;
}

interface Group {
  readonly members: Member[];
  next: number;
}

/** The delivery the current code runs inside, so a handler can await its own unsubscribe. */
const currentDelivery = new AsyncLocalStorage<object>();

/** FNV-1a, 32 bit: a stable member choice per key. */
function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function matches(member: Member, type: string): boolean {
  return member.active && (member.type === "*" || member.type === type);
}

/**
 * An {@link EventBus} inside one process.
 *
 * - `publish` resolves once the event is accepted; handlers start on a later turn of the event loop
 *   (never inside `publish`), each with its own JSON copy of the envelope.
 * - Each group receives each event once, round-robin among the members whose type matches (an event
 *   with a `key` always goes to the same member while membership is unchanged); a subscription
 *   without a group is its own group. Handlers run concurrently, except that events of one `key` run
 *   one after another in publish order; use a `Consumer` to bound concurrency and retry.
 * - A rejected event is not redelivered (nothing is persisted); the `Consumer` retries in place.
 * - A handler failure is logged and passed to `onError`; it never reaches `publish`.
 * - `unsubscribe()` and `close()` wait for in-flight deliveries (a handler may await its own
 *   `unsubscribe()`, but must not await `close()`, which waits for that handler). Nothing is persisted:
 *   events published while nobody subscribes are gone.
 *
 * @example
 * const bus = new InProcessEventBus({ logger });
 * bus.subscribe("order.placed", async (e) => reserveStock(e.data), { group: "inventory" });
 * await bus.publish(createEvent("order.placed", { orderId: "o-1" }, { source: "orders" }));
 */
export class InProcessEventBus implements EventBus {
  readonly kind = "in-process";
  readonly #groups = new Map<string, Group>();
  readonly #pending = new Set<Promise<void>>();
  readonly #logger: Logger;
  readonly #onError: DeliveryErrorHandler | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #anonymous = 0;

  constructor(opts: InProcessEventBusOptions = {}) {
    this.#logger = opts.logger ?? createLogger({ service: "event-bus" });
    this.#onError = opts.onError;
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.#closed)
      throw new AllFrameError("unavailable", `event bus is closed; cannot publish "${event.type}"`);
    assertEventType(event.type);
    let payload: string;
    try {
      payload = JSON.stringify(event);
    } catch (cause) {
      throw new AllFrameError("validation", `event "${event.type}" cannot be serialised to JSON`, { cause });
    }
    // Choose recipients now: a subscription made after publish does not see the event, as on a broker.
    const targets = [...this.#groups.values()].flatMap((group) => {
      const member = this.#pick(group, event.type, event.key);
      return member === undefined ? [] : [{ group, member }];
    });
    if (targets.length === 0) return;
    const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      Promise.all(targets.map(({ group, member }) => this.#deliver(group, member, event.type, payload))),
    );
    const tracked = delivery.then(() => undefined);
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #pick(group: Group, type: string, key: string | undefined): Member | undefined {
    const candidates = group.members.filter((member) => matches(member, type));
    if (candidates.length === 0) return undefined;
    if (key !== undefined) return candidates[keyHash(key) % candidates.length];
    const member = candidates[group.next % candidates.length];
    group.next += 1;
    return member;
  }

  async #deliver(group: Group, chosen: Member, type: string, payload: string): Promise<void> {
    const event = JSON.parse(payload) as EventEnvelope;
    // The chosen member may have left since publish; another member of its group takes the event.
    const member = chosen.active ? chosen : this.#pick(group, type, event.key);
    if (member === undefined) return;
    const key = event.key;
    const previous = key === undefined ? undefined : member.lanes.get(key);
    const token = {};
    const run = (previous ?? Promise.resolve()).then(() =>
      currentDelivery.run(token, async () => {
        try {
          await member.handler(event);
        } catch (error) {
          this.#report(event, error, member.group);
        }
      }),
    );
    if (key !== undefined) member.lanes.set(key, run);
    member.running.set(token, run);
    await run;
    member.running.delete(token);
    if (key !== undefined && member.lanes.get(key) === run) member.lanes.delete(key);
  }

  #report(event: EventEnvelope, error: unknown, group: string | undefined): void {
    this.#logger.error(
      { err: error, eventId: event.id, eventType: event.type, group },
      "event handler failed",
    );
    try {
      this.#onError?.(event, error, group);
    } catch (hookError) {
      this.#logger.error({ err: hookError }, "event bus onError callback threw");
    }
  }

  subscribe(type: string, handler: EventHandler, opts: SubscribeOptions = {}): Subscription {
    if (this.#closed)
      throw new AllFrameError("unavailable", `event bus is closed; cannot subscribe to "${type}"`);
    if (typeof type !== "string" || type.trim() === "") {
      throw new AllFrameError("validation", 'subscribe needs an event type, or "*" for every event');
    }
    if (opts.group !== undefined && opts.group.trim() === "") {
      throw new AllFrameError("validation", "a consumer group name must not be empty");
    }
    const key = opts.group === undefined ? `#${++this.#anonymous}` : `group:${opts.group}`;
    const member: Member = {
      type,
      handler,
      group: opts.group,
      running: new Map(),
      lanes: new Map(),
      active: true,
    };
    const group = this.#groups.get(key) ?? { members: [], next: 0 };
    group.members.push(member);
    this.#groups.set(key, group);
    return {
      unsubscribe: async () => {
        if (member.active) {
          member.active = false;
          group.members.splice(group.members.indexOf(member), 1);
          if (group.members.length === 0) this.#groups.delete(key);
        }
        // A handler may unsubscribe itself; it must not wait for its own delivery.
        const self = currentDelivery.getStore();
        await Promise.all([...member.running].filter(([token]) => token !== self).map(([, run]) => run));
      },
    };
  }

  /** Number of events accepted whose deliveries have not all settled. */
  get pendingDeliveries(): number {
    return this.#pending.size;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      while (this.#pending.size > 0) await Promise.all(this.#pending);
      this.#groups.clear();
    })();
    return this.#closing;
  }
}
