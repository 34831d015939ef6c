/**
 * The upcasters of an event store, chained by schema version (seed 001, "CQRS Infrastructure" phase 4).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventShape, RecordedEvent } from "../event.ts";
import type { Upcaster } from "./upcaster.ts";

/**
 * Knows, per event type, the current schema version and the steps that lead to it.
 *
 * The current version of a type is one more than its highest registered `fromSchemaVersion` (1 for a
 * type with no upcaster): new appends are stamped with it, and `upcast` chains a stored event's
 * payload v1 → v2 → ... up to it. An event stored at a version above the current one (written by a
 * newer deployment) is handed out unchanged: there is no way down.
 *
 * @example
 * const upcasters = new UpcasterRegistry([
 *   { type: "InventoryReceived", fromSchemaVersion: 1, upcast: (d: any) => ({ quantity: d.qty }) },
 *   { type: "InventoryReceived", fromSchemaVersion: 2, upcast: (d: any) => ({ ...d, unit: "each" }) },
 * ]);
 * upcasters.currentVersion("InventoryReceived"); // 3
 */
export class UpcasterRegistry {
  /** type → fromSchemaVersion → upcaster */
  readonly #steps = new Map<string, Map<number, Upcaster>>();
  readonly #current = new Map<string, number>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  /**
   * Adds one step. Register every step from 1 up: a hole in a chain is reported when an event needs it.
   * @throws AllFrameError `"validation"` for an empty type, a `fromSchemaVersion` that is not an integer
   *   ≥ 1, or a missing `upcast` function; `"conflict"` when the type already has a step from that version.
   */
  register(upcaster: Upcaster): this {
    const { type, fromSchemaVersion } = upcaster;
    if (typeof type !== "string" || type.length === 0) {
      throw new AllFrameError("validation", "an upcaster needs a non-empty event type", {
        issues: [{ path: ["type"], message: "must be a non-empty string" }],
      });
    }
    if (!Number.isInteger(fromSchemaVersion) || fromSchemaVersion < 1) {
      throw new AllFrameError(
        "validation",
        `upcaster of "${type}": fromSchemaVersion must be an integer >= 1, got ${String(fromSchemaVersion)}`,
        { issues: [{ path: ["fromSchemaVersion"], message: "must be an integer >= 1" }] },
      );
    }
    if (typeof upcaster.upcast !== "function") {
      throw new AllFrameError(
        "validation",
        `upcaster of "${type}" v${fromSchemaVersion} has no upcast function`,
        {
          issues: [{ path: ["upcast"], message: "must be a function" }],
        },
      );
    }
    const steps = this.#steps.get(type) ?? new Map<number, Upcaster>();
    if (steps.has(fromSchemaVersion)) {
      throw new AllFrameError(
        "conflict",
        `event "${type}" already has an upcaster from schema version ${fromSchemaVersion}`,
      );
    }
    steps.set(fromSchemaVersion, upcaster);
    this.#steps.set(type, steps);
    this.#current.set(type, Math.max(this.#current.get(type) ?? 1, fromSchemaVersion + 1));
    return this;
  }

  /** The schema version new events of `type` are written with: 1 + its highest step, 1 without steps. */
  currentVersion(type: string): number {
    return this.#current.get(type) ?? 1;
  }

  /** Whether any upcaster is registered (lets readers skip the per-event work entirely). */
  get size(): number {
    return this.#steps.size;
  }

  /**
   * `event` brought to its type's current schema version: a new frozen event with the upcast payload
   * and `schemaVersion` set, or `event` itself when nothing applies.
   * @throws AllFrameError `"configuration"` when a step of the chain is missing; `"internal"` (with the
   *   upcaster's error as `cause`) when an upcaster throws.
   */
  upcast<E extends EventShape = EventShape>(event: RecordedEvent<E>): RecordedEvent<E> {
    const target = this.#current.get(event.type);
    const from = event.schemaVersion ?? 1;
    if (target === undefined || from >= target) return event;
    const steps = this.#steps.get(event.type) as Map<number, Upcaster>;
    let data: unknown = event.data;
    for (let version = from; version < target; version++) {
      const step = steps.get(version);
      if (!step) {
        throw new AllFrameError(
          "configuration",
          `event "${event.type}" (id ${event.id}) is at schema version ${version}, but no upcaster ` +
            `goes from ${version} to ${version + 1}; register one`,
          { details: { type: event.type, eventId: event.id, schemaVersion: version } },
        );
      }
      try {
        data = step.upcast(data, event as RecordedEvent);
      } catch (cause) {
        throw new AllFrameError(
          "internal",
          `upcasting "${event.type}" (id ${event.id}, position ${event.position}) from schema version ` +
            `${version} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause, details: { type: event.type, eventId: event.id, schemaVersion: version } },
        );
      }
    }
    return Object.freeze({ ...event, data: deepFreeze(data) as E["data"], schemaVersion: target });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
