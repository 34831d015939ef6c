/**
 * A small user service served over every protocol; the REST, GraphQL and gRPC adapter tests all use it,
 * so each proves the same handlers behave the same way.
 * @module
 */
import { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { defineHandler, type HandlerDefinition } from "./handler.ts";

export const User = z.object({
  id: z.string().describe("User id"),
  email: z.email(),
  name: z.string().min(1),
  age: z.number().int().nonnegative().optional(),
  tags: z.array(z.string()),
});
export type User = z.infer<typeof User>;

export const UserEvent = z.object({ type: z.enum(["created"]), user: User });

/** Handlers over an in-memory map; `created()` yields every user created after subscribing. */
export function userHandlers(): HandlerDefinition[] {
  const users = new Map<string, User>();
  const listeners = new Set<(user: User) => void>();
  let next = 1;

  const createUser = defineHandler({
    kind: "unary",
    name: "createUser",
    description: "Creates a user; the email must be unused.",
    input: z.object({
      email: z.email(),
      name: z.string().min(1),
      age: z.number().int().nonnegative().optional(),
    }),
    output: User,
    errors: ["conflict"],
    rest: { method: "POST", path: "/users" },
    graphql: { operation: "mutation" },
    grpc: { service: "UserService" },
    handle: (input) => {
      if ([...users.values()].some((u) => u.email === input.email)) {
        throw new AllFrameError("conflict", `a user with email ${input.email} exists`);
      }
      const user: User = { id: `u${next++}`, tags: [], ...input };
      users.set(user.id, user);
      for (const listener of listeners) listener(user);
      return user;
    },
  });

  const getUser = defineHandler({
    kind: "unary",
    name: "getUser",
    description: "Reads one user by id.",
    input: z.object({ id: z.string().min(1) }),
    output: User,
    errors: ["not-found"],
    rest: { method: "GET", path: "/users/:id" },
    graphql: { operation: "query", field: "user" },
    grpc: { service: "UserService" },
    handle: ({ id }) => {
      const user = users.get(id);
      if (user === undefined) throw new AllFrameError("not-found", `user ${id} does not exist`);
      return user;
    },
  });

  const listUsers = defineHandler({
    kind: "unary",
    name: "listUsers",
    description: "Lists users, oldest first.",
    input: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    output: z.object({ users: z.array(User) }),
    rest: { method: "GET", path: "/users" },
    graphql: { operation: "query", field: "users" },
    grpc: { service: "UserService" },
    handle: ({ limit }) => ({ users: [...users.values()].slice(0, limit) }),
  });

  const userCreated = defineHandler({
    kind: "stream",
    name: "userCreated",
    description: "Yields every user created after the subscription starts.",
    input: z.object({}),
    output: UserEvent,
    graphql: { operation: "subscription" },
    grpc: { service: "UserService", method: "WatchUsers" },
    subscribe: (_input, ctx) => userStream(listeners, ctx.signal),
  });

  return [createUser, getUser, listUsers, userCreated];
}

async function* userStream(
  listeners: Set<(user: User) => void>,
  signal: AbortSignal,
): AsyncGenerator<z.input<typeof UserEvent>> {
  const queue: User[] = [];
  let wake: (() => void) | undefined;
  const listener = (user: User) => {
    queue.push(user);
    wake?.();
  };
  listeners.add(listener);
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    while (!signal.aborted) {
      const user = queue.shift();
      if (user !== undefined) {
        yield { type: "created", user };
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    listeners.delete(listener);
    signal.removeEventListener("abort", onAbort);
  }
}
