/**
 * @module router/grpc: the gRPC face of a service's handlers: `.proto` generation from the zod
 * schemas, a `@grpc/grpc-js` server with reflection, and the browser explorer page.
 */
export { buildProtoModel, type ProtoOptions } from "./build-proto-model.ts";
export {
  createGrpcExplorer,
  type ExplorerRoute,
  type GrpcExplorer,
  type GrpcExplorerOptions,
} from "./grpc-explorer.ts";
export { type GrpcServer, type GrpcServerOptions, startGrpcServer } from "./grpc-server.ts";
export { CODE_TRAILER, ISSUES_TRAILER } from "./grpc-status.ts";
export type { ProtoModel } from "./proto-model.ts";
export { buildProtoFile, protoFileName } from "./proto-text.ts";
