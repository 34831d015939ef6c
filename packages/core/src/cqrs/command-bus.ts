/**
 * Routes commands to handlers by `type`, validating each against its schema first (seed 001, "CQRS
 * Infrastructure" phase 2, CommandBus; seed 003, week 2 "CommandBus Dispatch Router"; NestJS CQRS's
 * `CommandBus.execute`).
 * @module
 */
import type { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { commandTypeOf, validateCommand } from "./command-validation.ts";
import type { AppendMetadata } from "./event-drafts.ts";

/** The minimal shape of a command: a `type` naming it, and its fields. */
export interface CommandShape {
  readonly type: string;
}

/** What a handler is told besides the command: the metadata to stamp on the events it appends. */
export type CommandContext = AppendMetadata;

/** Handles one command type; its result is what `send` resolves with. */
export type CommandBusHandler<C extends CommandShape = CommandShape, R = unknown> = (
  command: C,
  context: CommandContext,
) => R | Promise<R>;

/** Options of one registration. */
export interface RegisterOptions<C> {
  /** Validates the command before the handler sees it; the handler gets the schema's output. */
  readonly schema?: z.ZodType<C>;
}

interface Route {
  readonly handler: CommandBusHandler<CommandShape>;
  readonly schema: z.ZodType | undefined;
}

/**
 * One handler per command type (`C`: the union of commands this bus accepts).
 *
 * @example
 * const bus = new CommandBus<InventoryCommand>();
 * bus.register("ReceiveStock", (c, ctx) => handler.handle(inventoryStream(c.sku), c, ctx), {
 *   schema: z.object({ type: z.literal("ReceiveStock"), sku: z.string().min(1), quantity: z.number().int().positive() }),
 * });
 * await bus.send({ type: "ReceiveStock", sku: "sku-1", quantity: 5 }, { correlationId: "req-1" });
 */
export class CommandBus<C extends CommandShape = CommandShape> {
  readonly #routes = new Map<string, Route>();

  /**
   * Routes commands of `type` to `handler`.
   * @throws AllFrameError `"validation"` for an empty type or a handler that is not a function;
   *   `"conflict"` when `type` already has a handler.
   */
  register<T extends C["type"], R>(
    type: T,
    handler: CommandBusHandler<Extract<C, { type: T }>, R>,
    opts: RegisterOptions<Extract<C, { type: T }>> = {},
  ): this {
    if (typeof type !== "string" || type.length === 0) {
      throw new AllFrameError("validation", "a command type must be a non-empty string");
    }
    if (typeof handler !== "function") {
      throw new AllFrameError("validation", `the handler of "${type}" must be a function`);
    }
    if (this.#routes.has(type)) {
      throw new AllFrameError("conflict", `command "${type}" already has a handler`, { details: { type } });
    }
    this.#routes.set(type, { handler: handler as CommandBusHandler<CommandShape>, schema: opts.schema });
    return this;
  }

  /** Whether `type` has a handler. */
  has(type: string): boolean {
    return this.#routes.has(type);
  }

  /** The registered command types, in registration order. */
  types(): string[] {
    return [...this.#routes.keys()];
  }

  /**
   * Validates `command` against its type's schema and hands it to its handler.
   * @returns what the handler returns (`R` is the caller's assertion of it).
   * @throws AllFrameError `"validation"` for a value without a string `type`, or (with field
   *   `issues`) one its schema rejects; `"not-found"` for a type with no handler; whatever the
   *   handler throws, unchanged.
   */
  async send<R = unknown>(command: C, context: CommandContext = {}): Promise<R> {
    const type = commandTypeOf(command);
    if (type === undefined) {
      throw new AllFrameError("validation", "a command must be an object with a non-empty string type", {
        issues: [{ path: ["type"], message: "must be a non-empty string" }],
      });
    }
    const route = this.#routes.get(type);
    if (!route) {
      throw new AllFrameError("not-found", `no handler for command "${type}"`, {
        details: { type, known: this.types() },
      });
    }
    const checked = route.schema === undefined ? command : validateCommand(route.schema, command, type);
    return (await route.handler(checked as CommandShape, context)) as R;
  }
}
