/** @module scheduling: cron jobs with overlap policies, deadlines and run history. */
export {
  type JobDefinition,
  type JobInfo,
  type JobRun,
  type JobRunStatus,
  OVERLAP_POLICIES,
  type OverlapPolicy,
} from "./job.ts";
export { Scheduler, type SchedulerOptions } from "./scheduler.ts";
