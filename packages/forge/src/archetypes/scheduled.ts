/**
 * `scheduled`: registers `schedule.cron` and every `jobs` entry with its time zone, `timeout_minutes`
 * and `overlap_policy`, keeps a run history, and lets an operator run a job now (seed 000 "Archetype:
 * Scheduled Service").
 * @module
 */
import type { ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";

interface JobSpec {
  name: string;
  cron: string;
  timezone: string;
  timeoutMinutes: number;
  overlap: "skip" | "queue" | "allow";
}

/** The service's jobs: its main `schedule` (named after the service) and each `jobs` entry. */
export function jobsOf(service: ResolvedService): JobSpec[] {
  const schedule = service.schedule ?? {};
  const timezone = schedule.timezone ?? "UTC";
  const overlap = schedule.overlap_policy ?? "skip";
  const timeoutMinutes = schedule.timeout_minutes ?? 30;
  const main: JobSpec[] =
    schedule.cron === undefined
      ? []
      : [{ name: service.name, cron: schedule.cron, timezone, timeoutMinutes, overlap }];
  return main.concat(
    Object.entries(service.jobs ?? {}).map(([name, job]) => ({
      name,
      cron: job.cron,
      timezone: job.timezone ?? timezone,
      timeoutMinutes: job.timeout_minutes ?? timeoutMinutes,
      overlap: job.overlap_policy ?? overlap,
    })),
  );
}

export const scheduledArchetype: Archetype = {
  type: "scheduled",
  summary: "runs cron jobs in their time zones with timeouts, overlap policies and a run history.",
  plan({ service, files }) {
    const jobs = jobsOf(service);
    for (const job of jobs) {
      const fn = camelCase(job.name);
      files.write(
        `src/jobs/${kebabCase(job.name)}.ts`,
        code`
          import { createEvent, type EventBus } from "@allframe/core";

          /**
           * The ${job.name} job (${job.cron}, ${job.timezone}). Put the work here; honour \`signal\` so the
           * ${job.timeoutMinutes}-minute timeout and shutdown can stop it. It announces completion on the bus.
           */
          export async function ${fn}(signal: AbortSignal, bus: EventBus, source: string): Promise<void> {
            signal.throwIfAborted();
            await bus.publish(createEvent(${str(`${pascalCase(job.name)}Completed`)}, { job: ${str(job.name)}, finishedAt: new Date().toISOString() }, { source }));
          }
        `,
      );
    }
    files.write(
      "src/presentation/rest/job-routes.ts",
      code`
        import { AllFrameError, type Hono, type Scheduler } from "@allframe/core";

        /** Jobs with their next run, the run history, and a manual trigger. */
        export function registerJobRoutes(app: Hono, scheduler: Scheduler): void {
          app.get("/jobs", (c) => c.json({ items: scheduler.jobs() }));
          app.get("/jobs/runs", (c) => c.json({ items: scheduler.history(c.req.query("job")) }));
          app.post("/jobs/:name/run", async (c) => {
            const name = c.req.param("name");
            if (!scheduler.jobs().some((j) => j.name === name)) throw new AllFrameError("not-found", \`no job \${name}\`);
            return c.json(await scheduler.trigger(name, "manual"));
          });
        }
      `,
    );
    const registrations = jobs
      .map(
        (job) => code`
          scheduler.register({
            name: ${str(job.name)},
            cron: ${str(job.cron)},
            timezone: ${str(job.timezone)},
            timeoutMs: ${job.timeoutMinutes * 60_000},
            overlap: ${str(job.overlap)},
            run: (signal) => ${camelCase(job.name)}(signal, bus, SERVICE_NAME),
          });
        `,
      )
      .join("\n");
    return {
      imports: [
        'import { Scheduler } from "@allframe/core";',
        ...jobs.map((j) => `import { ${camelCase(j.name)} } from "./jobs/${kebabCase(j.name)}.ts";`),
        'import { registerJobRoutes } from "./presentation/rest/job-routes.ts";',
      ],
      body: code`
        const scheduler = new Scheduler({ logger });
        ${registrations}
        registerJobRoutes(host.app, scheduler);
        host.onStart("scheduler", () => scheduler.start());
        host.onShutdown("scheduler", () => scheduler.stop(), "drain");
      `,
      env: [],
      routes: [
        { method: "GET", path: "/jobs", summary: "Jobs with cron, time zone and next run" },
        { method: "GET", path: "/jobs/runs", summary: "Run history (?job=name)" },
        { method: "POST", path: "/jobs/:name/run", summary: "Run a job now (its overlap policy applies)" },
      ],
      tests: code`
        it("registers every job with its next run", async () => {
          const { body } = await svc.request<{ items: Array<{ name: string; nextRunAt: string | null }> }>("/jobs");
          assert.deepEqual(body.items.map((j) => j.name).sort(), ${JSON.stringify(jobs.map((j) => j.name).sort())});
          for (const job of body.items) assert.ok(job.nextRunAt !== null, job.name);
        });

        ${
          jobs.length === 0
            ? ""
            : code`
              it("runs each job on demand, records the manual run and announces its completion", async () => {
                const completions: Record<string, string> = ${JSON.stringify(Object.fromEntries(jobs.map((j) => [j.name, `${pascalCase(j.name)}Completed`])))};
                for (const [job, completed] of Object.entries(completions)) {
                  const name = encodeURIComponent(job);
                  const run = await svc.request<{ status: string }>(\`/jobs/\${name}/run\`, { method: "POST" });
                  assert.equal(run.body.status, "succeeded", job);
                  const history = await svc.request<{ items: Array<{ job: string; trigger: string }> }>(\`/jobs/runs?job=\${name}\`);
                  const last = history.body.items.at(-1);
                  assert.deepEqual([last?.job, last?.trigger], [job, "manual"]);
                  const event = await svc.waitFor(() => svc.published.find((e) => e.type === completed));
                  assert.equal((event.data as { job: string }).job, job);
                }
              });
            `
        }
        it("answers 404 to a run of a job it does not have", async () => {
          const { status } = await svc.request("/jobs/no-such-job/run", { method: "POST" });
          assert.equal(status, 404);
        });
      `,
      engines: {},
    };
  },
};
