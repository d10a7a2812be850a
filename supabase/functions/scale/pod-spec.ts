// The parts of a new pod's spec that depend on the jobs it is for and on the deployment: storage
// sized by job family, the serving port, the image's CUDA floor, and the boot script that brings
// the worker into any image (../_shared/providers/pod-boot.ts).
import { asService } from "../_shared/db/session.ts";
import { bootArgs, bootEnv } from "../_shared/providers/pod-boot.ts";
import { type LayoutJob, podLayout } from "../_shared/providers/pod-layout.ts";
import type { PodSpec } from "../_shared/providers/provider.ts";
import type { CreateWorkerAction } from "../_shared/scaling/index.ts";
import type { TickDeps } from "./tick-deps.ts";

export type PodExtras = Required<
  Pick<
    PodSpec,
    "containerDiskGb" | "volumeGb" | "volumeMountPath" | "ports" | "minCudaVersion" | "startCommand"
  >
> & { bootEnv: Record<string, string> };

export async function podExtras(deps: TickDeps, action: CreateWorkerAction): Promise<PodExtras> {
  const jobs = await asService(
    deps.sql,
    (tx) => tx`select type, params from public.jobs where id = any (${[...action.jobIds]}::text[])`,
  );
  const layout = podLayout(
    jobs.map((j) => ({ type: String(j.type), params: (j.params ?? {}) as LayoutJob["params"] })),
    action.image,
  );
  return {
    ...layout,
    startCommand: bootArgs(),
    bootEnv: bootEnv(deps.workerRelease ?? null),
  };
}
