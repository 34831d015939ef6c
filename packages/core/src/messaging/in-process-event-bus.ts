/**
 * The embedded event bus: no broker, events delivered inside this process. It is what `npm run dev`
 * and unit tests use, so it keeps a broker's observable semantics: delivery is asynchronous, events
 * cross it as JSON (handlers get a deeply frozen JSON copy, never the publisher's object), consumer
 * groups compete for events.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { frozenJsonCopy } from "../cqrs/frozen-json-copy.ts";
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";
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
  active: boolean;
  /** Deliveries started and not settled, counted per drain (the async context their handlers run in). */
  readonly running: DrainCounts;
  /** `unsubscribe()` calls waiting for `running` to hold nothing but their own drain. */
  readonly idle: Array<{ readonly self: object | undefined; readonly resolve: () => void }>;
  /** Per event key with a delivery running: the deliveries of that key waiting for it, in order. */
  readonly lanes: Map<string, Delivery[]>;
}

interface Group {
  readonly members: Member[];
  next: number;
}

/** One event for one group: the member chosen at publish, then the drain that started it. */
interface Delivery {
  readonly event: EventEnvelope;
  readonly group: Group;
  member: Member;
  drain: object | undefined;
  /** Deliveries of the same event to other groups not yet settled, shared; undefined for one group. */
  readonly fan: { left: number } | undefined;
}

/**
 * Counts per drain token; the newest token in two fields, so the usual case (all deliveries of one
 * member started by one drain) touches no map.
 */
class DrainCounts {
  #token: object | undefined;
  #count = 0;
  readonly #older = new Map<object, number>();

  add(token: object): void {
    if (this.#token === token) this.#count++;
    else {
      if (this.#token !== undefined) this.#older.set(this.#token, this.#count);
      this.#token = token;
      this.#count = (this.#older.get(token) ?? 0) + 1;
      this.#older.delete(token);
    }
  }

  remove(token: object): void {
    if (this.#token === token) {
      if (--this.#count === 0) this.#token = undefined;
      return;
    }
    const left = (this.#older.get(token) ?? 1) - 1;
    if (left === 0) this.#older.delete(token);
    else this.#older.set(token, left);
  }

  /** True when no count is left but, at most, `except`'s. */
  emptyBut(except: object | undefined): boolean {
    const current = this.#token === undefined || this.#token === except;
    return (
      current &&
      (this.#older.size === 0 || (this.#older.size === 1 && except !== undefined && this.#older.has(except)))
    );
  }
}

/** The drain (event-loop turn) the current code runs in, so a handler can await its own unsubscribe. */
const currentDrain = new AsyncLocalStorage<object>();
const ACCEPTED = Promise.resolve();
/**
 * Deliveries a drain starts before it lets their handlers' promises settle (it yields to the
 * microtask queue), so a turn with many events never holds all their pending reactions at once.
 */
const CHUNK = 512;
/** Event types whose recipients are remembered at once. */
const MAX_ROUTES = 1024;

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
 *   (never inside `publish`). Each publish makes one deeply frozen JSON copy of the envelope
 *   (`frozenJsonCopy`: a `Date` arrives as its ISO string, as from a broker) that all its handlers
 *   share: none can change what another sees (in strict mode an attempt throws), and the publisher's
 *   later changes reach nobody. Copy before changing (`structuredClone(event)`).
 * - Each group receives each event once, round-robin among the members whose type matches (an event
 *   with a `key` always goes to the same member while membership is unchanged); a subscription
 *   without a group is its own group. Handlers run concurrently, except that events of one `key` run
 *   one after another in publish order; use a `Consumer` to bound concurrency and retry.
 * - A rejected event is not redelivered (nothing is persisted); the `Consumer` retries in place.
 * - A handler failure is logged and passed to `onError`; it never reaches `publish`.
 * - `unsubscribe()` and `close()` wait for in-flight deliveries. A handler may await its own
 *   `unsubscribe()`: it then waits for the deliveries started on other turns of the event loop, not for
 *   those started on its own turn (itself among them). A handler must not await `close()`, which waits
 *   for that handler. Nothing is persisted: events published while nobody subscribes are gone.
 *
 * Deliveries are started in batches, one `setImmediate` and one async context per turn however many
 * events were published in it; per delivery the bus adds only a reaction to the handler's promise.
 *
 * @example
 * const bus = new InProcessEventBus({ logger });
 * bus.subscribe("order.placed", async (e) => reserveStock(e.data), { group: "inventory" });
 * await bus.publish(createEvent("order.placed", { orderId: "o-1" }, { source: "orders" }));
 */
export class InProcessEventBus implements EventBus {
  readonly kind = "in-process";
  readonly #groups = new Map<string, Group>();
  /** Per event type, the groups with a member for it; cleared whenever membership changes. */
  readonly #routes = new Map<string, Group[]>();
  readonly #logger: Logger;
  readonly #onError: DeliveryErrorHandler | undefined;
  #queue: Delivery[] = [];
  #scheduled = false;
  /** Events accepted whose deliveries have not all settled. */
  #pending = 0;
  #drained: Array<() => void> = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #anonymous = 0;

  constructor(opts: InProcessEventBusOptions = {}) {
    this.#logger = opts.logger ?? createLogger({ service: "event-bus" });
    this.#onError = opts.onError;
  }

  publish(event: EventEnvelope): Promise<void> {
    // Not `async`: an accepted event costs no promise of its own (`ACCEPTED` is shared).
    let copy: EventEnvelope;
    try {
      if (this.#closed)
        throw new AllFrameError("unavailable", `event bus is closed; cannot publish "${event.type}"`);
      assertEventType(event.type);
      copy = frozenJsonCopy(event) as EventEnvelope;
    } catch (cause) {
      if (isAllFrameError(cause)) return Promise.reject(cause);
      const message = `event "${event?.type}" cannot be serialised to JSON`;
      return Promise.reject(new AllFrameError("validation", message, { cause }));
    }
    // Choose recipients now: a subscription made after publish does not see the event, as on a broker.
    const groups = this.#route(copy.type);
    if (groups.length === 0) return ACCEPTED;
    const fan = groups.length === 1 ? undefined : { left: groups.length };
    for (const group of groups) {
      const member = this.#pick(group, copy.type, copy.key) as Member;
      this.#queue.push({ event: copy, group, member, drain: undefined, fan });
    }
    this.#pending++;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#drain);
    }
    return ACCEPTED;
  }

  #route(type: string): Group[] {
    let groups = this.#routes.get(type);
    if (groups === undefined) {
      groups = [...this.#groups.values()].filter((g) => g.members.some((m) => matches(m, type)));
      // Types are few in practice; a flood of distinct ones must not grow the cache without end.
      if (this.#routes.size >= MAX_ROUTES) this.#routes.clear();
      this.#routes.set(type, groups);
    }
    return groups;
  }

  #pick(group: Group, type: string, key: string | undefined): Member | undefined {
    const members = group.members;
    // Most groups have one member: no list to build.
    if (members.length === 1) return matches(members[0] as Member, type) ? members[0] : undefined;
    const candidates = members.filter((member) => matches(member, type));
    if (candidates.length === 0) return undefined;
    if (key !== undefined) return candidates[keyHash(key) % candidates.length];
    return candidates[group.next++ % candidates.length];
  }

  /**
   * Starts every delivery queued since the last drain, inside one async context of their own,
   * `CHUNK` at a time.
   */
  readonly #drain = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    const drain = {};
    let at = 0;
    const chunk = (): void => {
      const end = Math.min(queue.length, at + CHUNK);
      for (; at < end; at++) this.#start(queue[at] as Delivery, drain);
      // Queued behind the reactions of the handlers just started, in this drain's async context.
      if (at < queue.length) queueMicrotask(chunk);
    };
    currentDrain.run(drain, chunk);
  };

  #start(delivery: Delivery, drain: object): void {
    const { event } = delivery;
    // The chosen member may have left since publish; another member of its group takes the event.
    const member = delivery.member.active
      ? delivery.member
      : this.#pick(delivery.group, event.type, event.key);
    if (member === undefined) {
      this.#settled(delivery);
      return;
    }
    delivery.member = member;
    delivery.drain = drain;
    member.running.add(drain);
    const key = event.key;
    if (key !== undefined) {
      const waiting = member.lanes.get(key);
      if (waiting !== undefined) return void waiting.push(delivery);
      member.lanes.set(key, []);
    }
    this.#run(delivery);
  }

  #run(delivery: Delivery): void {
    const { event, member } = delivery;
    let done: Promise<void>;
    try {
      done = member.handler(event);
    } catch (error) {
      this.#report(event, error, member.group);
      this.#finish(delivery);
      return;
    }
    // A handler typed as async may still be a plain function that returns nothing.
    if (typeof (done as { then?: unknown } | undefined)?.then !== "function") {
      this.#finish(delivery);
      return;
    }
    done.then(
      () => this.#finish(delivery),
      (error: unknown) => {
        this.#report(event, error, member.group);
        this.#finish(delivery);
      },
    );
  }

  #finish(delivery: Delivery): void {
    const { member } = delivery;
    member.running.remove(delivery.drain as object);
    if (member.idle.length > 0) this.#wakeUnsubscribers(member);
    this.#settled(delivery);
    const key = delivery.event.key;
    if (key === undefined) return;
    const waiting = member.lanes.get(key);
    const next = waiting?.shift();
    if (next === undefined) return void member.lanes.delete(key);
    // The next event of the key runs in the async context of the drain that started it.
    currentDrain.run(next.drain as object, () => this.#run(next));
  }

  #settled(delivery: Delivery): void {
    if (delivery.fan !== undefined && --delivery.fan.left > 0) return;
    if (--this.#pending > 0) return;
    const waiters = this.#drained;
    this.#drained = [];
    for (const resolve of waiters) resolve();
  }

  #wakeUnsubscribers(member: Member): void {
    const still = member.idle.filter(({ self, resolve }) => {
      const idle = member.running.emptyBut(self);
      if (idle) resolve();
      return !idle;
    });
    member.idle.splice(0, member.idle.length, ...still);
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
      active: true,
      running: new DrainCounts(),
      idle: [],
      lanes: new Map(),
    };
    const group = this.#groups.get(key) ?? { members: [], next: 0 };
    group.members.push(member);
    this.#groups.set(key, group);
    this.#routes.clear();
    return {
      unsubscribe: () => {
        if (member.active) {
          member.active = false;
          group.members.splice(group.members.indexOf(member), 1);
          if (group.members.length === 0) this.#groups.delete(key);
          this.#routes.clear();
        }
        // A handler may unsubscribe itself; it must not wait for its own delivery.
        const self = currentDrain.getStore();
        return new Promise<void>((resolve) => {
          member.idle.push({ self, resolve });
          this.#wakeUnsubscribers(member);
        });
      },
    };
  }

  /** Number of events accepted whose deliveries have not all settled. */
  get pendingDeliveries(): number {
    return this.#pending;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      if (this.#pending > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
      this.#groups.clear();
      this.#routes.clear();
    })();
    return this.#closing;
  }
}
