/**
 * AllFrame's side of the `grpc` suite: the users fixture served by `startGrpcServer` (proto generated
 * from the zod schemas, validation, error mapping, reflection on). Run as a
 * child process by `startServerProcess`.
 * @module
 */
import { startGrpcServer } from "../../../packages/core/src/router/grpc/grpc-server.ts";
import { userHandlers } from "../../../packages/core/src/router/users.fixture.ts";
import { benchLogger } from "../messaging/measure.ts";
import { reportListening } from "../router/server-process.ts";

const server = await startGrpcServer({
  handlers: userHandlers(),
  package: "allframe.users.v1",
  port: 0,
  logger: benchLogger("grpc-bench"),
});
reportListening(server.port);
process.on("SIGTERM", () => {
  void server.stop(1_000).then(() => process.exit(0));
});
