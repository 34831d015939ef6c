/**
 * The peer of the `grpc` suite: a plain `@grpc/grpc-js` server with a hand-written implementation of
 * the same `.proto` AllFrame emits for the users fixture (CreateUser, GetUser over a Map), loaded with
 * `@grpc/proto-loader`'s usual options. Run as a child process by `startServerProcess`, with the
 * `.proto` path as its argument.
 * @module
 */
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServiceClientConstructor,
  status,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { reportListening } from "../router/server-process.ts";

interface User {
  id: string;
  email: string;
  name: string;
  age?: number;
  tags: string[];
}

const protoPath = process.argv[2];
if (protoPath === undefined) throw new Error("usage: plain-server.ts <proto path>");
const pkg = loadPackageDefinition(
  loadSync(protoPath, { keepCase: true, longs: Number, enums: String, arrays: true }),
);
const v1 = (pkg.allframe as Record<string, Record<string, Record<string, unknown>>>).users?.v1;
const UserService = v1?.UserService as ServiceClientConstructor;

const users = new Map<string, User>();
let next = 1;
const server = new Server();
server.addService(UserService.service, {
  CreateUser(
    call: { request: Omit<User, "id" | "tags"> },
    callback: (error: object | null, user?: User) => void,
  ) {
    const { email, name, age } = call.request;
    if ([...users.values()].some((user) => user.email === email)) {
      callback({ code: status.ALREADY_EXISTS, details: `a user with email ${email} exists` });
      return;
    }
    const user: User = { id: `u${next++}`, email, name, tags: [], ...(age === undefined ? {} : { age }) };
    users.set(user.id, user);
    callback(null, user);
  },
  GetUser(call: { request: { id: string } }, callback: (error: object | null, user?: User) => void) {
    const user = users.get(call.request.id);
    if (user === undefined)
      callback({ code: status.NOT_FOUND, details: `user ${call.request.id} does not exist` });
    else callback(null, user);
  },
});
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) throw error;
  reportListening(port);
});
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
