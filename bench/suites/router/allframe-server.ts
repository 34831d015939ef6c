/**
 * Child process entry for AllFrame servers: `node allframe-server.ts <setup-module-url>` creates a
 * service host (default logger: LOG_LEVEL or info, to stdout), passes it to the module's
 * `setup(host)`, starts it on a free loopback port and reports the port. See
 * {@link startAllFrameServer}.
 * @module
 */
import { createServiceHost, type ServiceHost } from "../../../packages/core/src/runtime/service-host.ts";
import { reportListening } from "./server-process.ts";

/** What a setup module exports: registers handlers, mounts and routes on the host before it starts. */
export type HostSetup = (host: ServiceHost) => void | Promise<void>;

const setupUrl = process.argv[2];
if (setupUrl === undefined) {
  process.stderr.write("usage: allframe-server.ts <setup-module-url>\n");
  process.exit(2);
}
const { setup } = (await import(setupUrl)) as { setup: HostSetup };
const host = createServiceHost({ name: "bench", port: 0, host: "127.0.0.1" });
await setup(host);
host.installSignalHandlers();
const { port } = await host.start();
reportListening(port);
