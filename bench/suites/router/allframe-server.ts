/**
 * Child process entry for AllFrame servers: `node allframe-server.ts <setup-module-url> [ratio]`
 * creates a service host (default logger: LOG_LEVEL or info, to stdout), passes it to the module's
 * `setup(host)`, starts it on a free loopback port and reports the port. With a sampling ratio the
 * host comes from `createServiceRuntime` as a generated service's does: every request traced (that
 * share of them recorded) and metered; with `off`, the same runtime with tracing off. See
 * {@link startAllFrameServer}.
 * @module
 */
import { createServiceHost, type ServiceHost } from "../../../packages/core/src/runtime/service-host.ts";
import { createServiceRuntime } from "../../../packages/core/src/service/service-runtime.ts";
import { reportListening } from "./server-process.ts";

/** What a setup module exports: registers handlers, mounts and routes on the host before it starts. */
export type HostSetup = (host: ServiceHost) => void | Promise<void>;

const setupUrl = process.argv[2];
if (setupUrl === undefined) {
  process.stderr.write("usage: allframe-server.ts <setup-module-url>\n");
  process.exit(2);
}
const { setup } = (await import(setupUrl)) as { setup: HostSetup };
const ratio = process.argv[3];
const host =
  ratio === undefined
    ? createServiceHost({ name: "bench", port: 0, host: "127.0.0.1" })
    : createServiceRuntime({
        name: "bench",
        port: 0,
        host: "127.0.0.1",
        // "off": the same runtime (metrics, logger) with tracing off entirely.
        env: { LOG_LEVEL: process.env.LOG_LEVEL, OTEL_SDK_DISABLED: ratio === "off" ? "true" : undefined },
        profile: {
          observability: {
            propagation: ["traceparent"],
            sampling: { rate: ratio === "off" ? 0 : Number(ratio) },
          },
        },
      }).host;
await setup(host);
host.installSignalHandlers();
const { port } = await host.start();
reportListening(port);
