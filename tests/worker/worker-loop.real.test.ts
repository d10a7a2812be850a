// The same worker-loop scenarios the worker package runs against its in-memory double, here
// against the real api + worker-api under Deno and real Postgres.
import { defineWorkerLoopScenarios } from "../../worker/test/worker-loop.scenarios.ts";
import { realLoopHarness } from "./real-loop-harness.ts";

defineWorkerLoopScenarios(realLoopHarness);
