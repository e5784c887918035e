export { cancelJob, enqueueJob, MAX_JOB_ATTEMPTS, retryDelayMs, SYSTEM_MERCHANT_ID, type EnqueueJobInput } from "./queue";
export { registerJobHandler, runDueJobs, type JobContext, type JobHandler, type RunSummary } from "./runner";
