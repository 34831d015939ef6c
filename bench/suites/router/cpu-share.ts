/**
 * The share of a server's own CPU spent in given code, from a V8 CPU profile taken in the server
 * process over a measured window. Unlike a throughput ratio between two servers measured seconds
 * apart, it compares samples of one window with each other, so the speed drift of a shared virtual
 * machine (tens of percent between windows here) cancels out.
 * @module
 */
import { Session } from "node:inspector/promises";

/** A `Profiler.Profile` as far as it is read here. */
interface Profile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly url: string; readonly functionName: string };
    readonly children?: readonly number[];
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * The code counted as tracing: OpenTelemetry's packages, AllFrame's tracing module, and Node's
 * async context (`AsyncLocalStorage`), which only the active span uses in the traced runtime.
 */
export const TRACING_CODE = [
  /\/@opentelemetry\//,
  /\/observability\/tracing\//,
  /async_context_frame|async_local_storage/,
];

/** Native (no URL) or Node's own (`node:`) code: charged to whoever called it. */
const charged = (url: string): boolean => url === "" || url.startsWith("node:");

/**
 * Of the non-idle time in `profile`, the share spent in `code`: a sample counts when its innermost
 * frame matches, or when that frame is native or Node's own and the nearest caller that is neither
 * matches (so `Buffer#toString` under OpenTelemetry's id generator counts, and under the HTTP
 * response does not). Garbage collection samples carry no stack and never count.
 */
export function cpuShare(profile: Profile, code: readonly RegExp[]): number {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const counts = (id: number | undefined): boolean => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? "";
      if (code.some((pattern) => pattern.test(url))) return true;
      if (!charged(url)) return false;
    }
    return false;
  };
  let busy = 0;
  let matched = 0;
  profile.samples.forEach((id, i) => {
    if (byId.get(id)?.callFrame.functionName === "(idle)") return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    if (counts(id)) matched += dt;
  });
  return busy === 0 ? 0 : matched / busy;
}

/** Profiles this process: `start()`, then `stop()` resolves with the share of its CPU in `code`. */
export class CpuShareProfiler {
  readonly #session = new Session();

  async start(): Promise<void> {
    this.#session.connect();
    await this.#session.post("Profiler.enable");
    await this.#session.post("Profiler.setSamplingInterval", { interval: 200 });
    await this.#session.post("Profiler.start");
  }

  async stop(code: readonly RegExp[]): Promise<number> {
    const { profile } = (await this.#session.post("Profiler.stop")) as { profile: Profile };
    this.#session.disconnect();
    return cpuShare(profile, code);
  }
}
