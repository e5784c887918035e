export {
  MAX_JOB_ATTEMPTS,
  SYSTEM_MERCHANT_ID,
  cancelJob,
  enqueueJob,
  retryDelayMs,
  type EnqueueJobInput,
} from "./queue";
export {
  registerJobHandler,
  runDueJobs,
  type JobContext,
  type JobHandler,
  type RunSummary,
} from "./runner";
