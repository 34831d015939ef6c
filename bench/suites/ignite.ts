/**
 * `ignite`: how long AllFrame takes to turn the reference architecture into a workspace, without
 * `npm install` (issue target: < 1 s on the 2-core machine). Measures a cold first run in a fresh
 * first call, then warm runs of load + in-memory generation and of a full ignite (generate, Biome
 * post-process, write) to a temporary folder, the `allframe ignite` command in a fresh process each
 * time: what a user waits for; and once `allframe ignite --verify` (generate, `npm install`,
 * type-check, lint and the generated tests; issue 7 target: < 5 minutes on this 2-core machine).
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateWorkspace, ignite, loadArchitectureFile } from "@allframe/forge";
import { type BenchSuite, median, round2 } from "../suite.ts";

const REFERENCE = fileURLToPath(new URL("../../examples/architecture.toml", import.meta.url));
const CLI = fileURLToPath(new URL("../../packages/cli/bin/allframe.js", import.meta.url));
const RUNS = 20;
const CLI_RUNS = 5;
const env = { AWS_ACCOUNT_ID: "123456789012", GCP_PROJECT_ID: "bench-project" };

export const igniteSuite: BenchSuite = {
  async run() {
    const root = await mkdtemp(join(tmpdir(), "allframe-bench-"));
    try {
      const coldStart = performance.now();
      const cold = await ignite({ configPath: REFERENCE, outDir: join(root, "cold"), env });
      const coldMs = performance.now() - coldStart;
      if (!cold.ok) throw new Error("the reference architecture did not load");
      const files = cold.generated.tree.size;
      const generateTimes: number[] = [];
      const igniteTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const loaded = await loadArchitectureFile(REFERENCE, { env });
        if (!loaded.ok) throw new Error("the reference architecture did not load");
        generateWorkspace(loaded.architecture, join(root, "mem"));
        generateTimes.push(performance.now() - t0);
        const t1 = performance.now();
        await ignite({ configPath: REFERENCE, outDir: join(root, `run-${i}`), env });
        igniteTimes.push(performance.now() - t1);
      }
      const cliTimes: number[] = [];
      for (let i = 0; i < CLI_RUNS; i++) {
        const t = performance.now();
        await promisify(execFile)(
          process.execPath,
          [CLI, "ignite", "--config", REFERENCE, "--out", join(root, `cli-${i}`)],
          {
            env: { ...process.env, ...env },
          },
        );
        cliTimes.push(performance.now() - t);
      }
      process.stderr.write(
        `ignite: ${files} files; cold ${coldMs.toFixed(1)} ms; ${RUNS} warm runs; ${CLI_RUNS} CLI runs; now --verify\n`,
      );
      const verifyStart = performance.now();
      await promisify(execFile)(
        process.execPath,
        [CLI, "ignite", "--config", REFERENCE, "--out", join(root, "verified"), "--verify"],
        { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      );
      const verifyMs = performance.now() - verifyStart;
      return {
        figures: {
          ignite_cold_ms: round2(coldMs),
          load_and_generate_median_ms: round2(median(generateTimes)),
          ignite_to_disk_median_ms: round2(median(igniteTimes)),
          cli_process_median_ms: round2(median(cliTimes)),
          files_generated: files,
          ignite_install_verify_s: round2(verifyMs / 1000),
        },
        units: {
          ignite_cold_ms: "ms",
          load_and_generate_median_ms: "ms",
          ignite_to_disk_median_ms: "ms",
          cli_process_median_ms: "ms",
          files_generated: "files",
          ignite_install_verify_s: "s",
        },
      };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
