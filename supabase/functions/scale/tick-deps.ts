// What a scaler tick needs. Its own module so that apply.ts (which drives the provider) and
// tick.ts (which plans and then calls apply.ts) do not import each other.
import type { Sql } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import type { WorkerRelease } from "../_shared/providers/pod-boot.ts";
import type { ScalingConfig } from "../_shared/scaling/index.ts";
import type { Fleet } from "./fleet.ts";

export interface TickDeps {
  sql: Sql;
  fleet: Fleet;
  config: ScalingConfig;
  deploymentId: string;
  workerApiUrl: string;
  /** The worker executable pods download when their image has no ow-worker (null: none published). */
  workerRelease?: WorkerRelease | null;
  /** Unfinalized staged uploads are swept from this store each tick (absent: no sweep). */
  staging?: { store: FileStore; maxAgeSeconds: number; limit: number };
  now?: () => number;
  log?: (line: string) => void;
}
