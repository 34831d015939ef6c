/**
 * Lets the `grpc` suite read a server child's own CPU time for the measured window, a figure far less
 * disturbed by other processes on a shared machine than calls/s: on SIGUSR1 the child notes its CPU
 * time and prints `{"mark":"start"}`; on SIGUSR2 it prints `{"cpuUs": <user+system µs since the mark>}`.
 * @module
 */

/** Installs the SIGUSR1/SIGUSR2 handlers in a server child. */
export function reportCpuOnSignals(): void {
  let start = process.cpuUsage();
  process.on("SIGUSR1", () => {
    start = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ mark: "start" })}\n`);
  });
  process.on("SIGUSR2", () => {
    const used = process.cpuUsage(start);
    process.stdout.write(`${JSON.stringify({ cpuUs: used.user + used.system })}\n`);
  });
}
