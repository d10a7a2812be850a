// The worker package's public surface: the CLI entry the SDK's `ow worker` calls, and the pieces
// needed to start a worker programmatically.

export type { WorkerApi } from "./api/worker-api.ts";
export { WorkerApiClient } from "./api/worker-api-client.ts";
export { parseWorkerEnv, WorkerEnvError } from "./config/env.ts";
export type { LogLimits, WorkerConfig, WorkerIntervals } from "./config/worker-config.ts";
export { DEFAULT_INTERVALS, DEFAULT_LOG_LIMITS } from "./config/worker-config.ts";
export { DockerExecutor } from "./executors/docker-executor.ts";
export type { Executor, JobLaunch, RunningJob } from "./executors/executor.ts";
export { ProcessExecutor } from "./executors/process-executor.ts";
export type { WorkerIdentity } from "./loop/worker-identity.ts";
export { CPU_ONLY } from "./loop/worker-identity.ts";
export type { WorkerExit } from "./loop/worker-loop.ts";
export type { CliIo, StartWorkerOptions, WorkerHandle } from "./main.ts";
export { createApiClient, createExecutor, runWorkerCli, startWorker } from "./main.ts";
